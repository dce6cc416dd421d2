/**
 * HMAC-SHA256 signatures for what the cookie carries in the clear: a server-side session id
 * (so a forged id is rejected before any store round trip) or, with
 * `contentSecurity: "signed"`, the session itself. Format: `<payload>.<passwordId>.<mac>`.
 * Keys are derived from the app password with a label, so they never equal the Iron keys.
 */
import type { PasswordMap } from "./iron.js";
import { base64urlToBytes, bytesToBase64url } from "./base64url.js";
import { hmacSha256, sameBytes } from "./digest.js";
import { highestId } from "./rotation.js";

export interface Signer {
  /** `payload` must be base64url (no dots). */
  sign(payload: string): Promise<string>;
  /** The payload when the signature verifies under any configured password, else undefined. */
  verify(token: string): Promise<string | undefined>;
}

const encoder = new TextEncoder();

/**
 * What a signature vouches for. Each purpose has its own key, so a token made for one (say a
 * signed session cookie) never verifies as another (a session id).
 */
export type SignPurpose = "session-id" | "signed-cookie";

/** The signing key of one password and purpose: HMAC(password, label), never the Iron keys. */
function deriveKey(secret: string, purpose: SignPurpose): Promise<Uint8Array<ArrayBuffer>> {
  return hmacSha256(encoder.encode(secret), `next-session-kit/${purpose}/v1`);
}

/** Verifies under every password of the map; signs with `sealingId` (default: the highest id). */
export function signer(passwords: PasswordMap, purpose: SignPurpose, sealingId = highestId(passwords)): Signer {
  const keys = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const keyFor = (id: string): Promise<Uint8Array<ArrayBuffer>> | undefined => {
    // Own entries only: an inherited `constructor` or `__proto__` stringifies to a public secret.
    const secret = Object.hasOwn(passwords, id) ? passwords[id] : undefined;
    if (typeof secret !== "string") return undefined;
    let key = keys.get(id);
    if (!key) keys.set(id, (key = deriveKey(secret, purpose)));
    return key;
  };
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
