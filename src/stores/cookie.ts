/**
 * The default store: the whole session sealed into the cookie (no server, nothing to run).
 * What it cannot do, by design: revoke a session before it expires, list a user's sessions,
 * or hold more than a few kilobytes. Use `kvStore()` or `redisStore()` for those.
 */
import { sealExpiration, sealFields } from "../codec/iron-format.js";
import { SessionStoreError } from "../errors.js";
import { fromShared, toShared, type SealMetadata } from "./iron-shared.js";
import type { LoadedRecord, SessionRecord, SessionStore, StoreContext } from "./types.js";

/**
 * Version 1 of the sealed shape. A seal without `nsk` (nor the shared shape's metadata key, see
 * iron-shared.ts) is a plain iron-session cookie; one with another `nsk` tag is ours but not a
 * session (a flash seal), and never opens as one. `n` binds it to the cookie it was written
 * for: another configuration sharing the password (an admin area next to a customer area)
 * refuses it, and so does this one the other's.
 */
interface Sealed extends SealMetadata {
  nsk: 1;
  d: Record<string, unknown>;
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

/** Our seal in either shape, as the nested one; undefined when it is not a session of ours. */
function asSealed(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const shared = fromShared(value);
  if (shared) return isObject(shared.metadata) ? { ...shared.metadata, d: shared.data } : undefined;
  return value.nsk === 1 ? value : undefined;
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
  /** While migrating, in the shape plain iron-session also reads (iron-shared.ts). */
  const seal = (record: SessionRecord): Promise<string> => {
    const metadata: SealMetadata = { n: ctx().cookieName, c: record.createdAt, s: record.lastSeenAt, e: record.expiresAt };
    if (record.authenticatedAt !== undefined) metadata.a = record.authenticatedAt;
    const sealed = ctx().migrateFromIronSession ? toShared(record.data, metadata) : ({ nsk: 1, ...metadata, d: record.data } satisfies Sealed);
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
      const sealed = isObject(value) ? asSealed(value) : undefined;
      if (isObject(value) && value.nsk === undefined && !fromShared(value)) return imported(value, key);
      if (sealed && sealed.n !== ctx().cookieName) {
        // Another cookie's session (or a 0.1.0 seal, bound to none): valid, but not this one.
        ctx().report({ type: "unseal-failed", reason: "other-cookie" });
        return undefined;
      }
      const record = sealed && fromSealed(sealed);
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
