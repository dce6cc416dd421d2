/**
 * Sessions in this process's memory: for development and tests. They vanish on restart and
 * are not shared between instances; use `redisStore()` or `kvStore()` in production.
 * Semantics match the server-side stores (field-level updates, no resurrection, per-user index).
 */
import { hashSessionId, newSessionId } from "../codec/session-id.js";
import type { SessionChanges, SessionInfo, SessionRecord, SessionStore, StoreContext, TouchRequest } from "./types.js";

const clone = <T>(value: T): T => structuredClone(value);

/**
 * One map per process, on `globalThis`: Next bundles the proxy and the pages separately, and
 * each bundle evaluates `lib/session.ts` (so calls `memoryStore()`) on its own; a module-level
 * map would give the proxy and the pages two different sets of sessions. (The Edge runtime
 * runs in its own context: there, this store is not shared with the pages.)
 */
const SHARED = Symbol.for("next-session-kit.memory-store");
const processMap = (): Map<string, SessionRecord> =>
  ((globalThis as Record<symbol, Map<string, SessionRecord>>)[SHARED] ??= new Map());

/** An in-process server-side store. */
export function memoryStore(): SessionStore {
  const sessions = processMap();
  let userKey = "userId";

  const live = async (id: string) => {
    const hash = await hashSessionId(id);
    const entry = sessions.get(hash);
    if (entry && entry.expiresAt > Date.now()) return entry;
    sessions.delete(hash);
    return undefined;
  };
  /** Drops expired sessions, which nothing else would free unless their id came back. */
  const sweep = () => {
    const now = Date.now();
    for (const [hash, entry] of sessions) if (entry.expiresAt <= now) sessions.delete(hash);
  };
  const put = async (record: SessionRecord): Promise<string> => {
    const id = newSessionId();
    sessions.set(await hashSessionId(id), clone(record));
    return id;
  };

  return {
    serverSide: true,
    kind: "memory",
    init(context: StoreContext) {
      userKey = context.userKey;
    },
    async load(id, touch?: TouchRequest) {
      const entry = await live(id);
      if (!entry) return undefined;
      if (touch && entry.lastSeenAt < touch.dueBefore) {
        entry.lastSeenAt = touch.now;
        entry.expiresAt = Math.min(touch.now + touch.idleMs, entry.createdAt + touch.absoluteMs);
      }
      return clone(entry);
    },
    save: put,
    async update(id, record, changes: SessionChanges) {
      const entry = await live(id);
      if (!entry) return undefined;
      if (changes.cleared) entry.data = {};
      for (const key of changes.unset) delete entry.data[key];
      for (const key of changes.set) entry.data[key] = clone(record.data[key]);
      entry.lastSeenAt = record.lastSeenAt;
      entry.expiresAt = record.expiresAt;
      return id;
    },
    async touch(id, record) {
      const entry = await live(id);
      if (!entry) return undefined;
      entry.lastSeenAt = record.lastSeenAt;
      entry.expiresAt = record.expiresAt;
      return id;
    },
    async delete(id) {
      sessions.delete(await hashSessionId(id));
    },
    async renew(id, record) {
      if (!(await live(id))) return undefined;
      sessions.delete(await hashSessionId(id));
      return put(record);
    },
    async listSessions(userId): Promise<SessionInfo[]> {
      sweep();
      return [...sessions]
        .filter(([, s]) => s.data[userKey] === userId)
        .map(([handle, { createdAt, lastSeenAt, expiresAt, device }]) => ({ handle, createdAt, lastSeenAt, expiresAt, ...(device && { device: clone(device) }) }));
    },
    async revokeSession(userId, handle) {
      const entry = sessions.get(handle);
      if (!entry || entry.expiresAt <= Date.now() || entry.data[userKey] !== userId) return false;
      sessions.delete(handle);
      return true;
    },
    async revokeSessions(userId, except) {
      const keep = new Set(await Promise.all(except.map(hashSessionId)));
      sweep();
      let count = 0;
      for (const [hash, s] of sessions) {
        if (s.data[userKey] === userId && !keep.has(hash)) {
          sessions.delete(hash);
          count++;
        }
      }
      return count;
    },
  };
}
