import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { bundledPath, locate } from '../../src/binary';

function executableAt(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dockerlean-binary-'));

test('the bundled binary wins over PATH', () => {
  const dir = scratch();
  const bundled = executableAt(bundledPath(path.join(dir, 'ext')));
  executableAt(path.join(dir, 'path', 'dockerlean'));
  assert.deepEqual(locate('', path.join(dir, 'ext'), path.join(dir, 'path')), { found: true, path: bundled });
});

test('a bundled binary without its executable bit gets it back', () => {
  const dir = scratch();
  const bundled = executableAt(bundledPath(path.join(dir, 'ext')));
  fs.chmodSync(bundled, 0o644);
  assert.deepEqual(locate('', path.join(dir, 'ext'), undefined), { found: true, path: bundled });
});

test('PATH is searched when nothing is bundled', () => {
  const dir = scratch();
  const onPath = executableAt(path.join(dir, 'b', 'dockerlean'));
  const envPath = [path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter);
  assert.deepEqual(locate('', path.join(dir, 'ext'), envPath), { found: true, path: onPath });
});

test('a configured path is used as it is, and reported when missing', () => {
  const dir = scratch();
  const configured = executableAt(path.join(dir, 'mine'));
  assert.deepEqual(locate(configured, dir, undefined), { found: true, path: configured });
  const missing = path.join(dir, 'nope');
  assert.deepEqual(locate(missing, dir, undefined), { found: false, looked: [missing] });
});

test('nothing found says where it looked', () => {
  const dir = scratch();
  const located = locate('', dir, path.join(dir, 'empty'));
  assert.equal(located.found, false);
});
