// next-session-kit with redisStore() over ioredis (TCP) to the bench's private redis-server at
// REDIS_URL. Without it the /redis route answers 503 instead of failing the whole proxy bundle.
import { Redis } from "ioredis";
import { createSessions } from "next-session-kit";
import { redisStore } from "next-session-kit/stores/redis";

let sessions;
let failure;
try {
  if (!process.env.REDIS_URL) throw new Error("REDIS_URL is not set");
  sessions = createSessions({ password: process.env.SESSION_PASSWORD, store: redisStore({ client: new Redis(process.env.REDIS_URL) }), cookie: { name: "session" } });
} catch (error) {
  failure = error;
}

export const redis = sessions;
export const redisFailure = failure;
