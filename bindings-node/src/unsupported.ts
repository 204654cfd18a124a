/**
 * The package's entry under the `browser`, `workerd`, `edge-light` and `react-native` export
 * conditions: importing it there fails at once, saying why and what to use instead.
 *
 * ```ts
 * // in a Cloudflare Worker: import EmpirioLabs from 'empiriolabs' throws UNSUPPORTED_RUNTIME
 * ```
 */
import { UNSUPPORTED_RUNTIME } from './runtime-message';

throw new Error(UNSUPPORTED_RUNTIME);
