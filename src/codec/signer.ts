/**
 * HMAC-SHA256 signatures for what the cookie carries in the clear: a server-side session id
 * (so a forged id is rejected before any store round trip) or, with
 * `contentSecurity: "signed"`, the session itself. Format: `<payload>.<passwordId>.<mac>`.
 * Keys are derived from the app password with a label, so they never equal the Iron keys.
 */
import type { PasswordMap } from "./iron.js";
import { base64urlToBytes, bytesToBase64url } from "./base64url.js";

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

async function deriveKey(secret: string, purpose: SignPurpose): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", master, encoder.encode(`next-session-kit/${purpose}/v1`));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export function signer(passwords: PasswordMap, purpose: SignPurpose): Signer {
  const keys = new Map<string, Promise<CryptoKey>>();
  const keyFor = (id: string): Promise<CryptoKey> | undefined => {
    // Own entries only: an inherited `constructor` or `__proto__` stringifies to a public secret.
    const secret = Object.hasOwn(passwords, id) ? passwords[id] : undefined;
    if (typeof secret !== "string") return undefined;
    let key = keys.get(id);
    if (!key) keys.set(id, (key = deriveKey(secret, purpose)));
    return key;
  };
  const newest = String(Math.max(...Object.keys(passwords).map(Number)));
  return {
    async sign(payload) {
      const key = await keyFor(newest)!;
      const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${payload}.${newest}`));
      return `${payload}.${newest}.${bytesToBase64url(new Uint8Array(mac))}`;
    },
    async verify(token) {
      const [payload, id, mac, extra] = token.split(".");
      if (extra !== undefined || !payload || !id || !mac) return undefined;
      const key = keyFor(id);
      const signature = base64urlToBytes(mac);
      if (!key || !signature || signature.length !== 32) return undefined;
      const ok = await crypto.subtle.verify("HMAC", await key, signature, encoder.encode(`${payload}.${id}`));
      return ok ? payload : undefined;
    },
  };
}
