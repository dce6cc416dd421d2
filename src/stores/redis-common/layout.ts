/**
 * Where sessions live in Redis, chosen so that Redis Cluster works and every write stays atomic.
 *
 * Sessions are spread over 16 buckets. A bucket is a hash tag (`{0}` … `{f}`) taken from the
 * session's hash, so a session's hash and the per-user index that lists it in that bucket share
 * one Cluster slot: one Lua script updates both, atomically, on any deployment. The price is
 * that listing or revoking a user's sessions runs one (tiny) script per bucket.
 *
 *   <prefix>{<bucket>}:s:<names.session(session id)> hash: one field per data key + meta fields
 *   <prefix>{<bucket>}:u:<names.user(user id, …)>   sorted set: session hashes scored by expiresAt
 *
 * Only keyed 128-bit digests (see codec/session-id.ts) appear in key names: a dump or `KEYS` listing names no live session and
 * no user.
 */
import { SessionConfigError } from "../../errors.js";

/** How many buckets (hash slots) sessions are spread over; changing it orphans live sessions. */
export const BUCKETS = 16;

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Key names under one prefix. */
export interface Layout {
  /** The bucket of a session, from its (uniformly random) hash. */
  bucketOf(hash: string): string;
  /** Every bucket, for operations that visit all of them. */
  readonly buckets: readonly string[];
  session(hash: string): string;
  /** `session(hash)` is `sessionBase(bucket) + hash`; scripts rebuild keys from members. */
  sessionBase(bucket: string): string;
  /** A user's index key in a bucket is `indexBase(bucket) + userDigest` (scripts build it too). */
  indexBase(bucket: string): string;
}

/** The layout under `prefix`; braces would break the hash tags, so they are refused. */
export function layout(prefix: string): Layout {
  if (/[{}]/.test(prefix)) {
    throw new SessionConfigError(`next-session-kit: the store prefix "${prefix}" contains "{" or "}", which Redis Cluster reads as a hash tag. Choose a prefix without braces, such as "nsk:".`);
  }
  const bucketOf = (hash: string) => (BASE64URL.indexOf(hash[0] ?? "A") % BUCKETS).toString(16);
  const sessionBase = (bucket: string) => `${prefix}{${bucket}}:s:`;
  return {
    bucketOf,
    buckets: Array.from({ length: BUCKETS }, (_, i) => i.toString(16)),
    session: (hash) => sessionBase(bucketOf(hash)) + hash,
    sessionBase,
    indexBase: (bucket) => `${prefix}{${bucket}}:u:`,
  };
}
