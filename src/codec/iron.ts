/**
 * The Iron seal (`Fe26.2*…~2`) codec on Web Crypto, byte-compatible with iron-session 9 so
 * cookies move freely between the two libraries. This is the portable path: the Edge runtime's,
 * and Node's before `process.getBuiltinModule` (Node has the faster iron-node.ts). It follows
 * the same rules as iron-node.ts (iron-rules.ts); only the primitives differ.
 */
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import { bytesToBase64url, forgivingBase64urlToBytes } from "./base64url.js";
import { highestId } from "./rotation.js";
import { INVALID, IV_BYTES, ironCodecOf, openedValue, SALT_BYTES, sealBase, sealText, type PasswordMap, type Sealer, type SealToVerify } from "./iron-rules.js";

export type { PasswordMap } from "./iron-rules.js";

const encoder = new TextEncoder();
const AES: AesKeyGenParams = { name: "AES-CBC", length: 256 };
const HMAC: HmacImportParams = { name: "HMAC", hash: "SHA-256", length: 256 };
/** Each secret imported once as PBKDF2 key material (iron-webcrypto imports it per derivation). */
const baseKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

/** Opens under every password of the map; seals with `sealingId` (default: the highest id). */
export function ironCodec(passwords: PasswordMap, sealingId = highestId(passwords)): CookieCodec {
  return ironCodecOf(passwords, sealingId, { seal: sealWith, open });
}

async function sealWith(sealer: Sealer, json: string, expiration: number): Promise<string> {
  const randomness = crypto.getRandomValues(new Uint8Array(2 * SALT_BYTES + IV_BYTES));
  const encryptionSalt = hex(randomness.subarray(0, SALT_BYTES));
  const hmacSalt = hex(randomness.subarray(SALT_BYTES, 2 * SALT_BYTES));
  const iv = randomness.slice(2 * SALT_BYTES);
  const key = await deriveKey(sealer.secret, encryptionSalt, AES, "encrypt");
  const encrypted = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, key, encoder.encode(json)));
  const base = sealBase(sealer.id, encryptionSalt, bytesToBase64url(iv), bytesToBase64url(encrypted), expiration);
  const mac = await crypto.subtle.sign("HMAC", await deriveKey(sealer.secret, hmacSalt, HMAC, "sign"), encoder.encode(base));
  return sealText(base, hmacSalt, bytesToBase64url(new Uint8Array(mac)));
}

/** The MAC check and decryption of a seal that passed `checkSeal`; throws (invalid) on a bad IV or padding. */
async function open({ secret, base, encryptionSalt, iv, encrypted, hmacSalt, digest }: SealToVerify): Promise<UnsealResult> {
  const given = forgivingBase64urlToBytes(digest);
  if (!given || !(await crypto.subtle.verify("HMAC", await deriveKey(secret, hmacSalt, HMAC, "verify"), given, encoder.encode(base)))) return INVALID;
  const ivBytes = forgivingBase64urlToBytes(iv);
  const ciphertext = forgivingBase64urlToBytes(encrypted);
  if (!ivBytes || !ciphertext) return INVALID;
  const key = await deriveKey(secret, encryptionSalt, AES, "decrypt");
  return openedValue(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: ivBytes }, key, ciphertext)));
}

/** PBKDF2-SHA1, one iteration, over the salt's text: iron's key derivation. */
async function deriveKey(secret: Uint8Array<ArrayBuffer>, salt: string, algorithm: AesKeyGenParams | HmacImportParams, usage: KeyUsage): Promise<CryptoKey> {
  let base = baseKeys.get(secret);
  if (!base) baseKeys.set(secret, (base = crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveKey"])));
  return crypto.subtle.deriveKey({ name: "PBKDF2", salt: encoder.encode(salt), iterations: 1, hash: "SHA-1" }, await base, algorithm, false, [usage]);
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}
