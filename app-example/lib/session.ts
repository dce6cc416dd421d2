// The app's one session configuration: every page, action, route and the proxy import from here.
import { createSessions } from "next-session-kit";
import { cookieStore } from "next-session-kit/stores/cookie";
import { password } from "./password";
import { pickStore, serverSideStore } from "./store";

/** What this app keeps in a session. */
export type SessionData = {
  userId?: string;
  name?: string;
  cart?: string[];
  notice?: string;
};

/** The part of the session that the root layout hands to Client Components (useSession). */
export type ClientSession = Pick<SessionData, "name">;

/** A number from the environment (tests set these), or undefined for the library's default. */
const numberEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

export const sessions = createSessions<SessionData>({
  password: password(),
  // Two-phase rotation (README): SESSION_SEAL_WITH names the password id that seals.
  sealWith: numberEnv("SESSION_SEAL_WITH"),
  store: (await pickStore()) ?? cookieStore(),
  // Tests shorten these; the defaults are 7 days idle, 30 days absolute, renewal once an hour.
  idleTimeout: numberEnv("SESSION_IDLE_TIMEOUT"),
  absoluteTimeout: numberEnv("SESSION_ABSOLUTE_TIMEOUT"),
  renewal: { policy: "on-every-request", updateAge: numberEnv("SESSION_UPDATE_AGE") },
  // maxBytes: the session's share of the Cookie header (default 6144, under nginx's 8 KB per line).
  // `npm run example` serves plain http and sets EXAMPLE_PLAIN_HTTP (scripts/example-env.mjs):
  // WebKit drops Secure cookies there, even on localhost. Deployed behind HTTPS, it stays unset.
  cookie: {
    name: process.env.SESSION_COOKIE_NAME,
    maxBytes: numberEnv("SESSION_COOKIE_MAX_BYTES"),
    secure: process.env.EXAMPLE_PLAIN_HTTP === "1" ? false : undefined,
  },
  // The /devices page shows each session's browser, and the IP the (trusted) reverse proxy in
  // front of the app reports: here the first X-Forwarded-For entry, which `next start` sets.
  devices: serverSideStore && { ip: (headers) => headers.get("x-forwarded-for")?.split(",")[0]?.trim() },
  // Route Handlers refuse cross-origin writes; tests allow an extra origin through the environment.
  originCheck: process.env.SESSION_ALLOWED_ORIGINS ? { allowedOrigins: process.env.SESSION_ALLOWED_ORIGINS.split(",") } : true,
  // Logged whole, as an app's logger would (errors with their causes): tests check the server
  // log names no session id, digest, user or data value.
  onEvent: (event) => {
    if (process.env.SESSION_LOG_EVENTS) console.log("[session]", event);
  },
});

export const { getSession, proxy } = sessions;

/** Changing the display name needs a login (or a password prompt) within this many seconds. */
export const FRESH_LOGIN_SECONDS = 5 * 60;
