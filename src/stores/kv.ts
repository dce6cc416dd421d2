/**
 * Sessions in Vercel KV / Upstash Redis over its REST API (fetch only: runs on the Edge runtime
 * too, so the proxy can use it in `middleware.ts`). The cookie carries only a signed id; the
 * store keeps SHA-256 digests of ids, one hash per session (see redis-common/).
 */
import { SessionConfigError } from "../errors.js";
import { scriptedStore, type RedisFamilyOptions } from "./redis-common/store.js";
import type { SessionStore } from "./types.js";

/** What kvStore needs of a client: `Redis` from @upstash/redis, or @vercel/kv's `kv`/`createClient()`. */
export interface KvClient {
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  evalsha(sha: string, keys: string[], args: string[]): Promise<unknown>;
}

export interface KvStoreOptions extends RedisFamilyOptions {
  /**
   * Default: the client `kv` from @vercel/kv is, built here from @upstash/redis (which every
   * @vercel/kv install brings along): `KV_REST_API_URL` / `KV_REST_API_TOKEN`, auto-pipelining.
   * Importing @vercel/kv itself would make bundlers fail the build of apps that use Upstash
   * without it. Pass `kv` from @vercel/kv, or `new Redis({ url, token })` from @upstash/redis.
   */
  client?: KvClient;
}

/** Both variables @vercel/kv reads; without them every request would fail, so say so at startup. */
function assertKvEnvironment(): void {
  const env = globalThis.process?.env;
  const missing = [["KV_REST_API_URL", env?.KV_REST_API_URL], ["KV_REST_API_TOKEN", env?.KV_REST_API_TOKEN]].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length === 0) return;
  throw new SessionConfigError(
    `next-session-kit: kvStore() without a client needs the environment variables KV_REST_API_URL and KV_REST_API_TOKEN (missing: ${missing.join(", ")}). ` +
      `On Vercel, connect an Upstash Redis (KV) store to the project and run \`vercel env pull\` for local development; elsewhere set both to your database's REST URL and token, ` +
      `or pass a client: kvStore({ client: new Redis({ url, token }) }) with Redis from @upstash/redis.`,
    { missing: true },
  );
}

/** What `kv` from @vercel/kv is: an Upstash client on the two variables, auto-pipelining. */
function defaultClient(Redis: typeof import("@upstash/redis").Redis): KvClient {
  const env = globalThis.process?.env ?? {};
  // Replies are decoded by the store itself; the client's JSON.parse attempt on each string would only cost time.
  return new Redis({ url: env.KV_REST_API_URL!, token: env.KV_REST_API_TOKEN!, enableAutoPipelining: true, automaticDeserialization: false });
}

/** A server-side store on Vercel KV or Upstash Redis: revocable, listable, no size limit. */
export function kvStore(options: KvStoreOptions = {}): SessionStore {
  const given = options.client;
  let client: Promise<KvClient> | undefined = given && Promise.resolve(given);
  // Loaded on first use only: apps that pass a client never load it.
  const connect = () => (client ??= import("@upstash/redis").then(({ Redis }) => defaultClient(Redis)));
  const store = scriptedStore("kvStore", {
    evalsha: async (sha, keys, args) => (await connect()).evalsha(sha, keys, args),
    eval: async (source, keys, args) => (await connect()).eval(source, keys, args),
  }, options);
  return {
    ...store,
    init(context) {
      if (!given) assertKvEnvironment();
      store.init?.(context);
    },
  };
}
