/**
 * The Iron seal codec on `node:crypto`: the same `Fe26.2*…~2` seals as iron-session 9 /
 * iron-webcrypto 2, byte for byte, but computed synchronously. Web Crypto's per-call overhead
 * makes iron-session's seal/unseal cost over half a millisecond, while the primitives (PBKDF2
 * with one iteration, AES-256-CBC, HMAC-SHA256) take microseconds here. Node only: the Edge
 * runtime keeps the portable `ironCodec`.
 *
 * Seal: `Fe26.2*<id>*<encryptionSalt>*<iv>*<encrypted>*<expiration>*<hmacSalt>*<hmac>~2`, where
 * salts are 64 hex characters used as text (not decoded) for PBKDF2-SHA1, binary fields are
 * base64url without padding, and the HMAC covers everything before `*<hmacSalt>`.
 */
import type { KeyObject } from "node:crypto";
import { nodeCrypto, type NodeCrypto } from "./node-crypto.js";
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import type { PasswordMap } from "./iron.js";
import { jsonProblem } from "../json.js";
import { forgivingBase64urlToBytes } from "./base64url.js";
import { highestId } from "./rotation.js";
import { sealExpiration, sealFields } from "./iron-format.js";

const PREFIX = "Fe26.2";
const VERSION_SUFFIX = "~2";
const SKEW_MS = 60_000;
const MIN_PASSWORD_LENGTH = 32;
const KEY_BYTES = 32;
const SALT_BYTES = 32;
const IV_BYTES = 16;
const MAC_BYTES = 32;
const CANONICAL_BASE64URL = /^[A-Za-z0-9_-]*$/;

const INVALID: UnsealResult = Object.freeze({ ok: false, reason: "invalid" });
const EXPIRED: UnsealResult = Object.freeze({ ok: false, reason: "expired" });
const UNKNOWN_PASSWORD: UnsealResult = Object.freeze({ ok: false, reason: "unknown-password" });

/** Non-fatal and BOM-stripping, like the TextDecoder iron-webcrypto decodes with. */
const utf8 = new TextDecoder();
let node: NodeCrypto;
/** Both salts and the IV of one seal, refilled per seal; only ever used synchronously. */
let randomness: Buffer;

