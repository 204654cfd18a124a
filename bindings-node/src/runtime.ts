/**
 * Where the package can run: it loads a native addon, so it needs Node.js (≥ 20), Bun or Deno.
 * Loaded first by the entry point, so that anywhere else the import fails with this message
 * instead of an addon loader's error. Bundles for browsers and edge runtimes (`browser`,
 * `workerd`, `edge-light`, `react-native` export conditions) get `unsupported.js`, which throws
 * the same message.
 *
 * ```ts
 * import { assertSupportedRuntime } from './runtime';
 * assertSupportedRuntime(); // throws outside Node.js, Bun and Deno
 * ```
 */

import { UNSUPPORTED_RUNTIME } from './runtime-message';

/** Throws `UNSUPPORTED_RUNTIME` unless this is Node.js >= 20, Bun or Deno. */
export function assertSupportedRuntime(): void {
  const p = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process;
  const node = p?.versions?.node;
  if (!node) throw new Error(UNSUPPORTED_RUNTIME);
  const major = Number(node.split('.')[0]);
  // Bun and Deno report the Node.js version they are compatible with.
  if (!(major >= 20)) throw new Error(`${UNSUPPORTED_RUNTIME} This is Node.js ${node}.`);
}

assertSupportedRuntime();
