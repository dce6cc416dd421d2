/**
 * The object handlers touch. It tracks what changed and its status with actix-session's
 * precedence (nothing leaves "purged"; a change after `renew()` stays "renewed"), and hands
 * writes to its host. It never knows which store it sits on.
 */
import { SessionError, SessionReadOnlyError, SessionStoreError } from "./errors.js";
import { copyJson, jsonProblem, setField } from "./json.js";
import type { FlashValues } from "./flash.js";
import type { SessionChanges, SessionRecord } from "./stores/types.js";

/** What a response must do with the session; see the README for the precedence rules. */
export type SessionStatus = "unchanged" | "changed" | "renewed" | "purged";

/**
 * A write the host carries out: the engine turns it into store calls and cookies. `flash`:
 * undefined leaves the flash cookie alone, null removes it, values replace it.
 */
export type SessionWrite =
  | { kind: "save"; record: SessionRecord; changes: SessionChanges | undefined; flash: FlashValues | null | undefined }
  | { kind: "renew"; record: SessionRecord }
  | { kind: "destroy" };

/** Where a session sends its writes (the engine, bound to one request's cookies). */
export interface SessionHost {
  /** False where Next.js forbids cookie writes (Server Components). */
  readonly writable: boolean;
  /** Persists the write; returns the stored record and id afterwards (none after destroy). */
  write(write: SessionWrite): Promise<{ record: SessionRecord; id: string | undefined } | undefined>;
  /** Throws `SessionValidationError` when `data` fails the app's schema under `key`. */
  validate(data: Record<string, unknown>, key: string): void;
  /**
   * Why this request's session cannot be read here (the store failed, or a newer deployment
   * sealed it): the session reads as empty and every write throws, because writing would
   * replace the user's real session.
   */
  readonly unavailable?: SessionStoreError;
}

/**
 * Values go in and come out as copies. Server-side stores write only the keys `set` named, the
 * cookie store re-seals everything: a value changed in place would persist on one and not on
 * the other. Copied, it persists on none, and `set` is the one way to change data everywhere.
 */
const copy = copyJson;

/**
 * One user's session in one request. Data is plain JSON; times are epoch milliseconds.
 * Get it with `await getSession()`, or as the second argument of a proxy handler.
 * `Data` is any object type: `interface SessionData {…}` and `type SessionData = {…}` type
 * keys and values alike (a `Record<string, unknown>` bound would refuse interfaces, which
 * have no implicit index signature).
 */
export class Session<Data extends object = Record<string, unknown>> {
  #record: SessionRecord;
  #host: SessionHost;
  #status: SessionStatus;
  #dirty = false;
  #set = new Set<string>();
  #unset = new Set<string>();
  #cleared = false;
  #isNew: boolean;
  #id: string | undefined;
  /** Flash values that came with the request (shown once) and those set for the next page. */
  #flashIn: FlashValues;
  #flashOut: FlashValues | undefined;
  #flashDirty = false;

  /** @internal Created by the engine; apps receive sessions, they do not construct them. */
  constructor(record: SessionRecord, id: string | undefined, isNew: boolean, host: SessionHost, flash: FlashValues = {}, status: SessionStatus = "unchanged") {
    this.#record = { ...record, data: { ...record.data } };
    this.#status = status;
    this.#id = id;
    this.#isNew = isNew;
    this.#host = host;
    this.#flashIn = { ...flash };
  }

