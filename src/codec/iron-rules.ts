/**
 * What both Iron codecs (iron-node.ts on `node:crypto`, iron.ts on Web Crypto) do alike, so the
 * two cannot drift apart and both stay interchangeable with iron-session 9 / iron-webcrypto 2:
 * which passwords seal and open, the expiry rounding, what may be sealed, the seal's text, and
 * every check a seal must pass before its MAC is computed. Only the crypto differs.
 *
 * Seal: `Fe26.2*<id>*<encryptionSalt>*<iv>*<encrypted>*<expiration>*<hmacSalt>*<hmac>~2`, where
 * salts are 64 hex characters used as text (not decoded) for PBKDF2-SHA1 with one iteration,
 * binary fields are base64url without padding, and the HMAC-SHA256 covers everything before
 * `*<hmacSalt>`. The key derived per salt is 32 bytes: AES-256-CBC's, and the HMAC's.
 */
import type { UnsealResult } from "../stores/types.js";
import { jsonProblem } from "../json.js";
import type { CookieCodec } from "./cookie-codec.js";
import { sealExpiration, sealFields } from "./iron-format.js";

/** Password id -> secret, as iron-session's password map; the highest id seals unless told otherwise. */
export type PasswordMap = Readonly<Record<string, string>>;

const PREFIX = "Fe26.2";
const VERSION_SUFFIX = "~2";
const SKEW_MS = 60_000;
const MIN_PASSWORD_LENGTH = 32;
/** Bytes of each salt (hex-encoded in the seal) and of the IV, drawn at random per seal. */
export const SALT_BYTES = 32;
export const IV_BYTES = 16;

export const INVALID: UnsealResult = Object.freeze({ ok: false, reason: "invalid" });
const EXPIRED: UnsealResult = Object.freeze({ ok: false, reason: "expired" });
const UNKNOWN_PASSWORD: UnsealResult = Object.freeze({ ok: false, reason: "unknown-password" });

const encoder = new TextEncoder();
/** Non-fatal and BOM-stripping, like the TextDecoder iron-webcrypto decodes with. */
const utf8 = new TextDecoder();

export interface Sealer {
  id: string;
  secret: Uint8Array<ArrayBuffer>;
}

/** Password id -> UTF-8 secret, for the entries iron-webcrypto would accept as a key. */
function usableSecrets(passwords: PasswordMap): Map<string, Uint8Array<ArrayBuffer>> {
  const secrets = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [id, secret] of Object.entries(passwords)) {
    if (typeof secret === "string" && secret.length >= MIN_PASSWORD_LENGTH) secrets.set(id, encoder.encode(secret));
  }
  return secrets;
}

/** Id `id` seals (by default the highest, as in iron-session's `sealData`); a string says why it cannot. */
function sealerOf(passwords: PasswordMap, secrets: Map<string, Uint8Array<ArrayBuffer>>, id: string): Sealer | string {
  if (passwords[id] === undefined) {
    return "next-session-kit: the password map has no usable entry: key it by numbers, e.g. { 1: process.env.SESSION_PASSWORD }.";
  }
  if (!/^\w+$/.test(id)) return `next-session-kit: invalid password id "${id}": use positive integers.`;
  const secret = secrets.get(id);
  if (!secret) return `next-session-kit: password ${id} must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  return { id, secret };
}

/** The usable sealer, or throws why there is none (the seal's promise rejects with it). */
function usableSealer(sealer: Sealer | string): Sealer {
  if (typeof sealer === "string") throw new Error(sealer);
  return sealer;
}

/**
 * The seal's expiration field (epoch ms) for a session ending at `expiresAt`: whole seconds from
 * now, rounded up and at least one, as iron-session's `ttl` counts.
 */
function expirationFor(expiresAt: number): number {
  if (!Number.isFinite(expiresAt)) throw new RangeError(`next-session-kit: cannot seal until ${expiresAt}: expiresAt must be a finite epoch-ms time.`);
  const now = Date.now();
  return now + Math.max(1, Math.ceil((expiresAt - now) / 1000)) * 1000;
}

/** What the HMAC covers: everything before `*<hmacSalt>`. */
export function sealBase(id: string, encryptionSalt: string, iv: string, encrypted: string, expiration: number): string {
  return `${PREFIX}*${id}*${encryptionSalt}*${iv}*${encrypted}*${expiration}`;
}

export function sealText(base: string, hmacSalt: string, mac: string): string {
  return `${base}*${hmacSalt}*${mac}${VERSION_SUFFIX}`;
}

/** A seal that passed every check before the MAC: what remains is crypto. */
export interface SealToVerify {
  secret: Uint8Array<ArrayBuffer>;
  /** The text the MAC covers. */
  base: string;
  encryptionSalt: string;
  iv: string;
  encrypted: string;
  hmacSalt: string;
  digest: string;
}

/**
 * Follows iron-webcrypto's `unseal` check by check, up to the MAC, so every seal gets the same
 * verdict from either codec: a failed `UnsealResult`, or what to verify and decrypt.
 */
function checkSeal(passwords: PasswordMap, secrets: Map<string, Uint8Array<ArrayBuffer>>, seal: string): UnsealResult | SealToVerify {
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
  return { secret, base: fields.slice(0, 6).join("*"), encryptionSalt, iv, encrypted, hmacSalt, digest };
}

/** The opened value from the decrypted bytes; iron-session turns a sealed null into an empty object. */
export function openedValue(plaintext: Uint8Array): UnsealResult {
  return { ok: true, value: JSON.parse(utf8.decode(plaintext)) ?? {} };
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

/** The crypto one codec brings (node:crypto or Web Crypto); everything else about a seal is shared. */
export interface IronCrypto {
  /** The seal of `json` under `sealer`, expiring at `expiration` (the field's epoch ms). */
  seal(sealer: Sealer, json: string, expiration: number): string | Promise<string>;
  /** The MAC check and decryption of a seal that passed every check before it; may throw (invalid). */
  open(seal: SealToVerify): UnsealResult | Promise<UnsealResult>;
}

/**
 * An Iron codec over `crypto`: opens under every usable password of the map, seals with
 * `sealingId`. A seal that cannot be made rejects (no usable password, unsealable data); an
 * unseal never throws.
 */
export function ironCodecOf(passwords: PasswordMap, sealingId: string, crypto: IronCrypto): CookieCodec {
  const secrets = usableSecrets(passwords);
  const sealer = sealerOf(passwords, secrets, sealingId);
  return {
    seal(value, expiresAt) {
      try {
        const usable = usableSealer(sealer);
        const expiration = expirationFor(expiresAt);
        return Promise.resolve(crypto.seal(usable, plainJson(value), expiration));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    unseal(seal) {
      try {
        const checked = checkSeal(passwords, secrets, seal);
        return "ok" in checked ? Promise.resolve(checked) : Promise.resolve(crypto.open(checked)).catch(() => INVALID);
      } catch {
        return Promise.resolve(INVALID);
      }
    },
  };
}
