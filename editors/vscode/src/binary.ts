// Where the language server binary is: the user's setting, else the one bundled in the .vsix
// for this platform, else `dockerlean` on PATH.

import * as fs from 'node:fs';
import * as path from 'node:path';

const EXE = process.platform === 'win32' ? 'dockerlean.exe' : 'dockerlean';

export type Located = { found: true; path: string } | { found: false; looked: string[] };

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// A .vsix is a zip archive: the unpacked binary may have lost its executable bit.
function restoreExecutableBit(file: string): void {
  try {
    if (fs.statSync(file).isFile() && !executable(file)) {
      fs.chmodSync(file, 0o755);
    }
  } catch {
    // not bundled
  }
}

export function bundledPath(extensionDir: string): string {
  return path.join(extensionDir, 'bin', `${process.platform}-${process.arch}`, EXE);
}

export function locate(configured: string, extensionDir: string, envPath: string | undefined): Located {
  if (configured.trim() !== '') {
    const file = configured.trim();
    return executable(file) ? { found: true, path: file } : { found: false, looked: [file] };
  }
  restoreExecutableBit(bundledPath(extensionDir));
  const candidates = [
    bundledPath(extensionDir),
    ...(envPath ?? '').split(path.delimiter).filter((dir) => dir !== '').map((dir) => path.join(dir, EXE)),
  ];
  const hit = candidates.find(executable);
  return hit === undefined ? { found: false, looked: [bundledPath(extensionDir), `${EXE} on PATH`] } : { found: true, path: hit };
}
