/**
 * Sessions in this process's memory: for development and tests. They vanish on restart and
 * are not shared between processes; use `redisStore()` or `kvStore()` in production.
 * Semantics match the server-side stores (field-level updates, no resurrection, per-user index,
 * keyed digests as keys).
 */
import { setField } from "../json.js";
import type { SessionChanges, SessionInfo, SessionRecord, SessionStore, StoreContext, TouchRequest } from "./types.js";
import { indexedUser } from "./user-index.js";

const clone = <T>(value: T): T => structuredClone(value);

/** How often, at most, a write sweeps out expired sessions. */
const SWEEP_MS = 60_000;

interface Space {
  sessions: Map<string, SessionRecord>;
  sweptAt: number;
}

/**
 * One space per app configuration (password and cookie name, as a keyed digest), on
 * `globalThis`: Next bundles the proxy and the pages separately, and each bundle evaluates
 * `lib/session.ts` (so calls `memoryStore()`) on its own; keyed by configuration, both copies
 * find the same sessions, while stores of other configurations (another password or cookie)
 * never see them. (The Edge runtime runs in its own context: there, this store is not shared
 * with the pages.)
 */
const SHARED = Symbol.for("next-session-kit.memory-store");
const spaces = (): Map<string, Space> => ((globalThis as Record<symbol, Map<string, Space>>)[SHARED] ??= new Map());

async function spaceOf(context: StoreContext): Promise<Space> {
  const name = await context.names.configuration();
  let space = spaces().get(name);
  if (!space) spaces().set(name, (space = { sessions: new Map(), sweptAt: Date.now() }));
  return space;
}

/** Drops expired sessions (nothing else frees one unless its id comes back); at most once a minute unless `force`d. */
function sweep(space: Space, force = false): void {
  const now = Date.now();
  if (!force && now - space.sweptAt < SWEEP_MS) return;
  space.sweptAt = now;
  for (const [hash, entry] of space.sessions) if (entry.expiresAt <= now) space.sessions.delete(hash);
}

/** Due for the extension `touch` asks for, and alive under its timeouts (see `TouchRequest`). */
function dueAndAlive(entry: SessionRecord, touch: TouchRequest): boolean {
  const { now, dueBefore, idleMs, absoluteMs } = touch;
  return entry.lastSeenAt < dueBefore && entry.lastSeenAt + idleMs > now && entry.createdAt + absoluteMs > now;
}

/** An in-process server-side store. */
export function memoryStore(): SessionStore {
  let context: StoreContext | undefined;
  let space: Promise<Space> | undefined;
  const ready = () => {
    if (!context || !space) throw new Error("next-session-kit: memoryStore() used before createSessions() initialised it.");
    return { context, space };
  };
  const sessions = async () => (await ready().space).sessions;
  const owner = (entry: SessionRecord) => indexedUser(entry.data, ready().context.userKey);

  const live = async (id: string) => {
    const hash = await ready().context.names.session(id);
    if (hash === undefined) return undefined;
    const all = await sessions();
    const entry = all.get(hash);
    if (entry && entry.expiresAt > Date.now()) return entry;
    all.delete(hash);
    return undefined;
  };
  const put = async (record: SessionRecord): Promise<string> => {
    const id = ready().context.names.newId();
    const current = await ready().space;
    sweep(current);
    current.sessions.set((await ready().context.names.session(id))!, clone(record));
    return id;
  };
  const drop = async (id: string) => {
    const hash = await ready().context.names.session(id);
    if (hash !== undefined) (await sessions()).delete(hash);
  };
  /** The live sessions of `userId` (a string; numeric ids are indexed as their string form). A scan sweeps as it goes. */
  const owned = async (userId: string) => {
    const current = await ready().space;
    sweep(current, true);
    return [...current.sessions].filter(([, entry]) => owner(entry) === userId);
  };

  return {
    serverSide: true,
    kind: "memory",
    init(given: StoreContext) {
      context = given;
      space = spaceOf(given);
    },
    async load(id, touch?: TouchRequest) {
      const entry = await live(id);
      if (!entry) return undefined;
      if (touch && dueAndAlive(entry, touch)) {
        entry.lastSeenAt = touch.now;
        entry.expiresAt = Math.min(touch.now + touch.idleMs, entry.createdAt + touch.absoluteMs);
        return { ...clone(entry), touched: true };
      }
      return clone(entry);
    },
    save: put,
    async update(id, record, changes: SessionChanges) {
      const entry = await live(id);
      if (!entry) return undefined;
      if (changes.cleared) entry.data = {};
      for (const key of changes.unset) delete entry.data[key];
      for (const key of changes.set) setField(entry.data, key, clone(record.data[key]));
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
    delete: drop,
    async renew(id, record) {
      if (!(await live(id))) return undefined;
      await drop(id);
      return put(record);
    },
    async listSessions(userId): Promise<SessionInfo[]> {
      return (await owned(userId)).map(([handle, { createdAt, lastSeenAt, expiresAt, device }]) => ({
        handle,
        createdAt,
        lastSeenAt,
        expiresAt,
        ...(device && { device: clone(device) }),
      }));
    },
    async revokeSession(userId, handle) {
      if (!(await owned(userId)).some(([hash]) => hash === handle)) return false;
      (await sessions()).delete(handle);
      return true;
    },
    async revokeSessions(userId, except) {
      const keep = new Set(await Promise.all(except.map((id) => ready().context.names.session(id))));
      const gone = (await owned(userId)).filter(([hash]) => !keep.has(hash));
      const all = await sessions();
      for (const [hash] of gone) all.delete(hash);
      return gone.length;
    },
  };
}
