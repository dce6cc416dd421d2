/**
 * Hostile cookies (issue 7, item 1), property-based: over 10,000 generated requests per run,
 * each sent four ways: through the engine (`open` + `purge`, the path `getSession()` and the
 * proxy share) and through the real proxy function with a `NextRequest`, on the cookie store
 * and on a server-side store whose every call is recorded.
 *
 * What a case must open is decided outside the library: for seals, iron-session's own
 * `unsealData` (the format's reference); for signed ids, an independent HMAC (kit.ts
 * `forgeToken`) that accepts only the exact token the app would send. Everything else must
 * give an empty session, never throw, purge what was sent, and reach no store method.
 *
 * Fixed seed, FC_SEED overrides it; on failure fast-check prints the seed and the shrunk case.
 */
import { parseSetCookie } from "cookie";
import fc from "fast-check";
import { unsealData } from "iron-session";
import { NextRequest, NextResponse } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_COOKIE_BUDGET, MAX_CHUNKS, MAX_COOKIE_BUDGET, readValue } from "../../src/codec/chunks.js";
import type { CookieJar } from "../../src/cookie-jar.js";
import type { SessionEngine } from "../../src/engine.js";
import { proxyFactory } from "../../src/next/proxy.js";
import type { Session } from "../../src/session.js";
import { memoryStore } from "../../src/stores/memory.js";
import type { SessionStore } from "../../src/stores/types.js";
import { TestJar } from "../unit/jar.js";
import { forgeToken, INHERITED_IDS, OTHER_PASSWORD, PASSWORD, setup } from "../unit/kit.js";

const SEED = Number(process.env.FC_SEED ?? 0x5ec_0007);
/** Runs per property below; six properties make 10,200 generated requests. */
const RUNS = 1_700;
const NAME = "session";
const FLASH = `${NAME}.flash`;
const ORIGIN = "http://localhost:3000";
/** Every cookie name the library may read or write: the session, its chunks, the flash. */
const OWN_NAMES = new Set([NAME, FLASH, ...Array.from({ length: MAX_CHUNKS }, (_, i) => `${NAME}.${i}`)]);

type Pair = [name: string, value: string];
type Call = { method: string; key: unknown };
interface Request {
  path: string;
  method: string;
  headers: Record<string, string>;
}
const REQUESTS: Request[] = [
  { path: "/", method: "GET", headers: {} },
  { path: "/dashboard", method: "GET", headers: {} },
  { path: "/cart", method: "POST", headers: {} },
  { path: "/dashboard", method: "GET", headers: { "sec-purpose": "prefetch" } },
];

