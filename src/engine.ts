/**
 * The one implementation of a session's trip through a request:
 * request cookie -> codec -> store -> `Session` -> write -> response cookie.
 * `getSession()` and the proxy are thin adapters that hand it a `CookieJar`.
 */
import { readValue, writeValue } from "./codec/chunks.js";
import { newerPasswordId } from "./codec/rotation.js";
import type { CookieCodec } from "./codec/cookie-codec.js";
import type { AtRestNames } from "./codec/session-id.js";
import type { Signer } from "./codec/signer.js";
import { flashCookieName, readFlash, writeFlash, type FlashMode } from "./flash.js";
import type { SessionConfig, SessionEvent } from "./config.js";
import type { CookieAttributes, CookieJar } from "./cookie-jar.js";
import { deviceOf, type HeaderReader } from "./device.js";
import { SessionError, SessionStoreError, SessionValidationError } from "./errors.js";
import { assertKeyValid, assertValid, schemaIssues } from "./schema.js";
import { Session, type SessionHost, type SessionWrite } from "./session.js";
import { SHARED_METADATA_KEY } from "./stores/iron-shared.js";
import type { LoadedRecord, SessionRecord, SessionStore, TouchRequest } from "./stores/types.js";
import type { Handoff } from "./next/handoff.js";
import { isUserId } from "./stores/user-index.js";

/** How a request opens its session. */
export interface OpenOptions {
  /** False in Server Components. */
  writable: boolean;
  /** Apply the renewal policy (the proxy does; pages see its result). */
  renew: boolean;
  /** This response renders the page itself (a Server Action called from the page). */
  rendersPage?: boolean;
  /** The request's headers: the `devices` option reads the device of a new session from them. */
  headers?: HeaderReader;
  /** What this request's proxy read (see next/handoff.ts): used instead of a store read when it matches the cookie. */
  handoff?: Handoff;
  /**
   * Told the session's state after each write (undefined while a write runs, and after a
   * destroy or a lost race), so a later phase of the same request (the render after a Server
   * Action) can take it over instead of reading the store.
   */
  onState?: (state: Handoff | undefined) => void;
}

/** A session plus what the request carried that must be cleaned up. */
export interface Opened<Data extends object = Record<string, unknown>> {
  session: Session<Data>;
  /** The request carried a dead session (tampered, expired, unknown, revoked). */
  stale: boolean;
  /** The proxy renewed the session while opening it. */
  renewed: boolean;
  /** Removes the dead session's cookies and state (purge), unless a write replaced them. */
  purge(): Promise<void>;
  /** A live server-side session as read (and renewed) here, for the render of the same request. */
  handoff?: Handoff;
}

interface Loaded {
  record: SessionRecord;
  key: string;
  /** A plain iron-session cookie (no expiry of ours yet): re-sealed at the first renewal. */
  imported?: boolean;
  /** The store extended the session inside the load (see `TouchRequest`). */
  touched?: boolean;
}

export class SessionEngine {
  readonly #config: SessionConfig;
  readonly #store: SessionStore;
  readonly #signer: Signer;
  readonly #codec: CookieCodec;

  /** The at-rest names of ids (a session's `SessionInfo.handle`). */
  readonly names: AtRestNames;

  constructor(config: SessionConfig, store: SessionStore, signer: Signer, codec: CookieCodec, names: AtRestNames) {
    this.names = names;
    this.#config = config;
    this.#store = store;
    this.#signer = signer;
    this.#codec = codec;
  }

