// The Node surface is the surface table's: every place and helper of spec/surface.toml is a
// method (spelled by the table's TypeScript rule), no public method is missing from the table,
// and the generated layer (src/resources.ts, src/types.ts) is current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, load } from './support.mjs';

const { EmpirioLabs } = await load();
const { APIResource } = await import(path.join(ROOT, 'bindings-node', 'dist', 'resource.js'));

const camel = (seg) => seg.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const spelled = (place) => place.split('.').map(camel).join('.');

/** Namespace path -> method names, from every `place = "..."` of the table (operations and helpers). */
function tablePlaces() {
  const text = readFileSync(path.join(ROOT, 'spec', 'surface.toml'), 'utf8');
  const out = new Map();
  for (const m of text.matchAll(/place\s*=\s*"([^"]+)"/g)) {
    const place = spelled(m[1]);
    const i = place.lastIndexOf('.');
    const ns = place.slice(0, i);
    if (!out.has(ns)) out.set(ns, new Set());
    out.get(ns).add(place.slice(i + 1));
    const parts = ns.split('.');
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join('.');
      if (!out.has(prefix)) out.set(prefix, new Set());
    }
  }
  return out;
}

/** Namespace path -> public methods, walked from the client's namespaces. */
function nodeSurface(client) {
  const out = new Map();
  const walk = (name, ns) => {
    const methods = new Set();
    out.set(name, methods);
    for (const [k, v] of Object.entries(ns)) {
      if (v instanceof APIResource) walk(`${name}.${k}`, v);
    }
    for (let proto = Object.getPrototypeOf(ns); proto && proto !== APIResource.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const k of Object.getOwnPropertyNames(proto)) {
        if (k === 'constructor' || k.startsWith('_')) continue;
        const d = Object.getOwnPropertyDescriptor(proto, k);
        if (typeof d.value === 'function') methods.add(k);
      }
    }
  };
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(client))) {
    if (typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(client), name).get !== 'function') continue;
    const v = client[name];
    if (v instanceof APIResource) walk(name, v);
  }
  return out;
}

test('the Node surface is the surface table', () => {
  const expected = tablePlaces();
  const got = nodeSurface(new EmpirioLabs({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9' }));
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'namespaces differ');
  const problems = [];
  for (const [ns, want] of expected) {
    const have = got.get(ns);
    const missing = [...want].filter((m) => !have.has(m));
    const extra = [...have].filter((m) => !want.has(m));
    if (missing.length || extra.length) problems.push(`${ns}: missing [${missing}], not in the table [${extra}]`);
  }
  assert.deepEqual(problems, []);
});

test('a method the table names but the package lacks fails the comparison', () => {
  const expected = tablePlaces();
  const got = nodeSurface(new EmpirioLabs({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9' }));
  got.get('videos').delete('generateAndWait');
  const missing = [...expected.get('videos')].filter((m) => !got.get('videos').has(m));
  assert.deepEqual(missing, ['generateAndWait']);
});

test('every operation of the core is called by a generated method', () => {
  const native = createRequire(import.meta.url)(path.join(ROOT, 'bindings-node', 'dist', 'native', 'index.js'));
  const resources = readFileSync(path.join(ROOT, 'bindings-node', 'src', 'resources.ts'), 'utf8') + readFileSync(path.join(ROOT, 'bindings-node', 'src', 'helpers.ts'), 'utf8');
  const ops = native.operations().map(([id]) => id);
  assert.equal(ops.length, 66);
  assert.deepEqual(ops.filter((id) => !resources.includes(`'${id}'`)), []);
});


test('the generated layer is current', () => {
  const py = [path.join(ROOT, '.venv', 'bin', 'python'), 'python3'].find((p) => p === 'python3' || existsSync(p));
  const script = [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'tools', 'surface'))})`,
    'import table, emit_typescript',
    'spec = table.load_spec()',
    'stale = [str(p) for p, t in emit_typescript.outputs(spec, table.operations(spec)).items() if not p.exists() or p.read_text() != t]',
    'print("\\n".join(stale))',
  ].join('\n');
  const stale = execFileSync(py, ['-c', script]).toString().trim();
  assert.equal(stale, '', `stale generated files (run \`python tools/surface/generate.py\`):\n${stale}`);
});
