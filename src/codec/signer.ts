/**
 * HMAC-SHA256 signatures for what the cookie carries in the clear: a server-side session id
 * (so a forged id is rejected before any store round trip) or, with
 * `contentSecurity: "signed"`, the session itself. Format: `<payload>.<passwordId>.<mac>`.
 * Keys are derived from the app password with a label, so they never equal the Iron keys.
 */
import type { PasswordMap } from "./iron-rules.js";
import { base64urlToBytes, bytesToBase64url } from "./base64url.js";
import { derivedKeys } from "./derived-keys.js";
import { hmacSha256, sameBytes } from "./digest.js";
import { highestId } from "./rotation.js";

export interface Signer {
  /** `payload` must be base64url (no dots). */
  sign(payload: string): Promise<string>;
  /** The payload when the signature verifies under any configured password, else undefined. */
  verify(token: string): Promise<string | undefined>;
}

/**
 * What a signature vouches for. Each purpose has its own key, so a token made for one (say a
 * signed session cookie) never verifies as another (a session id).
 */
export type SignPurpose = "session-id" | "signed-cookie";

/**
 * Signatures for one purpose and one cookie: the key label names both, so a token signed for
 * the cookie `admin` never verifies as the cookie `session` of another configuration sharing
 * the password (v1 keys, bound to neither, belong to 0.1.0 and verify no more). Verifies under
 * every password of the map; signs with `sealingId` (default: the highest id).
 */
export function signer(passwords: PasswordMap, purpose: SignPurpose, cookieName: string, sealingId = highestId(passwords)): Signer {
  const keyFor = derivedKeys(passwords, `next-session-kit/${purpose}/v2/${cookieName}`);
  const newest = sealingId;
  return {
    async sign(payload) {
      const mac = await hmacSha256(await keyFor(newest)!, `${payload}.${newest}`);
      return `${payload}.${newest}.${bytesToBase64url(mac)}`;
    },
    async verify(token) {
      const [payload, id, mac, extra] = token.split(".");
      if (extra !== undefined || !payload || !id || !mac) return undefined;
      const key = keyFor(id);
      const signature = base64urlToBytes(mac);
      if (!key || !signature || signature.length !== 32) return undefined;
      return sameBytes(await hmacSha256(await key, `${payload}.${id}`), signature) ? payload : undefined;
    },
  };
}
