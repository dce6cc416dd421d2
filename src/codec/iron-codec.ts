/**
 * The Iron codec `createSessions` seals with, as package.json's `#iron-codec` import resolves it
 * outside the Edge runtime: `node:crypto` where the runtime has it (an order of magnitude faster
 * than Web Crypto for one seal), else Web Crypto (Node before 20.16). The Edge runtime gets
 * iron-codec-edge.ts instead, so the Node codec is not in its bundle at all. Either way behind a
 * cache of verified seals, since the same cookie arrives on every request until it changes.
 */
import type { CookieCodec } from "./cookie-codec.js";
import { ironCodec } from "./iron.js";
import { ironCodecNode } from "./iron-node.js";
import type { PasswordMap } from "./iron-rules.js";
import { cachedUnseal } from "./seal-cache.js";

export function sealCodec(passwords: PasswordMap, sealWith: string): CookieCodec {
  return cachedUnseal(ironCodecNode(passwords, sealWith) ?? ironCodec(passwords, sealWith));
}