interface Sealer {
  id: string;
  secret: Buffer;
}

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
  const secrets = usableSecrets(passwords);
  const sealer = sealerOf(passwords, secrets, sealingId);
  return {
    seal(value, expiresAt) {
      try {
        if (typeof sealer === "string") throw new Error(sealer);
        return Promise.resolve(sealWith(sealer, value, expiresAt));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    unseal(seal) {
      try {
        return Promise.resolve(open(passwords, secrets, seal));
      } catch {
        return Promise.resolve(INVALID);
      }
    },
  };
}

/** Password id -> encoded secret, for the entries iron-webcrypto would accept as a key. */
function usableSecrets(passwords: PasswordMap): Map<string, Buffer> {
  const secrets = new Map<string, Buffer>();
  for (const [id, secret] of Object.entries(passwords)) {
    if (typeof secret === "string" && secret.length >= MIN_PASSWORD_LENGTH) secrets.set(id, Buffer.from(secret));
  }
  return secrets;
}

/** Id `id` seals (by default the highest, as in iron-session's `sealData`); a string says why it cannot. */
function sealerOf(passwords: PasswordMap, secrets: Map<string, Buffer>, id: string): Sealer | string {
  if (passwords[id] === undefined) {
    return "next-session-kit: the password map has no usable entry: key it by numbers, e.g. { 1: process.env.SESSION_PASSWORD }.";
  }
  if (!/^\w+$/.test(id)) return `next-session-kit: invalid password id "${id}": use positive integers.`;
  const secret = secrets.get(id);
  if (!secret) return `next-session-kit: password ${id} must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  return { id, secret };
}

function sealWith(sealer: Sealer, value: unknown, expiresAt: number): string {
  if (!Number.isFinite(expiresAt)) throw new RangeError(`next-session-kit: cannot seal until ${expiresAt}: expiresAt must be a finite epoch-ms time.`);
  const json = plainJson(value);
  const now = Date.now();
  // Whole seconds, rounded up, as `ironCodec` passes a ttl to iron-session: both codecs agree.
  const expiration = now + Math.max(1, Math.ceil((expiresAt - now) / 1000)) * 1000;
  node.randomFillSync(randomness);
  const encryptionSalt = randomness.toString("hex", 0, SALT_BYTES);
  const hmacSalt = randomness.toString("hex", SALT_BYTES, 2 * SALT_BYTES);
  const iv = randomness.subarray(2 * SALT_BYTES);
  const cipher = node.createCipheriv("aes-256-cbc", deriveKey(sealer.secret, encryptionSalt), iv);
  const encrypted = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const base = `${PREFIX}*${sealer.id}*${encryptionSalt}*${iv.toString("base64url")}*${encrypted.toString("base64url")}*${expiration}`;
  return `${base}*${hmacSalt}*${mac(sealer.secret, hmacSalt, base).toString("base64url")}${VERSION_SUFFIX}`;
}

/** Follows iron-webcrypto's `unseal` check by check, so every seal gets the same verdict. */
function open(passwords: PasswordMap, secrets: Map<string, Buffer>, seal: string): UnsealResult {
  // iron-session ignores everything from the first `~`: the version marker is outside the HMAC.
  const fields = sealFields(seal);
  if (!fields) return INVALID;
  const [prefix, id, encryptionSalt, iv, encrypted, , hmacSalt, digest] = fields;
  if (prefix !== PREFIX) return INVALID;
  const expiration = sealExpiration(fields);
  if (expiration === undefined) return INVALID;
  if (expiration <= Date.now() - SKEW_MS) return EXPIRED;
  const passwordId = id || "default";
  const secret = secrets.get(passwordId);
  // A present but unusable entry (too short, or inherited like `constructor`) is "invalid".
  if (!secret) return passwords[passwordId] ? INVALID : UNKNOWN_PASSWORD;
  // An empty salt makes iron-webcrypto derive from a random one: it can never verify.
  if (!hmacSalt || !encryptionSalt) return INVALID;
  const base = fields.slice(0, 6).join("*");
  const given = decodeField(digest);
  if (given?.length !== MAC_BYTES || !node.timingSafeEqual(given, mac(secret, hmacSalt, base))) return INVALID;
  const ivBytes = decodeField(iv);
  const ciphertext = decodeField(encrypted);
  if (!ivBytes || !ciphertext) return INVALID;
  const decipher = node.createDecipheriv("aes-256-cbc", deriveKey(secret, encryptionSalt), ivBytes);
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  // iron-session turns a sealed null into an empty object.
  return { ok: true, value: JSON.parse(utf8.decode(plaintext)) ?? {} };
}

/**
 * PBKDF2-SHA1, one iteration, over the salt's text: iron's key derivation. Wrapped in a
 * KeyObject because `createHmac`/`createCipheriv` take one several times faster than a Buffer.
 */
function deriveKey(secret: Buffer, salt: string): KeyObject {
  return node.createSecretKey(node.pbkdf2Sync(secret, salt, 1, KEY_BYTES, "sha1"));
}

function mac(secret: Buffer, salt: string, base: string): Buffer {
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

/**
 * The JSON text to seal, with iron-session's rules: a top-level object is shallow-copied first
 * (so its own enumerable fields are sealed, and an array becomes an index-keyed object), then
 * only plain JSON is accepted (`undefined` object fields dropped). Throws an error naming the
 * offending path.
 */
function plainJson(value: unknown): string {
  const copy = value !== null && typeof value === "object" ? { ...value } : value;
  let problem: string | undefined;
  try {
    problem = jsonProblem(copy, "value", { undefinedFields: "dropped" });
    if (problem === undefined) return JSON.stringify(copy);
  } catch (error) {
    throw new TypeError(`next-session-kit: cannot seal the session: it is not JSON serialisable (${String(error)}).`, { cause: error });
  }
  throw new TypeError(`next-session-kit: cannot seal the session: ${problem}. Only plain JSON can be sealed.`);
}
