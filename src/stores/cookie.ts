/**
 * The default store: the whole session sealed into the cookie (no server, nothing to run).
 * What it cannot do, by design: revoke a session before it expires, list a user's sessions,
 * or hold more than a few kilobytes. Use `kvStore()` or `redisStore()` for those.
 */
import { sealExpiration, sealFields } from "../codec/iron-format.js";
import { SessionStoreError } from "../errors.js";
import type { LoadedRecord, SessionRecord, SessionStore, StoreContext } from "./types.js";

/**
 * Version 1 of the sealed shape. A seal without `nsk` is a plain iron-session cookie; one with
 * another `nsk` tag is ours but not a session (a flash seal), and never opens as one. `n` binds
 * it to the cookie it was written for: another configuration sharing the password (an admin
 * area next to a customer area) refuses it, and so does this one the other's.
 */
interface Sealed {
  nsk: 1;
  n: string;
  d: Record<string, unknown>;
  c: number;
  s: number;
  e: number;
  /** authenticatedAt, only when set. */
  a?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function fromSealed(value: Record<string, unknown>): SessionRecord | undefined {
  const { d, c, s, e, a } = value as Partial<Sealed>;
  const isTime = (t: unknown): t is number => typeof t === "number" && Number.isFinite(t);
  if (!isObject(d) || ![c, s, e].every(isTime) || (a !== undefined && !isTime(a))) return undefined;
  const record: SessionRecord = { data: d, createdAt: c!, lastSeenAt: s!, expiresAt: e! };
  if (a !== undefined) record.authenticatedAt = a;
  return record;
}

/**
 * An app moving from iron-session keeps its users (`migrateFromIronSession`): a plain
 * iron-session seal opens as a session that starts now and ends, at the latest, when the seal
 * itself would have. A seal without an expiry (`ttl: 0`) is refused: nothing would bound it.
 */
function fromIronSession(data: Record<string, unknown>, seal: string, now: number): LoadedRecord | "no-expiry" | undefined {
  const fields = sealFields(seal);
  const expiresAt = fields && sealExpiration(fields);
  if (expiresAt === Infinity) return "no-expiry";
  if (expiresAt === undefined || Object.keys(data).length === 0) return undefined;
  return { data, createdAt: now, lastSeenAt: now, expiresAt, imported: true };
}

/** Sessions sealed (or signed, see `cookie.contentSecurity`) into the cookie itself. */
export function cookieStore(): SessionStore {
  let context: StoreContext | undefined;
  const ctx = (): StoreContext => {
    if (!context) throw new SessionStoreError("next-session-kit: cookieStore() used before createSessions() initialised it.");
    return context;
  };
  const seal = (record: SessionRecord): Promise<string> => {
    const sealed: Sealed = { nsk: 1, n: ctx().cookieName, d: record.data, c: record.createdAt, s: record.lastSeenAt, e: record.expiresAt };
    if (record.authenticatedAt !== undefined) sealed.a = record.authenticatedAt;
    return ctx().seal(sealed, record.expiresAt);
  };
  /** A plain iron-session seal: a session only when the app migrates, and bounded. */
  const imported = (data: Record<string, unknown>, seal: string): LoadedRecord | undefined => {
    if (!ctx().migrateFromIronSession) {
      ctx().report({ type: "unseal-failed", reason: "not-migrated" });
      return undefined;
    }
    const record = fromIronSession(data, seal, Date.now());
    if (typeof record === "string") ctx().report({ type: "unseal-failed", reason: record });
    else if (!record) ctx().report({ type: "invalid-record", reason: "unexpected shape" });
    return typeof record === "string" ? undefined : record;
  };
  return {
    serverSide: false,
    kind: "cookie",
    init(given) {
      context = given;
    },
    async load(key) {
      const opened = await ctx().unseal(key);
      if (!opened.ok) {
        ctx().report({ type: "unseal-failed", reason: opened.reason });
        return undefined;
      }
      const value = opened.value;
      if (isObject(value) && value.nsk === undefined) return imported(value, key);
      if (isObject(value) && value.nsk === 1 && value.n !== ctx().cookieName) {
        // Another cookie's session (or a 0.1.0 seal, bound to none): valid, but not this one.
        ctx().report({ type: "unseal-failed", reason: "other-cookie" });
        return undefined;
      }
      const record = isObject(value) && value.nsk === 1 ? fromSealed(value) : undefined;
      if (!record) ctx().report({ type: "invalid-record", reason: "unexpected shape" });
      return record;
    },
    save: seal,
    update: (_key, record) => seal(record),
    touch: (_key, record) => seal(record),
    async delete() {
      // Nothing to delete: the engine expires the cookie, which is all the state there is.
    },
  };
}
