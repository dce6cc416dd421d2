// SESSION_PASSWORD seals every cookie. Development can run without one; production cannot.
import { randomBytes } from "node:crypto";

const KEY = Symbol.for("app-example.dev-password");

/**
 * The configured password; in development a random one, announced once, shared by all bundles.
 * To rotate, set SESSION_PASSWORD to a JSON map such as {"2":"new…","1":"old…"}: the highest id
 * seals, every id opens, so nobody is logged out.
 */
export function password(): string | Record<string, string> {
  const configured = process.env.SESSION_PASSWORD ?? "";
  if (configured.startsWith("{")) return JSON.parse(configured) as Record<string, string>;
  // While `next build` runs, a missing password is reported at the first request instead.
  if (configured || process.env.NEXT_PHASE === "phase-production-build") return configured;
  if (process.env.NODE_ENV === "production") {
    throw new Error(
      "SESSION_PASSWORD is not set. Set it to a random string of at least 32 characters " +
        "(`npx next-session-kit secret` prints one) before `next start`; `npm run example` does this for you.",
    );
  }
  const global = globalThis as Record<symbol, string | undefined>;
  if (!global[KEY]) {
    global[KEY] = randomBytes(32).toString("base64url");
    console.warn("[app-example] SESSION_PASSWORD is not set: using a random one for this development server (sessions end when it restarts).");
  }
  return global[KEY]!;
}
