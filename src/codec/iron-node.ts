/**
 * The Iron seal codec on `node:crypto`: the same `Fe26.2*…~2` seals as iron-session 9 /
 * iron-webcrypto 2, byte for byte, but computed synchronously. Web Crypto's per-call overhead
 * makes a seal or unseal cost over half a millisecond, while the primitives (PBKDF2 with one
 * iteration, AES-256-CBC, HMAC-SHA256) take microseconds here. Node only: the Edge runtime
 * keeps the Web Crypto `ironCodec` (iron.ts). The rules both follow are in iron-rules.ts.
 */
import type { KeyObject } from "node:crypto";
import { nodeCrypto, type NodeCrypto } from "./node-crypto.js";
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import { forgivingBase64urlToBytes } from "./base64url.js";
import { highestId } from "./rotation.js";
import { INVALID, IV_BYTES, ironCodecOf, openedValue, SALT_BYTES, sealBase, sealText, type PasswordMap, type Sealer, type SealToVerify } from "./iron-rules.js";

const KEY_BYTES = 32;
const MAC_BYTES = 32;
const CANONICAL_BASE64URL = /^[A-Za-z0-9_-]*$/;

let node: NodeCrypto;
/** Both salts and the IV of one seal, refilled per seal; only ever used synchronously. */
let randomness: Buffer;

/**
 * Iron seals on `node:crypto`, interchangeable with `ironCodec` (and iron-session) in both
 * directions: the same password rules, expiry rounding, error reasons and edge cases.
 * Undefined where `node:crypto` is unavailable (Edge): use the Web Crypto `ironCodec` there.
 */
export function ironCodecNode(passwords: PasswordMap, sealingId = highestId(passwords)): CookieCodec | undefined {
  const loaded = nodeCrypto();
  if (!loaded) return undefined;
  node = loaded;
  randomness ??= Buffer.alloc(2 * SALT_BYTES + IV_BYTES);
  return ironCodecOf(passwords, sealingId, { seal: sealWith, open });
}

function sealWith(sealer: Sealer, json: string, expiration: number): string {
  node.randomFillSync(randomness);
  const encryptionSalt = randomness.toString("hex", 0, SALT_BYTES);
  const hmacSalt = randomness.toString("hex", SALT_BYTES, 2 * SALT_BYTES);
  const iv = randomness.subarray(2 * SALT_BYTES);
  const cipher = node.createCipheriv("aes-256-cbc", deriveKey(sealer.secret, encryptionSalt), iv);
  const encrypted = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const base = sealBase(sealer.id, encryptionSalt, iv.toString("base64url"), encrypted.toString("base64url"), expiration);
  return sealText(base, hmacSalt, mac(sealer.secret, hmacSalt, base).toString("base64url"));
}

/** The MAC check and decryption of a seal that passed `checkSeal`. */
function open({ secret, base, encryptionSalt, iv, encrypted, hmacSalt, digest }: SealToVerify): UnsealResult {
  const given = decodeField(digest);
  if (given?.length !== MAC_BYTES || !node.timingSafeEqual(given, mac(secret, hmacSalt, base))) return INVALID;
  const ivBytes = decodeField(iv);
  const ciphertext = decodeField(encrypted);
  if (!ivBytes || !ciphertext) return INVALID;
  const decipher = node.createDecipheriv("aes-256-cbc", deriveKey(secret, encryptionSalt), ivBytes);
  return openedValue(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

/**
 * PBKDF2-SHA1, one iteration, over the salt's text: iron's key derivation. Wrapped in a
 * KeyObject because `createHmac`/`createCipheriv` take one several times faster than a Buffer.
 */
function deriveKey(secret: Uint8Array, salt: string): KeyObject {
  return node.createSecretKey(node.pbkdf2Sync(secret, salt, 1, KEY_BYTES, "sha1"));
}

function mac(secret: Uint8Array, salt: string, base: string): Buffer {
  return node.createHmac("sha256", deriveKey(secret, salt)).update(base).digest();
}

/**
 * Decodes a seal field exactly as iron-webcrypto does (`forgivingBase64urlToBytes`), so both
 * codecs accept the same spellings. Canonical base64url, all that either library writes and
 * decodes to the same bytes either way, takes Buffer's native path: several times faster.
 */
function decodeField(text: string): Uint8Array | undefined {
  return CANONICAL_BASE64URL.test(text) && text.length % 4 !== 1 ? Buffer.from(text, "base64url") : forgivingBase64urlToBytes(text);
}
