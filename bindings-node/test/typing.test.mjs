// The package's declarations serve typical user code: test/typing/sample.mts compiles under
// tsc --strict against dist/*.d.ts, and its `@ts-expect-error` lines are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './support.mjs';

test('typical user code type-checks, and mistakes are reported', () => {
  const pkg = path.join(ROOT, 'bindings-node');
  const tsc = path.join(pkg, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(pkg, 'test', 'typing', 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
