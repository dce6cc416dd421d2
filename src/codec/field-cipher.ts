/**
 * Encryption of the one data field a server-side store would otherwise keep as a readable name:
 * the user id (`userKey`). The per-user index already names users only by keyed digests; this
 * keeps a leaked dump from naming them through the session data instead.
 *
 * Deterministic authenticated encryption in the SIV style (RFC 5297's idea, with standard
 * parts): a 96-bit synthetic IV = HMAC-SHA256(macKey, session digest, plaintext), which is both
 * the AES-256-CTR counter block and the tag. No random nonce is stored, so a UUID user id
 * (36 characters) comes out as 64 base64url characters: a Redis hash stays in its compact
 * listpack encoding (values up to 64 bytes), where a GCM nonce and tag would double the
 * session's memory. Equal plaintexts give equal ciphertexts only within one session (the
 * digest is in the IV). Keys are derived from the password the session id was minted under (a
 * rotation keeps the field readable; removing that password ends it, as it ends the session)
 * and bound to the cookie name. `node:crypto` where available, else Web Crypto (Edge).
 */
import type { PasswordMap } from "./iron-rules.js";
import { base64urlToBytes, bytesToBase64url } from "./base64url.js";
import { derivedKeys } from "./derived-keys.js";
import { hmacSha256, sameBytes } from "./digest.js";
import { nodeCrypto } from "./node-crypto.js";

const TAG_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
/** Starts the plaintext of anything but a plain string (then JSON follows): strings are stored bare. */
const JSON_MARK = "\u0000";

export interface FieldCipher {
  /** The JSON value `json` encrypted for session `id` (at-rest digest `digest`); undefined when `id`'s password is gone. */
  hide(id: string, digest: string, json: string): Promise<string | undefined>;
  /** The JSON text back; undefined when it does not open (another session or key, or not ours). */
  reveal(id: string, digest: string, stored: string): Promise<string | undefined>;
}

const passwordOf = (id: string) => id.slice(0, Math.max(0, id.indexOf("~")));

/** Keys are derived per password id and purpose, bound to the cookie name (one app configuration). */
export function fieldCipher(passwords: PasswordMap, cookieName: string): FieldCipher {
  const label = `next-session-kit/at-rest-field/v2/${cookieName}`;
  const encKeyOf = derivedKeys(passwords, `${label}/enc`);
  const macKeyOf = derivedKeys(passwords, `${label}/mac`);
  const keys = async (id: string) => {
    const [enc, mac] = [encKeyOf(passwordOf(id)), macKeyOf(passwordOf(id))];
    return enc && mac ? { enc: await enc, mac: await mac } : undefined;
  };
  const tagOf = async (mac: Uint8Array<ArrayBuffer>, digest: string, plain: string) => (await hmacSha256(mac, `${digest}\n${plain}`)).subarray(0, TAG_BYTES);
  return {
    async hide(id, digest, json) {
      const key = await keys(id);
      if (!key) return undefined;
      const value: unknown = JSON.parse(json);
      const plain = typeof value === "string" && !value.startsWith(JSON_MARK) ? value : JSON_MARK + json;
      const tag = await tagOf(key.mac, digest, plain);
      const body = await ctr(key.enc, tag, encoder.encode(plain));
      const out = new Uint8Array(TAG_BYTES + body.length);
      out.set(tag);
      out.set(body, TAG_BYTES);
      return bytesToBase64url(out);
    },
    async reveal(id, digest, stored) {
      const key = await keys(id);
      const bytes = base64urlToBytes(stored);
      if (!key || !bytes || bytes.length <= TAG_BYTES) return undefined;
      const tag = bytes.subarray(0, TAG_BYTES);
      let plain: string;
      try {
        plain = decoder.decode(await ctr(key.enc, tag, bytes.subarray(TAG_BYTES)));
      } catch {
        return undefined;
      }
      if (!sameBytes(tag, await tagOf(key.mac, digest, plain))) return undefined;
      return plain.startsWith(JSON_MARK) ? plain.slice(JSON_MARK.length) : JSON.stringify(plain);
    },
  };
}

/** AES-256-CTR (encrypts and decrypts alike) with counter block `tag` || 0x00000000. */
async function ctr(key: Uint8Array<ArrayBuffer>, tag: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const counter = new Uint8Array(16);
  counter.set(tag);
  const node = nodeCrypto();
  if (node) {
    const cipher = node.createCipheriv("aes-256-ctr", key, counter);
    const out = Buffer.concat([cipher.update(data), cipher.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  const webKey = await crypto.subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
  return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CTR", counter, length: 32 }, webKey, data as Uint8Array<ArrayBuffer>));
}
