/**
 * The session store shared by `kvStore()` and `redisStore()`: all logic lives here and in the
 * Lua scripts, written against two commands (EVALSHA, EVAL) that every client can send, so
 * the two public stores are thin adapters and behave identically (and share the data layout:
 * an Upstash database can be read through REST and TCP alike).
 *
 * Round trips: load (with the idle extension when due), save, update, touch, delete and renew
 * are one script each; listSessions/revokeSessions run one script per bucket, concurrently
 * (one HTTP request with @upstash/redis's auto-pipelining). The first call of a script after a
 * Redis restart pays one more (NOSCRIPT, then EVAL).
 *
 * A call that timed out (reported as `SessionStoreError`) may still reach Redis later: TCP
 * clients queue commands while reconnecting, a slow HTTP request may land. Every script is safe
 * to apply late: none resurrects a deleted session, a late delete or revoke is what was asked
 * for, and a late save or renew only leaves a session no cookie points to, which expires.
 */
import { SessionStoreError } from "../../errors.js";
import type { LoadedRecord, SessionChanges, SessionInfo, SessionRecord, SessionStore, StoreContext, TouchRequest } from "../types.js";
import { indexedUser } from "../user-index.js";
import { bounded, checkTimeout } from "./bounded.js";
import { dataField, dataPairs, deviceFrom, fromHash, metaPairs, untag } from "./fields.js";
import { layout } from "./layout.js";
import type { LuaScript, ScriptCommands } from "./lua-script.js";
import { DELETE, LIST, LOAD, RENEW, REVOKE, REVOKE_ONE, SAVE, TOUCH, UPDATE } from "./scripts.js";

/** What an at-rest digest (a `SessionInfo.handle`) looks like: base64url. */
const HANDLE = /^[A-Za-z0-9_-]{16,64}$/;

/** Options common to the Redis-backed stores. */
export interface RedisFamilyOptions {
  /** Start of every key this store writes (default `"nsk:"`); no braces (Cluster hash tags). */
  prefix?: string;
  /** Deadline of each store call in milliseconds (default 2000); then `SessionStoreError`. */
  timeoutMs?: number;
}

