/**
 * HMAC-SHA256, the primitive behind signed ids and at-rest digests: on
 * `node:crypto` where available, else Web Crypto (Edge). Same bytes either way.
 */
import type { KeyObject } from "node:crypto";
import { nodeCrypto } from "./node-crypto.js";

const encoder = new TextEncoder();
const webKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
/** node:crypto key objects: `createHmac` given raw bytes makes one per call, several times the HMAC's cost. */
const nodeKeys = new WeakMap<Uint8Array, KeyObject>();

function webKey(key: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  let imported = webKeys.get(key);
  if (!imported) webKeys.set(key, (imported = crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])));
  return imported;
}

/** HMAC-SHA256 of `text` under `key` (pass the same key array each time: its imported form is cached). */
export async function hmacSha256(key: Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const node = nodeCrypto();
  if (node) {
    let keyObject = nodeKeys.get(key);
    if (!keyObject) nodeKeys.set(key, (keyObject = node.createSecretKey(key)));
    return new Uint8Array(node.createHmac("sha256", keyObject).update(text).digest());
  }
  return new Uint8Array(await crypto.subtle.sign("HMAC", await webKey(key), encoder.encode(text)));
}

/** Constant-time equality of two MACs. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
