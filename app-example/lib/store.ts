// The store follows the environment: KV when KV_REST_API_URL is set, Redis when REDIS_URL is
// set, otherwise the default encrypted-cookie store (nothing to run). Store modules load only
// when chosen, so the cookie store costs nothing extra.
import type { SessionStore } from "next-session-kit";

/** Tests give each run its own key prefix; apps keep the default. */
const prefix = process.env.SESSION_KV_PREFIX || undefined;

export async function pickStore(): Promise<SessionStore | undefined> {
  if (process.env.KV_REST_API_URL) {
    const [{ kvStore }, { kv }] = await Promise.all([import("next-session-kit/stores/kv"), import("@vercel/kv")]);
    return kvStore({ client: kv, prefix });
  }
  if (process.env.REDIS_URL) {
    const [{ redisStore }, { Redis }] = await Promise.all([import("next-session-kit/stores/redis"), import("ioredis")]);
    return redisStore({ client: new Redis(process.env.REDIS_URL), prefix });
  }
  return undefined;
}

/** Server-side stores can list and revoke a user's sessions (the /devices page). */
export const serverSideStore = Boolean(process.env.KV_REST_API_URL || process.env.REDIS_URL);