  /**
   * A copy of the value, or undefined: changing it in place changes nothing stored (call `set`
   * with the new value). A flashed value is returned once, then it is gone.
   */
  get<K extends keyof Data & string>(key: K): Data[K] | undefined {
    if (Object.hasOwn(this.#flashIn, key)) {
      const value = copy(this.#flashIn[key]);
      delete this.#flashIn[key];
      this.#flashDirty = true;
      return value as Data[K];
    }
    return (Object.hasOwn(this.#record.data, key) ? copy(this.#record.data[key]) : undefined) as Data[K] | undefined;
  }

  has(key: keyof Data & string): boolean {
    return Object.hasOwn(this.#flashIn, key) || Object.hasOwn(this.#record.data, key);
  }

  /**
   * A frozen copy of all data, nested values copied too, unread flash values included (reading
   * them here does not consume them).
   */
  get data(): Readonly<Partial<Data>> {
    const data = copy(this.#record.data);
    for (const key of Object.keys(this.#flashIn)) setField(data, key, copy(this.#flashIn[key]));
    return Object.freeze(data) as Partial<Data>;
  }

  /**
   * What `JSON.stringify(session)` and so `Response.json(session)` give: the `data` snapshot,
   * so iron-session's `Response.json(session)` idiom sends the data, not `{}`. Ids and times
   * stay out: send them explicitly when the client needs them.
   */
  toJSON(): Readonly<Partial<Data>> {
    return this.data;
  }

  /**
   * Stores a copy of a plain JSON value (changing the value afterwards changes nothing stored).
   * Refuses Dates, Maps, BigInts, functions with what to store instead.
   */
  set<K extends keyof Data & string>(key: K, value: Data[K]): this {
    const problem = jsonProblem(value, `session.set("${key}", …): the value`);
    if (problem) throw new SessionError(`next-session-kit: ${problem}.`);
    const stored = copy(value);
    this.#host.validate({ ...this.#record.data, [key]: stored }, key);
    setField(this.#record.data, key, stored);
    this.#set.add(key);
    this.#unset.delete(key);
    this.#changed();
    return this;
  }

  /**
   * A value for the next page to read once (e.g. "Welcome back" after a redirect). Kept in its
   * own short-lived cookie, not in the session data; the proxy retires it once shown.
   */
  flash<K extends keyof Data & string>(key: K, value: Data[K]): this {
    const problem = jsonProblem(value, `session.flash("${key}", …): the value`);
    if (problem) throw new SessionError(`next-session-kit: ${problem}.`);
    this.#flashOut = { ...this.#flashOut, [key]: copy(value) };
    this.#flashDirty = true;
    this.#changed(false);
    return this;
  }

  unset(key: keyof Data & string): this {
    if (!Object.hasOwn(this.#record.data, key)) return this;
    delete this.#record.data[key];
    this.#set.delete(key);
    this.#unset.add(key);
    this.#changed();
    return this;
  }

  /** Removes all data; the session itself (id, created time) stays. */
  clear(): this {
    this.#record.data = {};
    this.#set.clear();
    this.#unset.clear();
    this.#cleared = true;
    this.#changed();
    return this;
  }

  /** Persists changes and sends the cookie; a no-op when nothing changed. */
  async save(): Promise<void> {
    this.#assertWritable("save");
    if ((!this.#dirty && !this.#flashDirty) || this.#status === "purged") return;
    const changes = this.#dirty ? { set: [...this.#set], unset: [...this.#unset], cleared: this.#cleared } : undefined;
    const flash = !this.#flashDirty ? undefined : this.#flashOut ?? (Object.keys(this.#flashIn).length ? this.#flashIn : null);
    await this.#apply({ kind: "save", record: this.#record, changes, flash });
    this.#flashOut = undefined;
    this.#flashDirty = false;
  }

  /**
   * New id (the old one stops working at once), same data, fresh expiry. Call it at login and
   * on any privilege change so a session id planted before login is worthless.
   * `{ authenticated: true }` also records that the user has just proved who they are (login,
   * or a password prompt before a sensitive action): see `authenticatedAt` and `isFresh()`.
   * A plain `renew()` keeps the previous `authenticatedAt`.
   */
  async renew(options?: { authenticated?: boolean }): Promise<void> {
    this.#assertWritable("renew");
    if (this.#status === "purged") return;
    this.#status = "renewed";
    const record = options?.authenticated ? { ...this.#record, authenticatedAt: Date.now() } : this.#record;
    await this.#apply({ kind: "renew", record });
  }

  /** Deletes the state and expires the cookie (logout). Final for this request. */
  async destroy(): Promise<void> {
    this.#assertWritable("destroy");
    // Written first: when the store fails (SessionStoreError), this object still describes the
    // session that is still alive, and the request can retry or report it.
    await this.#host.write({ kind: "destroy" });
    this.#status = "purged";
    this.#record = { ...this.#record, data: {}, authenticatedAt: undefined };
    this.#flashIn = {};
    this.#flashOut = undefined;
    this.#id = undefined;
  }

  /**
   * True when the request carries a session that could not be read here (the store is failing,
   * or a newer deployment sealed it with a password this instance does not know yet): it reads
   * as empty and `isNew`, and `save`/`renew`/`destroy` throw `SessionStoreError`. A proxy gate
   * that checks `get("userId")` therefore fails closed; answer 503 here to say why.
   */
  get unavailable(): boolean {
    return this.#host.unavailable !== undefined;
  }

  get status(): SessionStatus {
    return this.#status;
  }

  /** True when no valid session came with the request. */
  get isNew(): boolean {
    return this.#isNew;
  }

  /** The store key of a server-side session; undefined for the cookie store and before saving. */
  get id(): string | undefined {
    return this.#id;
  }

  get createdAt(): number {
    return this.#record.createdAt;
  }

  get lastSeenAt(): number {
    return this.#record.lastSeenAt;
  }

  get expiresAt(): number {
    return this.#record.expiresAt;
  }

  /** Epoch ms of the last `renew({ authenticated: true })`; undefined if the user never proved it here. */
  get authenticatedAt(): number | undefined {
    return this.#record.authenticatedAt;
  }

  /**
   * True when the user authenticated within the last `maxAgeSeconds`: check it before a
   * sensitive action (changing a password or an e-mail address) and ask for the password again
   * when it is false (OWASP ASVS 3.7.1).
   */
  isFresh(maxAgeSeconds: number): boolean {
    if (!(maxAgeSeconds >= 0)) throw new SessionError(`next-session-kit: isFresh(maxAgeSeconds) needs a number of seconds >= 0 (got ${String(maxAgeSeconds)}).`);
    const at = this.#record.authenticatedAt;
    return at !== undefined && Date.now() - at <= maxAgeSeconds * 1000;
  }

  #changed(data = true): void {
    if (data) this.#dirty = true;
    if (this.#status === "unchanged") this.#status = "changed";
  }

  #assertWritable(what: string): void {
    if (!this.#host.writable) throw new SessionReadOnlyError(what);
    const unavailable = this.#host.unavailable;
    if (unavailable) {
      // Writing would replace the session this request could not read.
      const why = unavailable.message.replace(/^next-session-kit: /, "");
      throw new SessionStoreError(`next-session-kit: session.${what}() wrote nothing, since this request's session could not be read: ${why}`, { cause: unavailable });
    }
  }

  async #apply(write: SessionWrite): Promise<void> {
    const result = await this.#host.write(write);
    this.#dirty = false;
    this.#set.clear();
    this.#unset.clear();
    this.#cleared = false;
    if (!result) {
      // The session was destroyed meanwhile (logout in another request): it stays dead.
      this.#status = "purged";
      this.#id = undefined;
      return;
    }
    this.#record = { ...result.record, data: { ...result.record.data } };
    this.#id = result.id;
  }
}
