/**
 * Every option of `createSessions`, its default, and the checks that turn a misconfiguration
 * into a `SessionConfigError` at start-up instead of a confusing failure on some later request.
 * When in doubt, the default is the most secure choice.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { SessionConfigError } from "./errors.js";
import type { PasswordMap } from "./codec/iron-rules.js";
import { highestId } from "./codec/rotation.js";
import { DEFAULT_COOKIE_BUDGET, MAX_COOKIE_BUDGET } from "./codec/chunks.js";
import { deviceLabel, type DeviceOptions, type HeaderReader } from "./device.js";
import type { SessionStore } from "./stores/types.js";

/** What `onEvent` receives. Never contains a session id or session data. */
export interface SessionEvent {
  type:
    | "invalid-cookie" // seal or signature did not verify (reason: invalid, expired, unknown-password), or the session cookies exceed cookie.maxBytes (reason: too-large)
    | "expired" // reason: idle or absolute timeout passed
    | "invalid-data" // stored data failed `schema`
    | "invalid-record" // the store holds something this library did not write (a corrupt hash, a foreign seal shape)
    | "unknown-session" // a server-side store has no such id (revoked, expired, never existed)
    | "store-error" // the store failed; the cookie was left untouched
    | "newer-password" // sealed under a password id above every configured one (a newer deployment): left alone
    | "purged" // a dead session's cookie was removed
    | "renewed" // the proxy extended a session
    | "cross-origin-refused"; // the proxy refused a cross-origin write carrying the cookie (reason: method)
  reason?: string;
  error?: unknown;
}

/** Cookie settings. Max-Age is not among them: it follows the session's lifetime. */
export interface CookieOptions {
  /** Default `"session"`. A `__Host-` prefix requires Secure, Path=/ and no Domain. */
  name?: string;
  domain?: string;
  /** Default `"/"`. */
  path?: string;
  /** Default: true unless NODE_ENV is "development" or "test". */
  secure?: boolean;
  /** Default `"lax"`: sent on top-level navigations, not on cross-site subrequests. */
  sameSite?: "lax" | "strict" | "none";
  /** Default true: page scripts never see the session cookie. */
  httpOnly?: boolean;
  /**
   * Default 6144: the most the session's cookies (chunks included) may add to the Cookie header
   * of a request. Every request carries them, and a header a proxy refuses (nginx: 8 KB per
   * header line by default) never reaches the app, so nothing could clear it. Past it `save()`
   * throws `SessionTooLargeError`, and a request arriving with more is purged. At most 14336
   * (Node refuses more than 16 KB of headers in all); raise it only if every proxy in front of
   * the app accepts it. Only the cookie store comes near it: server-side stores send an id.
   */
  maxBytes?: number;
  /**
   * `"private"` (default): the cookie store's content is encrypted. `"signed"`: readable by the
   * client but tamper-proof and cheaper. Server-side stores always send only a signed id.
   */
  contentSecurity?: "private" | "signed";
}

/** When a valid, unchanged session gets a fresh idle deadline. */
export type RenewalOptions =
  | {
      /**
       * Extend on every request, but write at most once per `updateAge` seconds (default: the
       * smaller of one hour and half the idle timeout; at most half the idle timeout). Costs one cookie re-seal (cookie store)
       * or one TTL extension folded into the read (server stores) per `updateAge`.
       */
      policy: "on-every-request";
      updateAge?: number;
    }
  | {
      /** Extend only when the session changed: no writes on reads; idle time counts from saves. */
      policy: "on-state-change";
    };

