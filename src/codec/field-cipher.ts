/**
 * Encryption of the one data field a server-side store would otherwise keep as a readable name:
 * the user id (`userKey`). The per-user index already names users only by keyed digests; this
 * keeps a leaked dump from naming them through the session data instead. AES-256-GCM under a
 * key derived from the password the session id was minted under (so a rotation keeps it
 * readable, and removing that password ends it, as it ends the session), with the session's
 * at-rest digest as associated data, so a field copied into another session does not open.
 * `node:crypto` where available (microseconds), else Web Crypto (Edge).
 */
import type { PasswordMap } from "./iron.js";
import { base64urlToBytes, bytesToBase64url } from "./base64url.js";
import { derivedKeys } from "./derived-keys.js";
import { nodeCrypto } from "./node-crypto.js";

/** Starts every encrypted field: no JSON text starts with it, so stored values stay unambiguous. */
export const HIDDEN = "!";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface FieldCipher {
  /** `text` encrypted for session `id` whose at-rest digest is `digest`; undefined when `id`'s password is gone. */
  hide(id: string, digest: string, text: string): Promise<string | undefined>;
  /** The text back; undefined when it does not open (another session, key or a corrupt value). */
  reveal(id: string, digest: string, hidden: string): Promise<string | undefined>;
}

const passwordOf = (id: string) => id.slice(0, Math.max(0, id.indexOf("~")));

/** Keys are derived per password id and purpose label, bound to the cookie name (one app configuration). */
export function fieldCipher(passwords: PasswordMap, cookieName: string): FieldCipher {
  const keyOf = derivedKeys(passwords, `next-session-kit/at-rest-field/v1/${cookieName}`);
  return {
    async hide(id, digest, text) {
      const key = keyOf(passwordOf(id));
      if (!key) return undefined;
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await encrypt(await key, iv, encoder.encode(text), encoder.encode(digest));
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return HIDDEN + bytesToBase64url(out);
    },
    async reveal(id, digest, hidden) {
      const key = keyOf(passwordOf(id));
      const bytes = hidden.startsWith(HIDDEN) ? base64urlToBytes(hidden.slice(1)) : undefined;
      if (!key || !bytes || bytes.length < IV_BYTES + TAG_BYTES) return undefined;
      try {
        return decoder.decode(await decrypt(await key, bytes.subarray(0, IV_BYTES), bytes.subarray(IV_BYTES), encoder.encode(digest)));
      } catch {
        return undefined;
      }
    },
  };
}

/** Ciphertext followed by the 16-byte tag (Web Crypto's layout). */
async function encrypt(key: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, plain: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const node = nodeCrypto();
  if (node) {
    const cipher = node.createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
    const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return new Uint8Array(body.buffer, body.byteOffset, body.length);
  }
  const webKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, webKey, plain));
}

/** Throws when the tag does not verify. */
async function decrypt(key: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, sealed: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const node = nodeCrypto();
  if (node) {
    const decipher = node.createDecipheriv("aes-256-gcm", key, iv).setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  }
  const webKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, webKey, sealed));
}