  /** The flash the request carries: its mode decides whether this page shows it (see flash.ts). */
  async flashMode(jar: CookieJar): Promise<FlashMode | undefined> {
    return (await readFlash(jar, this.#config.cookieName, this.#codec))?.m;
  }

  /** Removal attributes for the flash cookie, matching how it was written. */
  removeFlash(jar: CookieJar): Promise<void> {
    return writeFlash(jar, this.#config.cookieName, this.#codec, this.#attributes(0), undefined, "next");
  }

  /** Ends the session in the browser: its cookies (chunks included) and any pending flash. */
  async #removeCookies(jar: CookieJar, names: string[]): Promise<string[]> {
    if (jar.get(flashCookieName(this.#config.cookieName))) await this.removeFlash(jar);
    return writeValue(jar, this.#config.cookieName, undefined, this.#attributes(0), names, this.#config.cookieBudget);
  }

  get store(): SessionStore {
    return this.#store;
  }

  get cookieName(): string {
    return this.#config.cookieName;
  }

  /** The resolved `originCheck` option (undefined: off). */
  get originCheck(): SessionConfig["originCheck"] {
    return this.#config.originCheck;
  }

  /** The request carries a session cookie (valid or not): what makes a cross-origin write dangerous. */
  carriesSession(jar: CookieJar): boolean {
    return readValue(jar, this.#config.cookieName, this.#config.cookieBudget).value !== undefined;
  }

  report(event: SessionEvent): void {
    // A failing logger must not break requests, nor (async, rejecting) crash the process with
    // an unhandled rejection.
    try {
      const result: unknown = this.#config.onEvent(event);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") Promise.resolve(result).catch(() => {});
    } catch {}
  }

  /** Reads the session from `jar`; throws `SessionStoreError` when the store fails. */
  async open<Data extends object = Record<string, unknown>>(jar: CookieJar, options: OpenOptions): Promise<Opened<Data>> {
    const now = Date.now();
    const { value, names, tooLarge } = readValue(jar, this.#config.cookieName, this.#config.cookieBudget);
    // Over the budget: the next request might be refused before reaching the app, so it is
    // purged now (whatever it holds) while it still can be.
    if (tooLarge) this.report({ type: "invalid-cookie", reason: "too-large" });
    const newer = value === undefined || tooLarge ? undefined : newerPasswordId(value, this.#config.passwords);
    if (newer !== undefined) return this.#fromNewerDeployment<Data>(newer);
    let loaded = value && !tooLarge ? (this.#handedOff(options.handoff, value) ?? (await this.#load(value, options.renew ? this.#touchRequest(now) : undefined))) : undefined;
    const stale = value !== undefined && loaded === undefined;
    let renewed = false;
    let gone = false;
    let cookieNames = names;
    if (loaded && options.renew && this.#config.updateAgeMs !== undefined) {
      const result = await this.#renewIfDue(jar, loaded, now, names);
      // Gone: renewed or destroyed by a concurrent request, whose cookie must not be overwritten.
      if (result === "gone") [loaded, gone] = [undefined, true];
      else if (result) [loaded, renewed, cookieNames] = [result, true, result.names];
    }
    const state = { key: loaded?.key, names: cookieNames, written: false };
    const host = this.#host(jar, state, options);
    const record = loaded?.record ?? this.#fresh(now);
    const flash = await readFlash(jar, this.#config.cookieName, this.#codec);
    const id = this.#store.serverSide ? loaded?.key : undefined;
    const session = new Session<Data>(record, id, !loaded, host, flash?.v, gone ? "purged" : "unchanged");
    const purge = async () => {
      if (!stale || state.written) return;
      state.written = true;
      state.names = await this.#removeCookies(jar, state.names);
      this.report({ type: "purged" });
    };
    const handoff = loaded && this.#store.serverSide && value ? { key: loaded.key, record: loaded.record, cookie: value } : undefined;
    return { session, stale, renewed, purge, handoff };
  }

  /**
   * The proxy's read of this very cookie, still alive: a server-side session the render need
   * not load again. Anything else (another cookie, the cookie store) is no handoff.
   */
  #handedOff(handoff: Handoff | undefined, value: string): Loaded | undefined {
    if (!handoff || !this.#store.serverSide || handoff.cookie !== value) return undefined;
    // Shared, not copied: a Session copies the record it is given and never changes a value in
    // place. Timeouts only (no schema check): the proxy's load ran the schema on this record.
    return this.#expiredBy(handoff.record) ? undefined : { record: handoff.record, key: handoff.key };
  }

  /**
   * The session of a request whose session could not be read (`error`): empty, new, and every
   * write throws, so the proxy's handler can still run and a gate on it fails closed.
   */
  unavailable<Data extends object>(error: SessionStoreError): Session<Data> {
    const host: SessionHost = {
      writable: true,
      unavailable: error,
      validate: (data, key) => this.#validate(data, key),
      write: () => Promise.reject(error),
    };
    return new Session<Data>(this.#fresh(Date.now()), undefined, true, host);
  }

  /**
   * A cookie under a password id above every one configured here was sealed by a newer
   * deployment (a rolling rotation): purging it would log its user out everywhere, and writing
   * would replace it. So it is left alone and the request reads as an unavailable session.
   */
  #fromNewerDeployment<Data extends object>(id: string): Opened<Data> {
    this.report({ type: "newer-password" });
    const error = new SessionStoreError(
      `next-session-kit: the session cookie is sealed with password ${id}, newer than any this instance knows (a new password is being deployed); it is left alone. ` +
        "Roll out a new password in two phases so no request sees this: first deploy it accepted-only (`sealWith` naming the current id), then let it seal.",
    );
    return { session: this.unavailable<Data>(error), stale: false, renewed: false, purge: async () => {} };
  }

  /**
   * At `set(key, …)`: the schema, and on a server-side store a user id the index can hold (a
   * string or a number, indexed as its string form), so no session escapes `revokeSessions`.
   * The shared seal's metadata key is refused everywhere, so turning `migrateFromIronSession`
   * on never meets data already under it.
   */
  #validate(data: Record<string, unknown>, key: string): void {
    if (key === SHARED_METADATA_KEY) {
      throw new SessionValidationError(
        `next-session-kit: session.set("${key}", …): "${key}" is reserved: with migrateFromIronSession the cookie carries the session's own metadata under it, next to your data, so iron-session reads the same cookie. Use another key.`,
        [{ message: "reserved key", path: [key] }],
      );
    }
    if (this.#store.serverSide && key === this.#config.userKey && !isUserId(data[key])) {
      throw new SessionValidationError(
        `next-session-kit: session.set("${key}", …): the user id must be a string or a number (numbers are indexed as their string form) so listSessions and revokeSessions find the session. Store the user's id, not an object.`,
        [{ message: "expected a string or a number", path: [key] }],
      );
    }
    assertKeyValid(this.#config.schema, data, key);
  }

  #touchRequest(now: number): TouchRequest | undefined {
    const updateAge = this.#config.updateAgeMs;
    if (updateAge === undefined) return undefined;
    return { now, dueBefore: now - updateAge, idleMs: this.#config.idleMs, absoluteMs: this.#config.absoluteMs };
  }

  /** Verifies the cookie and loads the record; undefined (reported) when it is dead. */
  async #load(value: string, touch: TouchRequest | undefined): Promise<Loaded | undefined> {
    let key: string | undefined = value;
    if (this.#store.serverSide) {
      key = await this.#signer.verify(value);
      if (key === undefined) {
        this.report({ type: "invalid-cookie", reason: "invalid" });
        return undefined;
      }
    }
    const loaded = await this.#storeCall(() => this.#store.load(key, touch));
    const record = loaded && this.#bounded(loaded);
    if (!record) {
      if (this.#store.serverSide) this.report({ type: "unknown-session" });
      return undefined;
    }
    const alive = this.#alive(record);
    if (!(typeof alive === "boolean" ? alive : await alive)) {
      if (this.#store.serverSide) await this.#storeCall(() => this.#store.delete(key));
      return undefined;
    }
    return { record, key, imported: loaded.imported === true, touched: loaded.touched === true };
  }

  /**
   * A store never extends a session past what the timeouts allow. An imported iron-session
   * seal also keeps its own expiry as a hard end: its absolute timeout is counted so that it
   * ends by then (or `absoluteTimeout` after the import, if sooner), which renewals and saves
   * never pass; a `renew()` (a login) starts a session of full length.
   */
  #bounded(loaded: LoadedRecord): SessionRecord {
    const { imported, touched, ...record } = loaded;
    const createdAt = imported ? Math.min(record.createdAt, record.expiresAt - this.#config.absoluteMs) : record.createdAt;
    return { ...record, createdAt, expiresAt: Math.min(record.expiresAt, this.#expiry(createdAt, record.lastSeenAt)) };
  }

  /** The timeouts, checked on every read: true (reported) when the session has ended. */
  #expiredBy(record: SessionRecord): boolean {
    const now = Date.now();
    const { idleMs, absoluteMs } = this.#config;
    const expired =
      now >= record.createdAt + absoluteMs ? "absolute" : now >= Math.min(record.expiresAt, record.lastSeenAt + idleMs) ? "idle" : undefined;
    if (expired) this.report({ type: "expired", reason: expired });
    return expired !== undefined;
  }

  /** Timeouts and schema, checked on every load (no await without a schema: most apps have none). */
  #alive(record: SessionRecord): boolean | Promise<boolean> {
    if (this.#expiredBy(record)) return false;
    const schema = this.#config.schema;
    if (!schema) return true;
    return schemaIssues(schema, record.data).then((issues) => {
      if (issues) this.report({ type: "invalid-data", reason: "schema" });
      return !issues;
    });
  }

  /**
   * Extends a session whose last renewal is older than `updateAge` (one write per updateAge);
   * "gone" when the store no longer has it.
   */
  async #renewIfDue(jar: CookieJar, loaded: Loaded, now: number, names: string[]): Promise<(Loaded & { names: string[] }) | "gone" | undefined> {
    const { record } = loaded;
    // A server-side store extends a due session inside the load (one round trip).
    const touchedByLoad = loaded.touched;
    const due = loaded.imported || record.lastSeenAt <= now - this.#config.updateAgeMs!;
    if (!touchedByLoad && !due) return undefined;
    const next = touchedByLoad ? record : { ...record, lastSeenAt: now, expiresAt: this.#expiry(record.createdAt, now) };
    const key = touchedByLoad ? loaded.key : await this.#storeCall(() => this.#store.touch(loaded.key, next));
    if (key === undefined) return "gone";
    const written = this.#writeCookie(jar, await this.#cookieValue(key), next, names);
    this.report({ type: "renewed" });
    return { record: next, key, names: written };
  }

  #host(jar: CookieJar, state: { key: string | undefined; names: string[]; written: boolean }, options: OpenOptions): SessionHost {
    return {
      writable: options.writable,
      validate: (data, key) => this.#validate(data, key),
      write: async (write: SessionWrite) => {
        if (write.kind === "save" && write.flash !== undefined) {
          const mode = options.rendersPage ? "shown" : "next";
          await writeFlash(jar, this.#config.cookieName, this.#codec, this.#attributes(write.flash ? 1 : 0), write.flash ?? undefined, mode);
        }
        if (write.kind === "save" && !write.changes) return { record: write.record, id: this.#store.serverSide ? state.key : undefined };
        options.onState?.(undefined); // until the store has answered, nothing is known
        const result = await this.#write(write, state.key, options.headers);
        state.written = true;
        if (!result) {
          // A save or renew that finds the session gone lost a race (a concurrent renewal or
          // logout): that request's cookie is the one to keep, so this one sends no removal.
          if (write.kind === "destroy") state.names = await this.#removeCookies(jar, state.names);
          state.key = undefined;
          return undefined;
        }
        const cookie = await this.#cookieValue(result.key);
        state.names = this.#writeCookie(jar, cookie, result.record, state.names);
        state.key = result.key;
        if (this.#store.serverSide) options.onState?.({ key: result.key, record: result.record, cookie });
        return { record: result.record, id: this.#store.serverSide ? result.key : undefined };
      },
    };
  }

  /** Store side of a write; undefined when the session is gone (destroyed here or elsewhere). */
  async #write(write: SessionWrite, key: string | undefined, headers: HeaderReader | undefined): Promise<Loaded | undefined> {
    const store = this.#store;
    if (write.kind === "destroy") {
      if (key !== undefined && store.serverSide) await this.#storeCall(() => store.delete(key));
      return undefined;
    }
    await assertValid(this.#config.schema, write.record.data);
    const now = Date.now();
    if (write.kind === "renew") {
      const record = this.#withDevice({ ...write.record, createdAt: now, lastSeenAt: now, expiresAt: this.#expiry(now, now) }, headers);
      const renew = async () => {
        if (key === undefined || !store.serverSide) return store.save(record);
        if (store.renew) return store.renew(key, record);
        const fresh = await store.save(record);
        await store.delete(key);
        return fresh;
      };
      const renewed = await this.#storeCall(renew);
      return renewed === undefined ? undefined : { record, key: renewed };
    }
    const updated = { ...write.record, lastSeenAt: now, expiresAt: this.#expiry(write.record.createdAt, now) };
    const record = key === undefined ? this.#withDevice(updated, headers) : updated;
    const changes = write.changes ?? { set: [], unset: [], cleared: false };
    const saved = await this.#storeCall(() => (key === undefined ? store.save(record) : store.update(key, record, changes)));
    return saved === undefined ? undefined : { record, key: saved };
  }

  /** A session being created (or renewed to a new id) records its device when `devices` is on. */
  #withDevice(record: SessionRecord, headers: HeaderReader | undefined): SessionRecord {
    const devices = this.#config.devices;
    return devices ? { ...record, device: deviceOf(devices, headers) } : record;
  }

  /** Returns the cookie names now carrying the session. */
  /** What the cookie carries for `key`: the signed id (server-side stores) or the seal itself. */
  async #cookieValue(key: string): Promise<string> {
    return this.#store.serverSide ? this.#signer.sign(key) : key;
  }

  #writeCookie(jar: CookieJar, value: string, record: SessionRecord, previous: string[]): string[] {
    const maxAge = Math.max(1, Math.ceil((record.expiresAt - Date.now()) / 1000));
    return writeValue(jar, this.#config.cookieName, value, this.#attributes(maxAge), previous, this.#config.cookieBudget);
  }

  #attributes(maxAge: number): CookieAttributes {
    const lifetime = maxAge === 0 || this.#config.lifecycle === "persistent" ? maxAge : undefined;
    return { ...this.#config.cookie, maxAge: lifetime };
  }

  #expiry(createdAt: number, now: number): number {
    return Math.min(now + this.#config.idleMs, createdAt + this.#config.absoluteMs);
  }

  #fresh(now: number): SessionRecord {
    return { data: {}, createdAt: now, lastSeenAt: now, expiresAt: this.#expiry(now, now) };
  }

  /** Store failures surface as `SessionStoreError`, reported, never as a logout. */
  async #storeCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SessionError && !(error instanceof SessionStoreError)) throw error;
      const wrapped =
        error instanceof SessionStoreError
          ? error
          : new SessionStoreError(`next-session-kit: the session store failed; the session is kept and works again once the store answers.`, { cause: error });
      this.report({ type: "store-error", error: wrapped });
      throw wrapped;
    }
  }
}
