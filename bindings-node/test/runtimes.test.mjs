// The package under Bun and Deno, installed from the npm registry into test/runtimes
// (`cd test/runtimes && npm ci`; .ci/run does it): each runs test/runtimes/smoke.mjs, which
// loads the package from dist/, calls, streams and checks the error classes against its own
// mock gateway. A runtime that is not installed is skipped, with one line saying so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';

import { MOCK_BIN, ROOT } from './support.mjs';

const DIR = path.join(ROOT, 'bindings-node', 'test', 'runtimes');
const RUNTIMES = [
  ['bun', (bin) => [bin, ['smoke.mjs', MOCK_BIN]]],
  ['deno', (bin) => [bin, ['run', '--allow-all', '--quiet', 'smoke.mjs', MOCK_BIN]]],
];

for (const [name, command] of RUNTIMES) {
  const bin = path.join(DIR, 'node_modules', '.bin', name);
  const skip = existsSync(bin) ? false : `${name} is not installed here (cd bindings-node/test/runtimes && npm ci)`;
  test(`the package loads, calls, streams and fails typed under ${name}`, { skip, timeout: 60_000 }, () => {
    const [exe, args] = command(bin);
    const r = spawnSync(exe, args, { cwd: DIR, encoding: 'utf8', timeout: 50_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    assert.equal(r.status, 0, `${name} failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^ok ${name} `, 'm'));
  });
}

// Where the addon cannot load, the import fails at once with the reason, under every export
// condition bundlers for browsers and edge runtimes use, and in a runtime that is not Node.js.
const PKG = path.join(ROOT, 'bindings-node');
const UNSUPPORTED = /empiriolabs runs on Node\.js >= 20, Bun or Deno: it loads a native addon/;

for (const [condition, loader] of [['browser', 'require'], ['workerd', 'import'], ['edge-light', 'import'], ['react-native', 'require']]) {
  test(`importing the package under the ${condition} condition fails with a clear message`, () => {
    const code = loader === 'require' ? "require('empiriolabs')" : "await import('empiriolabs')";
    const args = ['-C', condition, ...(loader === 'import' ? ['--input-type=module'] : []), '-e', code];
    const r = spawnSync(process.execPath, args, { cwd: PKG, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, UNSUPPORTED);
  });
}

test('outside Node.js, Bun and Deno the entry point fails with the same message', () => {
  const code = "Object.defineProperty(process, 'versions', { value: {} }); require('empiriolabs')";
  const r = spawnSync(process.execPath, ['-e', code], { cwd: PKG, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, UNSUPPORTED);
  const ok = spawnSync(process.execPath, ['-e', "require('empiriolabs'); import('empiriolabs').then(() => console.log('ok'))"], { cwd: PKG, encoding: 'utf8' });
  assert.equal(ok.stdout.trim(), 'ok', ok.stderr);
});
