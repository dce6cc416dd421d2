// next-session-kit with kvStore() (@vercel/kv over KV_REST_API_URL / KV_REST_API_TOKEN; the bench
// points them at its local Upstash-protocol server in front of Redis). Without those variables
// (BENCH_KV=0) the /kv route answers 503 instead of failing the whole proxy bundle.
import { createSessions } from "next-session-kit";
import { kvStore } from "next-session-kit/stores/kv";

let sessions;
let failure;
try {
  sessions = createSessions({ password: process.env.SESSION_PASSWORD, store: kvStore(), cookie: { name: "session" } });
} catch (error) {
  failure = error;
}

export const kv = sessions;
export const kvFailure = failure;
