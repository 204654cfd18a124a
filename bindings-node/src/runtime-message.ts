/**
 * What a runtime the package cannot run in is told (see `runtime.ts`).
 *
 * ```ts
 * import { UNSUPPORTED_RUNTIME } from './runtime-message';
 * new Error(UNSUPPORTED_RUNTIME);
 * ```
 */

export const UNSUPPORTED_RUNTIME =
  'empiriolabs runs on Node.js >= 20, Bun or Deno: it loads a native addon, which browsers and edge runtimes ' +
  '(Cloudflare Workers, Vercel Edge, React Native) cannot. There, call the gateway over HTTP with fetch, or use ' +
  "the OpenAI or Anthropic SDK with baseURL set to the gateway's URL.";
