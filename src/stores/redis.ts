/**
 * Sessions in your own Redis over TCP, through the client the app already has: ioredis
 * (`Redis` or `Cluster`) or node-redis v5 (`createClient()` / `createCluster()`). Works on Redis
 * Cluster: a session and its user index entries share a hash tag (see redis-common/layout.ts).
 * Neither client is imported here; the kind is recognised by its methods. Both clients queue
 * commands while they reconnect: see store.ts for why a call that timed out may run later.
 */
import { SessionConfigError } from "../errors.js";
import type { ScriptCommands } from "./redis-common/lua-script.js";
import { scriptedStore, type RedisFamilyOptions } from "./redis-common/store.js";
import type { SessionStore } from "./types.js";

/** ioredis `Redis` or `Cluster`. */
export interface IoRedisClient {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** node-redis v5 client or cluster (connected: `await createClient().connect()`). */
export interface NodeRedisClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisStoreOptions extends RedisFamilyOptions {
  client: IoRedisClient | NodeRedisClient;
}

const isNodeRedis = (client: IoRedisClient | NodeRedisClient): client is NodeRedisClient =>
  typeof (client as Partial<NodeRedisClient>).evalSha === "function";

/**
 * ioredis adds its `keyPrefix` to declared keys only, but the scripts also build keys from
 * arguments: with a keyPrefix they would miss each other, so it is refused up front.
 */
function assertNoKeyPrefix(client: IoRedisClient): void {
  const options = (client as { options?: { keyPrefix?: string; redisOptions?: { keyPrefix?: string } } }).options;
  if (options?.keyPrefix || options?.redisOptions?.keyPrefix) {
    throw new SessionConfigError('next-session-kit: redisStore() cannot use an ioredis client with `keyPrefix`. Pass a client without it and set redisStore({ client, prefix: "myapp:" }) instead.');
  }
}

function commandsOf(client: IoRedisClient | NodeRedisClient): ScriptCommands {
  if (isNodeRedis(client)) {
    return {
      evalsha: (sha, keys, args) => client.evalSha(sha, { keys, arguments: args }),
      eval: (source, keys, args) => client.eval(source, { keys, arguments: args }),
    };
  }
  assertNoKeyPrefix(client);
  return {
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (source, keys, args) => client.eval(source, keys.length, ...keys, ...args),
  };
}

/** A server-side store on Redis (ioredis or node-redis): revocable, listable, Cluster-ready. */
export function redisStore(options: RedisStoreOptions): SessionStore {
  if (!options?.client) {
    throw new SessionConfigError("next-session-kit: redisStore() needs a client: redisStore({ client: new Redis(process.env.REDIS_URL) }) with ioredis, or a connected node-redis client.");
  }
  return scriptedStore("redisStore", commandsOf(options.client), options);
}