/** Options of `createSessions<Data>()`. */
export interface SessionOptions<Data extends object = Record<string, unknown>> {
  /** >= 32 characters, or a map `{ 2: "new…", 1: "old…" }` to rotate (newest id seals). */
  password: string | Readonly<Record<number | string, string>>;
  /**
   * The password id that seals cookies and signs ids; default the highest. Two-phase rotation:
   * deploy `{ 2: new, 1: old }` with `sealWith: 1` first (every instance then opens both while
   * still sealing with 1), then drop `sealWith`: no request of a rolling deploy reads as
   * logged out.
   */
  sealWith?: number;
  /** Default `cookieStore()`. */
  store?: SessionStore;
  cookie?: CookieOptions;
  /** `"persistent"` (default): Max-Age = remaining lifetime. `"browser"`: no Max-Age. */
  lifecycle?: "persistent" | "browser";
  /** Seconds without activity before the session ends. Default 7 days. */
  idleTimeout?: number;
  /** Seconds after creation when the session ends whatever happens. Default 30 days. */
  absoluteTimeout?: number;
  /** Default `{ policy: "on-every-request" }`. */
  renewal?: RenewalOptions;
  /** Any Standard Schema validator (zod 4, valibot, arktype) of the session data. */
  schema?: StandardSchemaV1<Data, Data>;
  /** Data field naming the user, for `listSessions`/`revokeSessions`. Default `"userId"`. */
  userKey?: string;
  /** Reports unseal failures, expiries, purges and store errors (no ids, no data). */
  onEvent?: (event: SessionEvent) => void;
  /**
   * Default false. `true`: a plain iron-session cookie sealed with this password opens as a
   * session (cookie store), so an app moving from iron-session keeps its users logged in. Off
   * by default because every `sealData()` token of the app (magic links, invites) would open
   * as a logged-in session too. Seals without an expiry (`ttl: 0`) are refused, and an
   * imported session never outlives its seal nor `absoluteTimeout` counted from the import.
   * While on, cookies are written so iron-session reads them as the same data (metadata under
   * the reserved key `__nsk`): a rollback to the iron-session app logs nobody out.
   */
  migrateFromIronSession?: boolean;
  /**
   * Server-side stores: keep per session what a devices page needs (`listSessions` returns it
   * as `device`). Default false. `true` stores a short browser/OS label ("Firefox on Linux")
   * parsed from the User-Agent at creation; `{ ip }` also the client IP that your function reads
   * from a header your platform sets (never a header a client can forge, unless only shown);
   * `{ label }` replaces the parser (return the raw User-Agent to keep it whole).
   * Privacy cost: the store then holds which browser, and where from, each session was made:
   * personal data under GDPR when an IP is kept; tell your users, as for any access log.
   */
  devices?: boolean | { ip?: (headers: HeaderReader) => string | undefined; label?: (userAgent: string) => string };
  /**
   * Default true: the proxy answers 403, before your handler, to a POST/PUT/PATCH/DELETE that
   * carries the session cookie and comes from another origin (CSRF on Route Handlers; Server
   * Actions are checked by Next). `{ allowedOrigins: ["https://admin.example.com"] }` lets
   * those origins through too; `false` turns the check off (only if you check Origin yourself).
   * Costs nothing measurable: a few header reads, no store call.
   */
  originCheck?: boolean | { allowedOrigins: string[] };
}

/** Validated configuration with every default applied. Times in milliseconds. */
export interface SessionConfig {
  passwords: PasswordMap;
  /** The id of `passwords` that seals and signs. */
  sealWith: string;
  cookieName: string;
  /** `cookie.maxBytes`: the session's budget in the Cookie request header. */
  cookieBudget: number;
  cookie: {
    domain: string | undefined;
    path: string;
    secure: boolean;
    sameSite: "lax" | "strict" | "none";
    httpOnly: boolean;
  };
  contentSecurity: "private" | "signed";
  lifecycle: "persistent" | "browser";
  idleMs: number;
  absoluteMs: number;
  /** `undefined` for on-state-change. */
  updateAgeMs: number | undefined;
  userKey: string;
  schema: StandardSchemaV1 | undefined;
  onEvent: (event: SessionEvent) => void;
  migrateFromIronSession: boolean;
  /** `undefined`: devices off. */
  devices: DeviceOptions | undefined;
  /** `undefined`: no Origin check. */
  originCheck: { allowedOrigins: ReadonlySet<string> } | undefined;
}

const DAY = 24 * 60 * 60;
const OPTION_KEYS = new Set([
  "password", "store", "cookie", "lifecycle", "idleTimeout", "absoluteTimeout",
  "renewal", "schema", "userKey", "onEvent", "migrateFromIronSession", "devices", "originCheck", "sealWith",
]);
const COOKIE_KEYS = new Set(["name", "domain", "path", "secure", "sameSite", "httpOnly", "contentSecurity", "maxBytes"]);
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function fail(message: string, missing = false): never {
  throw new SessionConfigError(`next-session-kit: ${message}`, { missing });
}

/**
 * iron-session's option names, with ours: an app moving over often passes its old options
 * object, and iron-session's 14-day fixed `ttl` must not silently become a 7-day idle timeout.
 */
const IRON_SESSION_OPTIONS: Record<string, string> = {
  ttl: " `ttl` is iron-session's: use `idleTimeout` (seconds without a request, default 7 days) and `absoluteTimeout` (default 30 days); to keep iron-session's 14 days, idleTimeout: 14 * 24 * 60 * 60.",
  cookieName: " `cookieName` is iron-session's: use cookie: { name }.",
  cookieOptions: " `cookieOptions` is iron-session's: use cookie: { secure, httpOnly, sameSite, path, domain }; Max-Age follows the timeouts (`lifecycle: \"browser\"` for none).",
};

