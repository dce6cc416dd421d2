/**
 * Server-side session ids and what stores keep instead of them. An id is 256 bits from the
 * platform CSPRNG (OWASP asks for >= 64), tagged with the id of the password it was minted
 * under: `<passwordId>~<43 base64url characters>`.
 *
 * At rest, stores keep only keyed digests (HMAC-SHA256 under keys derived from that password,
 * one key per purpose, and bound to the cookie name): of session ids for key names, of user ids
 * for the per-user index. Without the password a leaked dump or `KEYS` listing names no live
 * session and no user (not even by a dictionary of emails), and two apps with different
 * passwords (or cookie names) on one database never see each other's sessions. The password id
 * in the id keeps a session's names stable through a password rotation; once its password is
 * removed, the session is gone, as a seal under that password is.
 */
import type { PasswordMap } from "./iron-rules.js";
import { bytesToBase64url } from "./base64url.js";
import { derivedKeys } from "./derived-keys.js";
import { fieldCipher } from "./field-cipher.js";
import { highestId } from "./rotation.js";
import { hmacSha256 } from "./digest.js";

/** The at-rest names a server-side store uses (given to it in its `StoreContext`). */
export interface AtRestNames {
  /** A new session id under the newest password. */
  newId(): string;
  /** The digest naming session `id` at rest (its `SessionInfo.handle`); undefined when its password is gone. */
  session(id: string): Promise<string | undefined>;
  /** The digest of `userId` for the index of session `id`; undefined when its password is gone. */
  user(userId: string, id: string): Promise<string | undefined>;
  /** The digests of `userId` under every configured password: its sessions are indexed under one of them. */
  users(userId: string): Promise<string[]>;
  /** A digest naming this configuration (newest password and cookie name), for in-process stores. */
  configuration(): Promise<string>;
  /**
   * The user field (JSON text) of session `id` as stored: encrypted and bound to the session
   * (field-cipher.ts), since a dump must not name users through the data either. Undefined
   * when `id`'s password is gone.
   */
  hide(id: string, json: string): Promise<string | undefined>;
  /** A stored user field back as JSON text; undefined when it does not open (another session or key, or not ours). */
  reveal(id: string, stored: string): Promise<string | undefined>;
}

/** 128 bits: unguessable and collision-free at any session count, and less Redis memory than 256. */
const DIGEST_BYTES = 16;

/** Names under `passwords`; new ids are minted under `sealingId` (default: the highest id). */
export function atRestNames(passwords: PasswordMap, cookieName: string, sealingId = highestId(passwords)): AtRestNames {
  const newest = sealingId;
  const sessionKey = derivedKeys(passwords, `next-session-kit/at-rest-session/v1/${cookieName}`);
  const userKey = derivedKeys(passwords, `next-session-kit/at-rest-user/v1/${cookieName}`);
  const digest = async (key: Promise<Uint8Array<ArrayBuffer>> | undefined, text: string) =>
    key && bytesToBase64url((await hmacSha256(await key, text)).subarray(0, DIGEST_BYTES));
  const passwordOf = (id: string) => id.slice(0, Math.max(0, id.indexOf("~")));
  const cipher = fieldCipher(passwords, cookieName);
  const session = (id: string) => digest(sessionKey(passwordOf(id)), id);
  return {
    newId: () => `${newest}~${bytesToBase64url(crypto.getRandomValues(new Uint8Array(32)))}`,
    session,
    user: (userId, id) => digest(userKey(passwordOf(id)), userId),
    async users(userId) {
      const all = await Promise.all(Object.keys(passwords).map((id) => digest(userKey(id), userId)));
      return all.filter((name): name is string => name !== undefined);
    },
    configuration: async () => (await digest(sessionKey(newest), "configuration"))!,
    async hide(id, text) {
      const bound = await session(id);
      return bound && cipher.hide(id, bound, text);
    },
    async reveal(id, stored) {
      const bound = await session(id);
      return bound && cipher.reveal(id, bound, stored);
    },
  };
}