/** A spy, not a fake: the real memoryStore() behind a Proxy that records every method call with its first argument. */
function recordingStore(): { store: SessionStore; calls: Call[] } {
  const calls: Call[] = [];
  const store = new Proxy(memoryStore(), {
    get(target, property) {
      const member: unknown = Reflect.get(target, property);
      if (typeof member !== "function") return member;
      return (...args: unknown[]) => {
        calls.push({ method: String(property), key: args[0] });
        return member.apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** A TestJar that also records which cookie names the engine asked for. */
class ReadJar extends TestJar {
  readonly reads = new Set<string>();
  override get(name: string): string | undefined {
    this.reads.add(name);
    return super.get(name);
  }
}

/** The cookies the proxy will see (Next's parse of the header), before it changes them. */
const requestCookies = (request: NextRequest) => new TestJar(new Map(request.cookies.getAll().map(({ name, value }) => [name, value])));

/** What iron-session, the reference, makes of a seal: true when it opens to a session. */
async function ironOpens(seal: string): Promise<boolean> {
  let failed = false;
  const value = await unsealData<Record<string, unknown>>(seal, { password: { 1: PASSWORD }, onUnsealError: () => (failed = true) });
  return !failed && Object.keys(value).length > 0;
}

/** True only for the exact `<payload>.1.<mac>` token this app's password signs. */
async function authentic(token: string): Promise<boolean> {
  const [payload, id, mac, extra] = token.split(".");
  return extra === undefined && id === "1" && !!payload && !!mac && (await forgeToken(payload, "1", PASSWORD)) === token;
}

/**
 * A request can carry no CR, LF or NUL in a header (HTTP parsers end the line there or answer
 * 400), and Node hands header bytes over as latin1: what a Cookie header becomes on arrival.
 */
function wire(header: string): string {
  const cut = header.split(/[\r\n\0]/, 1)[0]!;
  return /[^\x00-\xff]/.test(cut) ? Buffer.from(cut, "utf8").toString("latin1") : cut;
}

/** One app under test: its engine, its proxy (recording the session it hands the handler), its oracle. */
interface App {
  name: string;
  engine: SessionEngine;
  proxy: (request: NextRequest) => Promise<Response>;
  seen: { session?: Session };
  /** Whether the value, as the library receives it, must open a live session. */
  opens(value: string | undefined): Promise<boolean>;
  /** Store calls so far (empty for the cookie store, which reaches nothing but its codec). */
  calls: Call[];
}

function app(name: string, engine: SessionEngine, opens: App["opens"], calls: Call[] = []): App {
  const seen: App["seen"] = {};
  // app-example's guard: logged-out visitors of /dashboard go to /login.
  const proxy = proxyFactory(() => engine)((request, session) => {
    seen.session = session;
    if (!session.get("userId") && request.nextUrl.pathname === "/dashboard") return NextResponse.redirect(new URL("/login", request.url));
  });
  return { name, engine, proxy, seen, opens, calls };
}

/** Outcomes per kind of case (each case counts once per path: 2 stores x engine and proxy). */
const stats = { cases: 0, storeCallsOnAuthenticForeignIds: 0, byKind: {} as Record<string, { hostile: number; opened: number }> };
let kind = "control";
const tally = (opened: boolean) => (stats.byKind[kind] ??= { hostile: 0, opened: 0 })[opened ? "opened" : "hostile"]++;

/**
 * A session that must not open is empty, and the purge removes exactly the cookies it was read
 * from plus a pending flash cookie (nothing else, nothing when no session cookie was sent).
 */
function expectPurged(session: Session, writes: Array<[string, string | undefined, number | undefined]>, jar: CookieJar): void {
  const { value, names } = readValue(jar, NAME, DEFAULT_COOKIE_BUDGET);
  const removed = value === undefined ? [] : [...names, ...(jar.get(FLASH) ? [FLASH] : [])];
  expect(session.isNew).toBe(true);
  expect(session.data).toEqual({});
  expect([...writes].sort()).toEqual(removed.map((name) => [name, "", 0]).sort());
}

/** No store call unless the value was a token this app signed; then only with its payload. */
async function expectNoUnauthenticatedStoreCall(app: App, from: number, value: string | undefined, opens: boolean): Promise<void> {
  const calls = app.calls.slice(from);
  if (calls.length === 0) return;
  expect({ app: app.name, value, calls, authentic: await authentic(value ?? "") }).toMatchObject({ authentic: true });
  expect(calls.every(({ key }) => key === value!.split(".")[0])).toBe(true);
  if (!opens) stats.storeCallsOnAuthenticForeignIds++;
}

/**
 * A cookie naming a password id above the apps' (1) comes from a newer deployment: left alone,
 * read as an unavailable session (issue 10 item 2). Either format: an `Fe26.2` seal's id field,
 * or the middle of a `<payload>.<id>.<mac>` token.
 */
function fromNewerDeployment(value: string | undefined): boolean {
  if (value === undefined) return false;
  const fields = value.split("~")[0]!.split("*");
  const id = fields.length === 8 ? (fields[0] === "Fe26.2" ? fields[1] : undefined) : /^[^.]+\.([^.]*)\.[^.]+$/.exec(value)?.[1];
  return id !== undefined && /^[1-9][0-9]{0,8}$/.test(id) && Number(id) > 1;
}

/** Left alone: an empty, unavailable session and no cookie written. */
function expectLeftAlone(session: Session, writes: unknown[]): void {
  expect(session).toMatchObject({ isNew: true, unavailable: true, data: {} });
  expect(writes).toEqual([]);
}

async function throughEngine(app: App, pairs: Pair[]): Promise<void> {
  const jar = new ReadJar(new Map(pairs));
  const sent = new TestJar(new Map(pairs));
  const { value, tooLarge } = readValue(sent, NAME, DEFAULT_COOKIE_BUDGET);
  const opens = !tooLarge && (await app.opens(value));
  const from = app.calls.length;
  const opened = await app.engine.open(jar, { writable: true, renew: true });
  await opened.purge();
  expect([...jar.reads].filter((name) => !OWN_NAMES.has(name))).toEqual([]);
  expect(jar.writes.filter(({ name }) => !OWN_NAMES.has(name))).toEqual([]);
  // Over the apps' Cookie header budget (the default): purged whatever it holds (issue 10 item 4).
  const newer = !opens && !tooLarge && fromNewerDeployment(value);
  expect(opened.stale).toBe(value !== undefined && !opens && !newer);
  if (opens) expect(opened.session.isNew).toBe(false);
  else if (newer) expectLeftAlone(opened.session, jar.writes);
  else expectPurged(opened.session, jar.writes.map((w) => [w.name, w.value, w.attributes.maxAge]), sent);
  await expectNoUnauthenticatedStoreCall(app, from, value, opens);
  tally(opens);
}

async function throughProxy(app: App, pairs: Pair[], { path, method, headers }: Request): Promise<void> {
  const cookie = wire(pairs.map(([name, value]) => `${name}=${value}`).join("; "));
  const request = new NextRequest(new URL(path, ORIGIN), { method, headers: { ...headers, cookie } });
  const sent = requestCookies(request);
  const { value, tooLarge } = readValue(sent, NAME, DEFAULT_COOKIE_BUDGET);
  const opens = !tooLarge && (await app.opens(value));
  const from = app.calls.length;
  app.seen.session = undefined;
  const response = await app.proxy(request);
  expect(response.status).toBe(!opens && path === "/dashboard" ? 307 : 200);
  const cookies = response.headers.getSetCookie().map((line) => parseSetCookie(line));
  expect(cookies.filter(({ name }) => !OWN_NAMES.has(name))).toEqual([]);
  if (cookies.length > 0) expect(response.headers.get("cache-control")).toBe("private, no-store");
  if (opens) expect(app.seen.session!.isNew).toBe(false);
  else if (!tooLarge && fromNewerDeployment(value)) expectLeftAlone(app.seen.session!, cookies);
  else expectPurged(app.seen.session!, cookies.map((c) => [c.name, c.value, c.maxAge]), sent);
  await expectNoUnauthenticatedStoreCall(app, from, value, opens);
  tally(opens);
}

// ---- fixtures: real cookies to mutate, foreign ones to replay ---------------------------------

let apps: App[];
const real = { seal: "", chunks: [] as string[], signedId: "", id: "" };
let foreign: string[];
let forgedIds: string[];

/** The session cookie an app configured with `options` sets for `data`. */
async function sealed(options: Parameters<typeof setup>[0], data: Record<string, unknown>, name = NAME): Promise<string> {
  return readValue(await setup(options).seed(data), name, MAX_COOKIE_BUDGET).value!;
}

beforeAll(async () => {
  const cookieApp = setup({});
  const recorded = recordingStore();
  const serverApp = setup({ store: recorded.store });
  const user = { userId: "ada", cart: ["tea"] };
  real.seal = (await cookieApp.seed(user)).get(NAME)!;
  const chunked = await cookieApp.seed({ ...user, notes: "n".repeat(3_500) }); // two chunks, within the default budget
  real.chunks = readValue(chunked, NAME, MAX_COOKIE_BUDGET).names.map((name) => chunked.get(name)!);
  expect(real.chunks.length).toBe(2);
  real.signedId = (await serverApp.seed(user)).get(NAME)!;
  real.id = real.signedId.split(".")[0]!;
  const otherServerId = await sealed({ password: OTHER_PASSWORD, store: memoryStore() }, user); // its id lives in the same process store
  foreign = [
    await sealed({ password: OTHER_PASSWORD }, user), // another password
    await sealed({ password: OTHER_PASSWORD, cookie: { name: "app2" } }, user, "app2"), // another app
    await sealed({ password: PASSWORD, cookie: { contentSecurity: "signed" } }, user), // another format, same password
    await sealed({ password: { 7: OTHER_PASSWORD } }, user), // an unknown password id
    otherServerId,
  ];
  forgedIds = [
    otherServerId,
    await forgeToken(real.id, "1", OTHER_PASSWORD), // a live id, signed with the wrong key
    await forgeToken(real.id, "2", PASSWORD), // the right secret under an id the app does not have
    ...(await Promise.all(INHERITED_IDS.map(({ id, secret }) => forgeToken(real.id, id, secret)))),
  ];
  recorded.calls.length = 0;
  apps = [
    app("cookie store", cookieApp.engine, async (value) => value !== undefined && (await ironOpens(value))),
    app("server-side store", serverApp.engine, async (value) => value !== undefined && value.split(".")[0] === real.id && (await authentic(value)), recorded.calls),
  ];
});

afterAll(() => {
  console.log(`hostile cookies: ${stats.cases} generated requests x 4 paths, seed ${SEED}`);
  console.table(stats.byKind);
  console.log(`store calls with a validly signed id this app never minted (another app's "signed" cookie): ${stats.storeCallsOnAuthenticForeignIds}`);
});

// ---- arbitraries --------------------------------------------------------------------------------

const B64 = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"];
const b64 = (maxLength: number) => fc.string({ unit: fc.constantFrom(...B64), maxLength });
/** Random bytes and strings: any code point, grapheme clusters, raw bytes as latin1, base64url. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => String.fromCharCode(...bytes)),
  b64(200),
);
const PASSWORD_IDS = ["", "0", "2", "7", "01", "1 ", "-1", "1e0", "default", ...INHERITED_IDS.map(({ id }) => id)];

/** Edits of a real token split on `separator`: truncated, fields re-ordered, dropped, repeated or replaced, one character changed, text spliced in. */
function mutated(token: string, separator: string): fc.Arbitrary<string> {
  const fields = token.split(separator);
  const at = fc.nat({ max: fields.length - 1 });
  const pos = fc.nat({ max: token.length - 1 });
  const join = (parts: string[]) => parts.join(separator);
  return fc.oneof(
    pos.map((end) => token.slice(0, end)),
    fc.tuple(at, at).map(([i, j]) => join(fields.with(i, fields[j]!).with(j, fields[i]!))),
    fc.shuffledSubarray(fields, { minLength: 1 }).map(join),
    at.map((i) => join(fields.toSpliced(i, 1))),
    at.map((i) => join(fields.toSpliced(i, 0, fields[i]!))),
    fc.tuple(at, fc.oneof(b64(64), fc.constantFrom(...PASSWORD_IDS))).map(([i, field]) => join(fields.with(i, field))),
    fc.tuple(pos, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })).map(([p, c]) => token.slice(0, p) + c + token.slice(p + 1)),
    fc.tuple(pos, text).map(([p, inserted]) => token.slice(0, p) + inserted + token.slice(p)),
  );
}

/** A value sent as the session cookie, as its first chunk, or as the flash cookie. */
const placed = (value: fc.Arbitrary<string>): fc.Arbitrary<Pair[]> =>
  fc.tuple(fc.constantFrom(NAME, `${NAME}.0`, FLASH), value).map(([name, v]) => [[name, v]]);
/** Values as chunk cookies `session.0` … `session.<n-1>`. */
const asChunks = (values: string[]): Pair[] => values.map((value, i) => [`${NAME}.${i}`, value]);
/** Other cookies a browser sends along (some of them look like the session's). */
const noise = fc.array(fc.tuple(fc.constantFrom("theme", "csrf", "app2", "SESSION", "session_", "__Host-session"), text), { maxLength: 3 });

/** Injections: `;` and `,` to smuggle a second cookie, quotes, CRLF to split the header, NUL. */
const INJECTIONS: Array<(token: string, extra: string) => string> = [
  (token, extra) => `${token}; ${NAME}=${extra}`,
  (token, extra) => `${extra}; ${NAME}=${token}`,
  (token) => `"${token}"`,
  (token) => `${token}"`,
  (token, extra) => `${token},${NAME}=${extra}`,
  (token) => `${token}\r\nSet-Cookie: ${NAME}=evil; Max-Age=999999`,
  (token, extra) => `${extra}\r\n${NAME}=${token}`,
  (token) => `${token}\0`,
  (token, extra) => `${token}${extra}`,
  (token) => encodeURIComponent(token),
  (token) => ` ${token} `,
];

// One property per kind of hostility; each case runs both stores, engine and proxy.
const kinds: Array<[string, () => fc.Arbitrary<Pair[]>]> = [
  ["random bytes and strings, any code point", () => placed(text)],
  [
    "truncated, re-ordered and edited seals (whole and chunked)",
    () => fc.oneof(placed(mutated(real.seal, "*")), mutated(real.chunks.join(""), "*").map((v) => asChunks([v])), fc.shuffledSubarray(real.chunks).map(asChunks)),
  ],
  ["seals from another password, another app, another format, an unknown password id", () => placed(fc.oneof(fc.constantFrom(...foreign), ...foreign.map((v) => mutated(v, "*"))))],
  [
    "forged server-side ids: random tokens, edits of a real signed id, wrong keys",
    () => placed(fc.oneof(fc.tuple(b64(60), fc.constantFrom("1", ...PASSWORD_IDS), b64(60)).map((parts) => parts.join(".")), mutated(real.signedId, "."), fc.constantFrom(...forgedIds))),
  ],
  [
    "oversized values (up to 20 KB) and dozens of chunk cookies (session.0 … session.40)",
    () =>
      fc.oneof(
        placed(fc.tuple(fc.oneof(text, fc.constantFrom(real.seal, real.signedId)), fc.integer({ min: 4_097, max: 20_480 })).map(([unit, size]) => `x${unit}`.repeat(Math.ceil(size / (unit.length + 1))).slice(0, size))),
        fc.array(fc.oneof(text, fc.constantFrom(...real.chunks, "")), { minLength: 5, maxLength: 41 }).map(asChunks),
        fc.tuple(fc.constantFrom(real.seal, real.signedId), fc.array(text, { minLength: 5, maxLength: 41 })).map(([whole, parts]): Pair[] => [[NAME, whole.slice(0, -3)], ...asChunks(parts)]),
      ),
  ],
  [
    "non-ASCII, and ; , CRLF, quote and NUL injections around real cookies",
    () => placed(fc.tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(real.seal, real.signedId, ...real.chunks), fc.oneof(text, fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }))).map(([inject, token, extra]) => inject(token, extra))),
  ],
];