function rejectUnknownKeys(given: object, known: Set<string>, where: string, hint = ""): void {
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const iron = where === "" && Object.hasOwn(IRON_SESSION_OPTIONS, key) ? IRON_SESSION_OPTIONS[key] : "";
      fail(`unknown option ${where}${key}. Known options: ${[...known].join(", ")}.${hint}${iron}`);
    }
  }
}

/** True while `next build` evaluates modules, when runtime secrets are often absent. */
export function isBuildPhase(): boolean {
  return globalThis.process?.env?.NEXT_PHASE === "phase-production-build";
}

/** Fewer distinct characters than this in a password means typed or patterned, not random. */
const MIN_DISTINCT_CHARACTERS = 10;

/**
 * Length alone is not strength: the seal format derives its keys with one PBKDF2 iteration, so
 * `"a".repeat(32)` or a repeated word is as weak as a key can get. Random secrets of 32 or
 * more characters have far more than 10 distinct ones.
 */
function checkSecret(secret: unknown, where: string): string {
  const generate = "Generate one with `npx next-session-kit secret` and pass it from an environment variable such as SESSION_PASSWORD.";
  if (typeof secret !== "string" || secret.length < 32) {
    fail(`${where} must be a string of at least 32 characters (got ${typeof secret === "string" ? `${secret.length}` : typeof secret}). ${generate}`);
  }
  const distinct = new Set(secret).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) {
    fail(
      `${where} has too little variety to be a secret (${distinct} distinct character${distinct === 1 ? "" : "s"}; random passwords have far more than ${MIN_DISTINCT_CHARACTERS}). ${generate}`,
    );
  }
  return secret;
}

/** Normalises the password option to iron-session's map form (a string becomes id 1). */
export function resolvePasswords(password: unknown): PasswordMap {
  if (password === undefined || password === null || password === "") {
    fail(
      "the `password` option is missing. Set SESSION_PASSWORD to a random string of at least " +
        "32 characters (`npx next-session-kit secret` prints one) and pass `password: process.env.SESSION_PASSWORD`.",
      true,
    );
  }
  if (typeof password === "string") return { 1: checkSecret(password, "`password`") };
  if (typeof password !== "object") fail("`password` must be a string or a map like { 2: \"new…\", 1: \"old…\" }.");
  const entries = Object.entries(password as Record<string, unknown>);
  if (entries.length === 0) fail("the `password` map is empty: give at least one entry, e.g. { 1: process.env.SESSION_PASSWORD }.");
  const map: Record<string, string> = {};
  for (const [id, secret] of entries) {
    if (!/^[1-9][0-9]{0,8}$/.test(id)) {
      fail(`password map ids must be positive integers (got "${id}"): the highest id seals new cookies, e.g. { 2: "new…", 1: "old…" }.`);
    }
    // `{ 2: process.env.NEW, 1: process.env.OLD }` while `next build` runs: merely missing.
    if (secret === undefined || secret === "") {
      fail(`password ${id} is missing: set the environment variable it is read from to a random string of at least 32 characters (\`npx next-session-kit secret\` prints one).`, true);
    }
    map[id] = checkSecret(secret, `password ${id}`);
  }
  return map;
}

/** The id that seals: `sealWith` when given (it must be in the map), else the highest. */
function resolveSealWith(sealWith: unknown, passwords: PasswordMap): string {
  if (sealWith === undefined) return highestId(passwords);
  if (typeof sealWith !== "number" || !Object.hasOwn(passwords, String(sealWith))) {
    fail(`\`sealWith\` must be one of the password ids (${Object.keys(passwords).join(", ")}); got ${String(sealWith)}. It names the password that seals: e.g. { password: { 2: new, 1: old }, sealWith: 1 } while the new password is being rolled out.`);
  }
  return String(sealWith);
}

function checkSeconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    fail(`\`${name}\` must be a positive whole number of seconds (got ${String(value)}).`);
  }
  return value;
}

function defaultSecure(): boolean {
  const env = globalThis.process?.env?.NODE_ENV;
  return env !== "development" && env !== "test";
}

/** A Path attribute browsers honour: starts with "/", printable ASCII without ";" (RFC 6265). */
function checkPath(path: unknown): void {
  if (typeof path !== "string" || !path.startsWith("/")) fail(`\`cookie.path\` must be a string starting with "/" (got ${JSON.stringify(path)}), such as "/" or "/app".`);
  if (!/^[\x20-\x3A\x3C-\x7E]*$/.test(path)) fail(`\`cookie.path\` ${JSON.stringify(path)} holds a character a cookie path cannot carry (";", control characters or non-ASCII): percent-encode it, e.g. "/caf%C3%A9".`);
}

