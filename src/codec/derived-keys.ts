/**
 * Keys derived from the app's passwords for everything that is not an Iron seal: one per
 * password id and purpose label, HMAC-SHA256(password, label), so no two purposes (a signed
 * session id, a signed cookie, an at-rest digest) ever share a key, nor with the Iron keys.
 */
import type { PasswordMap } from "./iron-rules.js";
import { hmacSha256 } from "./digest.js";

const encoder = new TextEncoder();

/**
 * The key of password `id` for `label`, derived once; undefined for an id the map does not own
 * (an inherited `constructor` or `__proto__` would stringify to a public secret).
 */
export function derivedKeys(passwords: PasswordMap, label: string): (id: string) => Promise<Uint8Array<ArrayBuffer>> | undefined {
  const keys = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  return (id) => {
    const secret = Object.hasOwn(passwords, id) ? passwords[id] : undefined;
    if (typeof secret !== "string") return undefined;
    let key = keys.get(id);
    if (!key) keys.set(id, (key = hmacSha256(encoder.encode(secret), label)));
    return key;
  };
}
