/**
 * The contract between the session engine and where state lives, in the spirit of
 * actix-session's `SessionStore` trait: the store mints keys, the engine decides when to call.
 *
 * A key is what the cookie carries once the engine has checked it: for a server-side store an
 * opaque id whose signature the engine has already verified (so a forged id never reaches the
 * store), for the cookie store the sealed state itself.
 */

import type { AtRestNames } from "../codec/session-id.js";

/** Plain JSON values: the only thing a session can hold, so every store can serialise it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Everything a store keeps for one session. Times are epoch milliseconds. */
export interface SessionRecord {
  /** The app's data. */
  data: Record<string, unknown>;
  createdAt: number;
  /** When the session was last renewed (rolling expiry counts from here). */
  lastSeenAt: number;
  /** min(lastSeenAt + idleTimeout, createdAt + absoluteTimeout): the store expires it then. */
  expiresAt: number;
  /**
   * When the user last proved who they are (`renew({ authenticated: true })`). Session metadata,
   * not app data: `clear()` and `set()` cannot forge or erase it; only a renewal sets it.
   */
  authenticatedAt?: number;
  /** The browser that created the session, when the `devices` option is on (server-side stores). */
  device?: DeviceInfo;
}

/** What a devices page shows about a session's browser; set once, when the session is created. */
export interface DeviceInfo {
  /** Short browser and OS, such as "Firefox on Linux" (never the raw User-Agent unless the app asks). */
  label: string;
  /** The client IP as the app's `devices.ip` function read it from a header it trusts. */
  ip?: string;
}

/** What `load` returns: the record, and what the load itself found or did. */
export interface LoadedRecord extends SessionRecord {
  /**
   * Read from a plain iron-session cookie (`migrateFromIronSession`): `expiresAt` is the seal's
   * own expiry. The engine bounds it and re-writes it in this library's format at the next renewal.
   */
  imported?: boolean;
  /** This load extended the session as its `TouchRequest` asked (so the engine need not). */
  touched?: boolean;
}

/** What changed since load, so a server-side store writes only that (no lost updates). */
export interface SessionChanges {
  /** Data keys written (their new values are in the record). */
  set: string[];
  /** Data keys removed. */
  unset: string[];
  /** `clear()` ran: every key not in `set` is gone. */
  cleared: boolean;
}

/**
 * Lets a store extend a session while loading it, in the same round trip: when the session was
 * last renewed before `dueBefore` and is still alive under `idleMs`/`absoluteMs` (a session
 * already past them is never extended: the engine ends it), the store sets `lastSeenAt = now`
 * and `expiresAt = min(now + idleMs, createdAt + absoluteMs)` and returns the touched record
 * with `touched: true`.
 */
export interface TouchRequest {
  now: number;
  dueBefore: number;
  idleMs: number;
  absoluteMs: number;
}

/** Outcome of a seal check, mirroring iron-session's `UnsealErrorReason`. */
export type UnsealResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: "expired" | "invalid" | "unknown-password" };

/** A report the store hands to the app's `onEvent` hook (never contains ids or data). */
export interface StoreEvent {
  /** Reported to `onEvent` as `invalid-cookie`, `invalid-record` and `store-error`. */
  type: "unseal-failed" | "invalid-record" | "store-error";
  reason: string;
}

/** Given once by `createSessions`: the app's crypto and settings a store may need. */
export interface StoreContext {
  /** Seals a value with the newest password; `expiresAt` bounds the seal's validity. */
  seal(value: unknown, expiresAt: number): Promise<string>;
  /** Opens a seal made with any configured password. Never throws. The value may be frozen (shared with later requests carrying the same seal): copy it to change it. */
  unseal(seal: string): Promise<UnsealResult>;
  /** Data field that names the user, for the per-user index (`listSessions`). */
  userKey: string;
  /** The session cookie's name: what cookie-store seals are bound to. */
  cookieName: string;
  /** Ids and the keyed digests server-side stores keep instead of ids and user ids. */
  names: AtRestNames;
  /** Whether plain iron-session cookies may open as sessions (the cookie store's import). */
  migrateFromIronSession: boolean;
  report(event: StoreEvent): void;
}

/** One entry of `listSessions`. */
export interface SessionInfo {
  /**
   * The at-rest digest of the session id (what the store keeps): a stable handle for display and
   * comparison that is not itself a credential.
   */
  handle: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** Present when the `devices` option was on as the session was created. */
  device?: DeviceInfo;
}

/**
 * Where sessions live. Implement it for a custom store; the shipped stores implement only this.
 * Methods throw `SessionStoreError` when the backend fails: the engine never treats a failure
 * as a missing session (that would log users out during an outage).
 */
export interface SessionStore {
  /**
   * `true` when state lives in the store and the cookie carries only a signed id: such sessions
   * can be revoked, listed and renewed to a new id. `false` for the cookie store.
   */
  readonly serverSide: boolean;
  /** A short name for traces (`"redis"`, `"kv"`…): the `next_session_kit.store.kind` span attribute. Default `"custom"`. */
  readonly kind?: string;
  /** Called once by `createSessions` before any other method. */
  init?(context: StoreContext): void;
  /**
   * The record for `key`, or `undefined` when there is none (unknown, expired, revoked or, for
   * the cookie store, a seal that does not open). With `touch`, may extend it in the same trip.
   */
  load(key: string, touch?: TouchRequest): Promise<LoadedRecord | undefined>;
  /** Stores a new session and returns its key. */
  save(record: SessionRecord): Promise<string>;
  /**
   * Writes `changes` to an existing session and returns its (possibly new) key. Returns
   * `undefined` when the session no longer exists (destroyed or renewed meanwhile): a deleted
   * session is never brought back.
   */
  update(key: string, record: SessionRecord, changes: SessionChanges): Promise<string | undefined>;
  /** Moves the expiry to `record.expiresAt` without changing data; returns the key to send. */
  touch(key: string, record: SessionRecord): Promise<string | undefined>;
  /** Removes the session. Deleting an unknown key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Atomically stores `record` under a new key and deletes `key`; `undefined` (creating
   * nothing) when `key` is already gone, so a renewal racing a logout or a revocation cannot
   * bring the session back. Stores without it get `save` + `delete`.
   */
  renew?(key: string, record: SessionRecord): Promise<string | undefined>;
  /** Live sessions of one user (server-side stores with a per-user index). */
  listSessions?(userId: string): Promise<SessionInfo[]>;
  /** Deletes every session of one user except the session ids in `except`; returns how many. */
  revokeSessions?(userId: string, except: string[]): Promise<number>;
  /**
   * Deletes the session whose `SessionInfo.handle` is `handle` if it belongs to `userId`;
   * `false` (deleting nothing) when that user has no such session.
   */
  revokeSession?(userId: string, handle: string): Promise<boolean>;
}