/** A host name (optionally with a leading dot), as browsers accept in a Domain attribute. */
function checkDomain(domain: unknown): void {
  const label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  if (typeof domain !== "string" || !new RegExp(`^\\.?${label}(?:\\.${label})*$`).test(domain)) {
    fail(`\`cookie.domain\` must be a host name such as "example.com" (got ${JSON.stringify(domain)}): no scheme, port, path, spaces or ";". Leave it out to bind the cookie to the exact host.`);
  }
}

function checkBudget(maxBytes: unknown): number {
  if (maxBytes === undefined) return DEFAULT_COOKIE_BUDGET;
  if (typeof maxBytes !== "number" || !Number.isInteger(maxBytes) || maxBytes < 1024 || maxBytes > MAX_COOKIE_BUDGET) {
    fail(
      `\`cookie.maxBytes\` must be a whole number of bytes from 1024 to ${MAX_COOKIE_BUDGET} (got ${String(maxBytes)}); the default is ${DEFAULT_COOKIE_BUDGET}. ` +
        `Node refuses requests with more than 16 KB of headers, nginx by default one header line over 8 KB.`,
    );
  }
  return maxBytes;
}

function resolveCookie(options: CookieOptions | undefined): Pick<SessionConfig, "cookieName" | "cookie" | "contentSecurity" | "cookieBudget"> {
  const given = options ?? {};
  if (typeof given !== "object") fail("`cookie` must be an object such as { name: \"session\" }.");
  rejectUnknownKeys(
    given,
    COOKIE_KEYS,
    "cookie.",
    " Max-Age and Expires follow the session: set `idleTimeout`/`absoluteTimeout`, and `lifecycle: \"browser\"` for a cookie without Max-Age.",
  );
  const name = given.name ?? "session";
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) {
    fail(`cookie name ${JSON.stringify(name)} is not a valid cookie name: use letters, digits and !#$%&'*+-.^_\`|~ only (no spaces, "=", ";" or ",").`);
  }
  const cookie = {
    domain: given.domain,
    path: given.path ?? "/",
    secure: given.secure ?? defaultSecure(),
    sameSite: given.sameSite ?? "lax",
    httpOnly: given.httpOnly ?? true,
  };
  if (!["lax", "strict", "none"].includes(cookie.sameSite)) fail("`cookie.sameSite` must be \"lax\", \"strict\" or \"none\".");
  if (cookie.sameSite === "none" && !cookie.secure) fail("`cookie.sameSite: \"none\"` requires `secure: true`: browsers drop such cookies otherwise.");
  checkPath(cookie.path);
  if (cookie.domain !== undefined) checkDomain(cookie.domain);
  // Browsers match the prefixes case-insensitively (RFC 6265bis): `__host-` binds like `__Host-`.
  if (/^__host-/i.test(name)) {
    if (!cookie.secure) fail("a `__Host-` cookie requires `secure: true` (browsers refuse it otherwise). Outside HTTPS development, drop the prefix or set secure.");
    if (cookie.path !== "/") fail("a `__Host-` cookie requires `path: \"/\"`.");
    if (cookie.domain !== undefined) fail("a `__Host-` cookie must not set `domain`: it is bound to the exact host.");
  }
  if (/^__secure-/i.test(name) && !cookie.secure) fail("a `__Secure-` cookie requires `secure: true`.");
  const contentSecurity = given.contentSecurity ?? "private";
  if (contentSecurity !== "private" && contentSecurity !== "signed") fail("`cookie.contentSecurity` must be \"private\" or \"signed\".");
  return { cookieName: name, cookie, contentSecurity, cookieBudget: checkBudget(given.maxBytes) };
}

function resolveRenewal(renewal: RenewalOptions | undefined, idle: number): number | undefined {
  const given = renewal ?? { policy: "on-every-request" as const };
  if (given.policy === "on-state-change") {
    rejectUnknownKeys(given, new Set(["policy"]), "renewal.");
    return undefined;
  }
  if (given.policy !== "on-every-request") fail("`renewal.policy` must be \"on-every-request\" or \"on-state-change\".");
  rejectUnknownKeys(given, new Set(["policy", "updateAge"]), "renewal.");
  const updateAge = checkSeconds(given.updateAge, "renewal.updateAge", Math.max(1, Math.min(3600, Math.floor(idle / 2))));
  // A session renewed at t is not renewed again before t + updateAge, yet still dies at t + idle:
  // a user whose last request came just before t + updateAge gets only idle - updateAge of
  // inactivity. At most half keeps that at least half the configured idle timeout.
  if (updateAge * 2 > idle) {
    fail(`\`renewal.updateAge\` (${updateAge}s) must be at most half of \`idleTimeout\` (${idle}s): a longer one shrinks the idle timeout a user actually gets to idleTimeout - updateAge. Use updateAge: ${Math.floor(idle / 2)} or less, or a longer idleTimeout.`);
  }
  return updateAge * 1000;
}