describe("hostile cookies never open a session, never throw, purge, and reach no store", () => {
  // Each test counts only its own cases (stats.byKind[name]), so none depends on another's run.
  for (const [name, arbitrary] of kinds) {
    it(name, async () => {
      kind = name;
      const before = stats.cases;
      const cases = fc.record({ main: arbitrary(), extra: noise, request: fc.constantFrom(...REQUESTS) });
      await fc.assert(
        fc.asyncProperty(cases, async ({ main, extra, request }) => {
          stats.cases++;
          const pairs = [...extra, ...main];
          for (const target of apps) {
            await throughEngine(target, pairs);
            await throughProxy(target, pairs, request);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(stats.cases - before).toBe(RUNS);
      // Nearly all of them hostile: the generator does not drift into valid cookies.
      const { hostile, opened } = stats.byKind[name]!;
      expect(hostile).toBeGreaterThan(9 * opened);
    });
  }

  it("the kinds together generate >= 10,000 requests", () => {
    expect(kinds.length * RUNS).toBeGreaterThanOrEqual(10_000);
  });
});

describe("controls: the checks above can fail", () => {
  it("a real cookie opens on both stores, through the engine and the proxy, and the store sees its id", async () => {
    const [cookieApp, serverApp] = apps as [App, App];
    const from = serverApp.calls.length;
    for (const [target, value] of [[cookieApp, real.seal], [serverApp, real.signedId]] as const) {
      const jar = new TestJar({ [NAME]: value });
      const { session, stale } = await target.engine.open(jar, { writable: true, renew: true });
      expect({ isNew: session.isNew, stale, userId: session.get("userId") }).toEqual({ isNew: false, stale: false, userId: "ada" });
      const response = await target.proxy(new NextRequest(new URL("/dashboard", ORIGIN), { headers: { cookie: `${NAME}=${value}` } }));
      expect(response.status).toBe(200);
      expect(target.seen.session!.get("userId")).toBe("ada");
    }
    expect(serverApp.calls.slice(from)).toEqual([
      { method: "load", key: real.id },
      { method: "load", key: real.id },
    ]);
    // The chunked seal opens from its chunks in order.
    expect(real.chunks.length).toBeGreaterThan(1);
    const chunked = await cookieApp.engine.open(new TestJar(new Map(asChunks(real.chunks))), { writable: true, renew: false });
    expect(chunked.session.get("userId")).toBe("ada");
  });

  it("the oracles agree with the library on the real cookies and reject a one-bit change", async () => {
    expect(await ironOpens(real.seal)).toBe(true);
    expect(await authentic(real.signedId)).toBe(true);
    const flipped = real.signedId.slice(0, 10) + (real.signedId[10] === "A" ? "B" : "A") + real.signedId.slice(11);
    expect(await authentic(flipped)).toBe(false);
  });
});

describe("one spelling per signed id", () => {
  // `atob` ignores the 2 unused low bits of the last character of a 32-byte MAC, so without
  // base64urlToBytes' canonical check every signed id would have 4 accepted spellings: a
  // re-spelled stolen cookie would slip past any denylist or WAF rule keyed by the cookie
  // string, and a token the app never sent would reach the store.
  it("a signed id whose MAC is re-spelled (same bytes, other last character) opens nothing and reaches no store", async () => {
    const serverApp = apps[1]!;
    const mac = real.signedId.split(".")[2]!;
    const respelled = B64.map((c) => real.signedId.slice(0, -1) + c).filter(
      (token) => token !== real.signedId && Buffer.from(token.split(".")[2]!, "base64url").equals(Buffer.from(mac, "base64url")),
    );
    expect(respelled).toHaveLength(3);
    for (const token of respelled) {
      const from = serverApp.calls.length;
      const { session } = await serverApp.engine.open(new TestJar({ [NAME]: token }), { writable: true, renew: true });
      expect({ token, isNew: session.isNew, storeCalls: serverApp.calls.slice(from) }).toEqual({ token, isNew: true, storeCalls: [] });
    }
  });
});