/** A server-side store on any Redis that runs Lua; `name` appears in error messages. */
export function scriptedStore(name: string, commands: ScriptCommands, options: RedisFamilyOptions = {}): SessionStore {
  const keys = layout(options.prefix ?? "nsk:");
  const timeoutMs = checkTimeout(name, options.timeoutMs);
  let context: StoreContext | undefined;
  const ctx = (): StoreContext => {
    if (!context) throw new SessionStoreError(`next-session-kit: ${name}() used before createSessions() initialised it.`);
    return context;
  };

  const call = <T>(operation: string, work: () => Promise<T>) => bounded(name, operation, timeoutMs, work);
  const run = (script: LuaScript, scriptKeys: string[], args: string[]) => script.run(commands, scriptKeys, args);

  /** The key, index base and index member of a session id; undefined when the id names none (its password is gone). */
  const locate = async (id: string) => {
    const hash = await ctx().names.session(id);
    if (hash === undefined) return undefined;
    const bucket = keys.bucketOf(hash);
    return { hash, bucket, key: keys.session(hash), base: keys.indexBase(bucket) };
  };
  /** The digest the user index of session `id` is keyed by; "" when the session names no user. */
  const userOf = async (record: SessionRecord, id: string) => {
    const user = indexedUser(record.data, ctx().userKey);
    return user === undefined ? "" : ((await ctx().names.user(user, id)) ?? "");
  };
  /** A fresh id whose hash falls in `bucket`, so a renewal stays in one Cluster slot. */
  const newIdIn = async (bucket: string) => {
    for (;;) {
      const id = ctx().names.newId();
      const hash = (await ctx().names.session(id))!;
      if (keys.bucketOf(hash) === bucket) return { id, hash, key: keys.session(hash) };
    }
  };
  /** What update() does to the user index: a new digest, "" for none, "=" to keep the stored one. */
  const userChange = (record: SessionRecord, changes: SessionChanges, id: string) => {
    if (changes.set.includes(ctx().userKey)) return userOf(record, id);
    return changes.cleared || changes.unset.includes(ctx().userKey) ? "" : "=";
  };
  /** The meta fields of a new session, in script argument order (c, s, e, u). */
  const metaOf = async (record: SessionRecord, id: string) => [
    String(record.createdAt),
    String(record.lastSeenAt),
    String(record.expiresAt),
    await userOf(record, id),
  ];
  /** `[field, JSON value, …]` of `keys`, the user field encrypted for session `id` (see AtRestNames.hide). */
  const pairsOf = async (record: SessionRecord, keys: Iterable<string>, id: string) => {
    const pairs = dataPairs(record, keys);
    const at = pairs.indexOf(dataField(ctx().userKey));
    if (at >= 0 && at % 2 === 0) pairs[at + 1] = (await ctx().names.hide(id, pairs[at + 1]!))!;
    return pairs;
  };
  /**
   * The hash fields of session `id` with its user field decrypted; undefined when it does not
   * open. A value stored in clear by 0.1.0 (a JSON string or number: no ciphertext parses as
   * one and verifies) is read as it is, and encrypted at its next write.
   */
  const revealed = async (fields: string[], id: string) => {
    const at = fields.findIndex((name, index) => index % 2 === 0 && name === dataField(ctx().userKey));
    const stored = at < 0 ? undefined : fields[at + 1]!;
    if (stored === undefined || stored.startsWith('"')) return fields;
    const text = (await ctx().names.reveal(id, stored)) ?? (/^-?[0-9]/.test(stored) ? stored : undefined);
    if (text === undefined) return undefined;
    fields[at + 1] = text;
    return fields;
  };
  /** Runs a per-bucket script of one user's index in every bucket (under each of its digests), concurrently. */
  const everyBucket = async (userId: string, script: LuaScript, extra: string[]) => {
    const users = await ctx().names.users(userId);
    const now = String(Date.now());
    return Promise.all(
      users.flatMap((user) => keys.buckets.map((bucket) => run(script, [keys.indexBase(bucket) + user], [keys.sessionBase(bucket), user, now, ...extra]))),
    );
  };

  return {
    serverSide: true,
    kind: name.replace(/Store$/, ""), // "kv", "redis"
    init(given) {
      context = given;
    },
    load: (id, touch?: TouchRequest) =>
      call("load the session", async () => {
        const located = await locate(id);
        if (!located) return undefined;
        const { hash, key, base } = located;
        const due = touch ? [touch.dueBefore, touch.idleMs, touch.absoluteMs].map(String) : ["", "", ""];
        const reply = await run(LOAD, [key], [base, hash, String(touch?.now ?? Date.now()), ...due]);
        let record: LoadedRecord | undefined;
        try {
          const [touched, ...fields] = untag(reply);
          if (fields.length === 0) return undefined;
          const readable = await revealed(fields, id);
          record = readable && fromHash(readable);
          if (record && touched === "1") record.touched = true;
        } catch {}
        if (!record) ctx().report({ type: "invalid-record", reason: "unreadable session hash" });
        return record;
      }),
    save: (record) =>
      call("save the session", async () => {
        const id = ctx().names.newId();
        const { hash, key, base } = (await locate(id))!;
        await run(SAVE, [key], [base, hash, String(Date.now()), ...(await metaOf(record, id)), ...metaPairs(record), ...(await pairsOf(record, Object.keys(record.data), id))]);
        return id;
      }),
    update: (id, record, changes) =>
      call("update the session", async () => {
        const located = await locate(id);
        if (!located) return undefined;
        const { hash, key, base } = located;
        const removed = changes.unset.map(dataField);
        const args = [base, hash, String(Date.now()), String(record.lastSeenAt), String(record.expiresAt), changes.cleared ? "1" : "0"];
        args.push(await userChange(record, changes, id), String(removed.length), ...removed, ...(await pairsOf(record, changes.set, id)));
        return Number(await run(UPDATE, [key], args)) === 1 ? id : undefined;
      }),
    touch: (id, record) =>
      call("extend the session", async () => {
        const located = await locate(id);
        if (!located) return undefined;
        const { hash, key, base } = located;
        const args = [base, hash, String(Date.now()), String(record.lastSeenAt), String(record.expiresAt)];
        return Number(await run(TOUCH, [key], args)) === 1 ? id : undefined;
      }),
    delete: (id) =>
      call("delete the session", async () => {
        const located = await locate(id);
        if (located) await run(DELETE, [located.key], [located.base, located.hash]);
      }),
    renew: (id, record) =>
      call("renew the session", async () => {
        const old = await locate(id);
        if (!old) return undefined;
        const fresh = await newIdIn(old.bucket);
        const args = [old.base, fresh.hash, String(Date.now()), ...(await metaOf(record, fresh.id)), old.hash, ...metaPairs(record), ...(await pairsOf(record, Object.keys(record.data), fresh.id))];
        return Number(await run(RENEW, [old.key, fresh.key], args)) === 1 ? fresh.id : undefined;
      }),
    listSessions: (userId) =>
      call("list a user's sessions", async () => {
        const replies = await everyBucket(userId, LIST, []);
        const sessions: SessionInfo[] = [];
        for (const items of replies.map(untag)) {
          for (let i = 0; i + 5 < items.length; i += 6) {
            const info: SessionInfo = { handle: items[i]!, createdAt: Number(items[i + 1]), lastSeenAt: Number(items[i + 2]), expiresAt: Number(items[i + 3]) };
            const device = deviceFrom(items[i + 4], items[i + 5]);
            if (device) info.device = device;
            sessions.push(info);
          }
        }
        return sessions;
      }),
    revokeSessions: async (userId, except) => {
      const keep = (await Promise.all(except.map(ctx().names.session))).filter((hash) => hash !== undefined);
      const users = await ctx().names.users(userId);
      const now = String(Date.now());
      // One deadline per bucket, not one for all: when some buckets fail (a Cluster node down, a
      // timeout), the others' revocations have happened, and the error must say how many.
      const runs = users.flatMap((user) =>
        keys.buckets.map((bucket) =>
          call("revoke a user's sessions", () => run(REVOKE, [keys.indexBase(bucket) + user], [keys.sessionBase(bucket), user, now, ...keep])),
        ),
      );
      const settled = await Promise.allSettled(runs);
      const revoked = settled.reduce((sum, result) => sum + (result.status === "fulfilled" ? Number(result.value) : 0), 0);
      const failed = settled.filter((result) => result.status === "rejected");
      if (failed.length === 0) return revoked;
      throw new SessionStoreError(
        `next-session-kit: revokeSessions() ended ${revoked} session${revoked === 1 ? "" : "s"}, but ${failed.length} of ${settled.length} index buckets of ${name} did not answer, so some of the user's sessions may still be alive. ` +
          "Call it again until it resolves: revoking is idempotent, and sessions already ended stay ended.",
        { cause: (failed[0] as PromiseRejectedResult).reason },
      );
    },
    revokeSession: (userId, handle) =>
      call("revoke a session", async () => {
        // A handle is an at-rest digest; anything else names no session (and no other key).
        if (!HANDLE.test(handle)) return false;
        const bucket = keys.bucketOf(handle);
        const users = await ctx().names.users(userId);
        const ended = await Promise.all(users.map((user) => run(REVOKE_ONE, [keys.indexBase(bucket) + user], [keys.sessionBase(bucket), user, handle])));
        return ended.some((count) => Number(count) === 1);
      }),
  };
}