function checkSchema(schema: unknown): StandardSchemaV1 | undefined {
  if (schema === undefined) return undefined;
  const std = (schema as Partial<StandardSchemaV1> | null)?.["~standard"];
  if (!std || typeof std.validate !== "function") {
    fail("`schema` must be a Standard Schema validator (zod 4, valibot, arktype…): an object with a `~standard.validate` function.");
  }
  return schema as StandardSchemaV1;
}

function resolveDevices(devices: SessionOptions["devices"]): DeviceOptions | undefined {
  if (devices === undefined || devices === false) return undefined;
  if (devices === true) return { label: deviceLabel, ip: undefined };
  if (typeof devices !== "object" || devices === null) fail("`devices` must be true, false, or { ip?: (headers) => string, label?: (userAgent) => string }.");
  rejectUnknownKeys(devices, new Set(["ip", "label"]), "devices.");
  for (const key of ["ip", "label"] as const) {
    if (devices[key] !== undefined && typeof devices[key] !== "function") fail(`\`devices.${key}\` must be a function, such as (headers) => headers.get("x-real-ip") ?? undefined.`);
  }
  return { label: devices.label ?? deviceLabel, ip: devices.ip };
}

function resolveOriginCheck(check: SessionOptions["originCheck"]): SessionConfig["originCheck"] {
  if (check === false) return undefined;
  if (check === undefined || check === true) return { allowedOrigins: new Set() };
  const hint = 'Use true, false, or { allowedOrigins: ["https://admin.example.com"] }.';
  if (typeof check !== "object" || check === null || !Array.isArray(check.allowedOrigins)) fail(`\`originCheck\` must be a boolean or an object with an \`allowedOrigins\` array. ${hint}`);
  rejectUnknownKeys(check, new Set(["allowedOrigins"]), "originCheck.");
  for (const origin of check.allowedOrigins) {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {}
    if (typeof origin !== "string" || parsed !== origin) {
      fail(`\`originCheck.allowedOrigins\` holds ${JSON.stringify(origin)}, which is not an origin: write scheme, host and port only, such as "https://admin.example.com" (no path, no trailing slash).`);
    }
  }
  return { allowedOrigins: new Set(check.allowedOrigins) };
}

/** Validates options and applies defaults; throws `SessionConfigError` naming the fix. */
export function resolveConfig(options: SessionOptions<never>): SessionConfig {
  if (!options || typeof options !== "object") fail("createSessions() needs an options object with at least `password`.");
  rejectUnknownKeys(options, OPTION_KEYS, "");
  const lifecycle = options.lifecycle ?? "persistent";
  if (lifecycle !== "persistent" && lifecycle !== "browser") fail("`lifecycle` must be \"persistent\" or \"browser\".");
  const idle = checkSeconds(options.idleTimeout, "idleTimeout", 7 * DAY);
  const absolute = checkSeconds(options.absoluteTimeout, "absoluteTimeout", Math.max(30 * DAY, idle));
  if (absolute < idle) fail(`\`absoluteTimeout\` (${absolute}s) must be at least \`idleTimeout\` (${idle}s).`);
  const userKey = options.userKey ?? "userId";
  if (typeof userKey !== "string" || userKey === "") fail("`userKey` must be a non-empty string naming a data field.");
  if (options.onEvent !== undefined && typeof options.onEvent !== "function") fail("`onEvent` must be a function.");
  const migrate = options.migrateFromIronSession ?? false;
  if (typeof migrate !== "boolean") fail("`migrateFromIronSession` must be true or false.");
  const passwords = resolvePasswords(options.password);
  return {
    passwords,
    sealWith: resolveSealWith(options.sealWith, passwords),
    ...resolveCookie(options.cookie),
    lifecycle,
    idleMs: idle * 1000,
    absoluteMs: absolute * 1000,
    updateAgeMs: resolveRenewal(options.renewal, idle),
    userKey,
    schema: checkSchema(options.schema),
    onEvent: options.onEvent ?? (() => {}),
    migrateFromIronSession: migrate,
    devices: resolveDevices(options.devices),
    originCheck: resolveOriginCheck(options.originCheck),
  };
}
