// End-to-end test in a real VS Code: code-server with the dockerlean .vsix installed, driven by
// playwright-core in Debian's headless Chromium. Opens a folder with a Dockerfile, then checks
// the Problems panel, the hover on FROM and a quick fix, as a person would see them.
//
//   DOCKERLEAN_VSIX=… DOCKERLEAN_BIN=… ARTIFACTS=dir node run.mjs

import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const codeServer = path.join(here, 'node_modules', '.bin', 'code-server');
const fixture = path.join(here, '..', '..', '..', 'fixture', 'Dockerfile');
const { DOCKERLEAN_VSIX: vsix, DOCKERLEAN_BIN: bin, ARTIFACTS: artifacts } = process.env;
if (!vsix || !bin || !artifacts) throw new Error('DOCKERLEAN_VSIX, DOCKERLEAN_BIN and ARTIFACTS must be set');

let failures = 0;
const say = (line) => console.log(`vscode: ${line}`);
async function check(what, probe) {
  try {
    await probe();
    say(`ok: ${what}`);
    return true;
  } catch (error) {
    failures += 1;
    say(`FAILED: ${what}: ${error.message.split('\n')[0]}`);
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerlean-vscode-'));
const dirs = Object.fromEntries(
  ['config', 'user-data', 'extensions', 'project', 'chromium'].map((name) => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    return [name, dir];
  }),
);
fs.mkdirSync(artifacts, { recursive: true });
fs.copyFileSync(fixture, path.join(dirs.project, 'Dockerfile'));
fs.writeFileSync(path.join(dirs.config, 'config.yaml'), 'auth: none\ncert: false\n');
fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
fs.writeFileSync(
  path.join(dirs['user-data'], 'User', 'settings.json'),
  JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'editor.hover.delay': 100,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
  }),
);

const common = ['--config', path.join(dirs.config, 'config.yaml'), '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];
execFileSync(codeServer, [...common, '--install-extension', vsix], { stdio: 'inherit' });

const port = await freePort();
// Its own process group, so that everything it starts (extension host, language server) goes
// with it at the end. `dockerlean` is not on its PATH: the extension must find its bundled one.
const server = spawn(
  codeServer,
  [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', dirs.project],
  { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
const serverLog = fs.createWriteStream(path.join(artifacts, 'code-server.log'));
server.stdout.pipe(serverLog);
server.stderr.pipe(serverLog);

let context;
try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  context = await chromium.launchPersistentContext(dirs.chromium, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 760 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.project)}`);
  await page.locator('.monaco-workbench').waitFor();

  // Open the Dockerfile through Quick Open.
  await page.locator('.monaco-workbench .part.statusbar').waitFor();
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('Dockerfile');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line', { hasText: 'pip install' }).waitFor();
  const text = async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

  await check('DKL101 shows in the Problems panel', async () => {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'DKL101' }).waitFor();
    await page.locator('.markers-panel', { hasText: '--no-cache-dir' }).waitFor();
  });

  const fromWord = editor.locator('.view-line', { hasText: 'FROM' }).locator('span span', { hasText: 'python' }).first();
  await check('hovering FROM shows the image size in MB', async () => {
    await fromWord.hover();
    await page.locator('.monaco-hover', { hasText: /\d+(\.\d+)?\s*MB/ }).first().waitFor({ timeout: 20_000 });
  });

  // The screenshot the README uses: the size finding hovered, with the Problems panel open.
  const pip = editor.locator('.view-line', { hasText: 'pip install' }).locator('span span', { hasText: 'pip' }).first();
  await pip.hover();
  await page.locator('.monaco-hover', { hasText: 'DKL101' }).first().waitFor({ timeout: 20_000 }).catch(() => {});
  await page.screenshot({ path: path.join(artifacts, 'vscode.png') });
  say(`screenshot: ${path.join(artifacts, 'vscode.png')}`);

  await check('the DKL101 quick fix adds --no-cache-dir', async () => {
    await page.mouse.move(0, 0);
    await pip.click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget', { hasText: 'Add `--no-cache-dir`' }).waitFor();
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 20_000;
    while (!(await text()).includes('pip install --no-cache-dir -r requirements.txt')) {
      if (Date.now() > deadline) throw new Error(`the text did not change: ${await text()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'DKL101' }).waitFor({ state: 'detached', timeout: 20_000 });
  });
} catch (error) {
  failures += 1;
  say(`FAILED: ${error.stack}`);
} finally {
  if (context) {
    const page = context.pages()[0];
    if (page && failures > 0) await page.screenshot({ path: path.join(artifacts, 'vscode-failure.png') }).catch(() => {});
    await context.close();
  }
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}
say(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
