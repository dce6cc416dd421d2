/**
 * The Iron codec `createSessions` seals with on the Edge runtime (package.json's `#iron-codec`
 * import under the `edge-light` and `worker` conditions): Web Crypto only, since `node:crypto`
 * is never there, so the Node codec stays out of the middleware bundle. Behind the same cache of
 * verified seals as iron-codec.ts.
 */
import type { CookieCodec } from "./cookie-codec.js";
import { ironCodec } from "./iron.js";
import type { PasswordMap } from "./iron-rules.js";
import { cachedUnseal } from "./seal-cache.js";

export function sealCodec(passwords: PasswordMap, sealWith: string): CookieCodec {
  return cachedUnseal(ironCodec(passwords, sealWith));
}
