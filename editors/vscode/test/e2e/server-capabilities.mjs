// Asks the dockerlean binary for its initialize result over stdio, the way an editor would.

import { spawn } from 'node:child_process';

export function serverCapabilities(bin) {
  return new Promise((resolve, reject) => {
    const server = spawn(bin, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      server.kill();
      reject(new Error('no initialize result within 10 s'));
    }, 10_000);
    let buffer = Buffer.alloc(0);
    server.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const header = buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())[1]);
      if (buffer.length < header + 4 + length) return;
      const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
      clearTimeout(timer);
      server.kill();
      resolve(message.result.capabilities);
    });
    server.on('error', reject);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}
