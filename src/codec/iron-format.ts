import { base64urlToBytes } from "./base64url.js";

/**
 * The text of an Iron seal, `Fe26.2*<id>*<salt>*<iv>*<data>*<expiration>*<hmacSalt>*<hmac>~2`,
 * read in one place: the codecs verify it, the seal cache and the iron-session import read its
 * expiration. Reading the fields needs no key and proves nothing; only a codec's MAC check does.
 */

export type SealFields = [prefix: string, id: string, encryptionSalt: string, iv: string, encrypted: string, expiration: string, hmacSalt: string, mac: string];

const EXPIRATION = /^[1-9]\d*$/;

/** The eight fields before the version suffix (iron ignores everything from the first `~`), or undefined. */
export function sealFields(seal: string): SealFields | undefined {
  const tilde = seal.indexOf("~");
  const parts = (tilde === -1 ? seal : seal.slice(0, tilde)).split("*", 9);
  return parts.length === 8 ? (parts as SealFields) : undefined;
}

/**
 * The expiration field in epoch ms: Infinity when empty (sealed with iron's `ttl: 0`, never
 * expires), undefined when it is not a positive integer.
 */
export function sealExpiration(fields: SealFields): number | undefined {
  const expiration = fields[5];
  if (expiration === "") return Infinity;
  return EXPIRATION.test(expiration) ? Number.parseInt(expiration, 10) : undefined;
}

/**
 * True when `seal` is spelled exactly as iron writes it: the `~2` suffix and nothing after it,
 * and canonical base64url in the binary fields. Iron also opens other spellings of one seal
 * (any text after `~`, padding or `+/` in the MAC field, which the MAC does not cover): endless
 * distinct strings for one session. Only the canonical one is worth remembering.
 */
export function isCanonicalSeal(seal: string, fields: SealFields): boolean {
  const [, , , iv, encrypted, , , mac] = fields;
  return seal === `${fields.join("*")}~2` && [iv, encrypted, mac].every((field) => base64urlToBytes(field) !== undefined);
}
