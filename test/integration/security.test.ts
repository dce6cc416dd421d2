// Security properties of app-example end to end (issue 7 item 5), on real `next start` servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import { startKvBackend, type KvBackend } from "../support/kv-backend.js";
import { startApp, TEST_PASSWORD, type RunningApp } from "../support/next-app.js";
import { dumpKeys } from "../support/redis.js";
import { signer } from "../../src/codec/signer.js";
import { atRestNames } from "../../src/codec/session-id.js";
import { handleOf } from "../support/names.js";

const NEW_PASSWORD = "a-brand-new-password-that-is-32-chars-or-more";
const login = (client: HttpClient, username = "ada", password = "lovelace") => client.submit("/login", { username, password });
/** The id a server-side session cookie carries (`<id>.<passwordId>.<mac>`). */
const idOf = (cookie: string) => cookie.split(".")[0]!;

describe("on the KV store", () => {
  let kv: KvBackend;
  let app: RunningApp;
  beforeAll(async () => {
    kv = await startKvBackend();
    app = await startApp({ ...kv.env, SESSION_LOG_EVENTS: "1" });
  });
  afterAll(async () => {
    await app?.stop();
    await kv?.stop();
  });

  it("session fixation: a pre-login id is replaced at login and dies", async () => {
    const client = new HttpClient(app.url);
    await client.submit("/cart", { item: "pre-login" }, 'name="item"');
    const before = client.cookies.get("session")!;
    await login(client);
    const after = client.cookies.get("session")!;
    expect(idOf(after)).not.toBe(idOf(before));
    const attacker = new HttpClient(app.url);
    attacker.cookies.set("session", before);
    const replay = await attacker.request("/api/me");
    expect(replay.status).toBe(401);
    expect(replay.setCookies.find((c) => c.name === "session")?.maxAge).toBe(0);
  });

  it("an unknown id, validly signed, is never adopted: a new id is minted and none is stored for it", async () => {
    // What a fixation attacker plants: a well-formed id with a valid MAC (as if signed by the
    // app), which the store has never issued. Its MAC passes; the store lookup must reject it.
    const planted = atRestNames({ 1: TEST_PASSWORD }, "session").newId();
    const attacker = new HttpClient(app.url);
    attacker.cookies.set("session", await signer({ 1: TEST_PASSWORD }, "session-id", "session").sign(planted));
    const page = await attacker.request("/cart");
    expect(page.status).toBe(200);
    expect(page.setCookies.find((c) => c.name === "session")).toMatchObject({ value: "", maxAge: 0 });
    await attacker.submit("/cart", { item: "x" }, 'name="item"');
    const minted = idOf(attacker.cookies.get("session")!);
    expect(minted).not.toBe(planted);
    const atRest = (await scanAll(kv)).join("\n");
    expect(atRest).toContain(await handleOf(minted, TEST_PASSWORD)); // the scan sees stored sessions
    expect(atRest).not.toContain(await handleOf(planted, TEST_PASSWORD));
    expect(atRest).not.toContain(planted);
  });

  it("ids carry 256 random bits and only their keyed digest is at rest", async () => {
    const client = new HttpClient(app.url);
    await login(client);
    await client.submit("/cart", { item: "tea" }, 'name="item"');
    const id = idOf(client.cookies.get("session")!);
    // An id is `<password id>~<random part>` (the tag keeps its digest stable through rotation).
    const [tag, random] = id.split("~");
    expect(tag).toMatch(/^[1-9][0-9]*$/);
    expect(Buffer.from(random!, "base64url").length * 8).toBe(256);
    const atRest = (await scanAll(kv)).join("\n");
    expect(atRest).toContain(await handleOf(id, TEST_PASSWORD));
    expect(atRest).toContain("tea"); // values are read as text: a raw id would show
    expect(atRest).not.toContain(id);
    expect(atRest).not.toContain('"ada"'); // the user id (JSON) is kept encrypted, not in clear
  });

  it("a revoked session is rejected on its very next request", async () => {
    const laptop = new HttpClient(app.url);
    const phone = new HttpClient(app.url);
    await login(laptop);
    await login(phone);
    expect((await phone.get("/api/me")).status).toBe(200);
    await laptop.submit("/devices", {}, "Log out all other devices");
    const next = await phone.request("/api/me");
    expect(next.status).toBe(401);
    expect(next.setCookies.find((c) => c.name === "session")?.maxAge).toBe(0);
    expect((await laptop.get("/api/me")).status).toBe(200);
  });

  it("logs carry no session ids, cookies or session data", async () => {
    const intruder = new HttpClient(app.url);
    intruder.cookies.set("session", "forged.1.AAAA");
    await intruder.request("/api/me"); // logs an invalid-cookie event
    const client = new HttpClient(app.url);
    await login(client);
    await client.submit("/cart", { item: "secret-item-4711" }, 'name="item"');
    await client.get("/dashboard");
    const logs = app.logs();
    expect(logs).toContain("[session]"); // events were logged at all
    for (const value of client.cookies.values()) expect(logs).not.toContain(value.slice(0, 20));
    expect(logs).not.toContain(idOf(client.cookies.get("session")!));
    expect(logs).not.toContain("secret-item-4711");
    expect(logs).not.toContain("lovelace");
  });
});

/** Every key and value under the run's prefix, as text. */
async function scanAll(kv: KvBackend): Promise<string[]> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(kv.redis.url);
  try {
    return await dumpKeys(redis, kv.redis.prefix);
  } finally {
    redis.disconnect();
  }
}

describe("cookie attributes and caching", () => {
  // no-store forbids every cache, shared or private, from storing the response. The proxy sends
  // `private, no-store`; Next sends `no-cache, no-store` on Server Action responses itself.
  it("every response that sets the session cookie is not stored by any cache", async () => {
    const app = await startApp();
    try {
      const client = new HttpClient(app.url);
      const seen: Exchange[] = [];
      seen.push(await login(client));
      seen.push(await client.submit("/cart", { item: "tea" }, 'name="item"'));
      seen.push(await client.submit("/dashboard", {}, "Log out"));
      const bad = new HttpClient(app.url);
      bad.cookies.set("session", "tampered");
      const purge = await bad.request("/");
      seen.push(purge);
      const setting = seen.filter((exchange) => exchange.setCookies.some((c) => c.name === "session"));
      expect(setting.length).toBe(seen.length);
      for (const exchange of setting) expect(exchange.headers.get("cache-control")).toMatch(/no-store/);
      expect(purge.headers.get("cache-control")).toMatch(/private/);
    } finally {
      await app.stop();
    }
  });

  it("a __Host- cookie works end to end", async () => {
    const app = await startApp({ SESSION_COOKIE_NAME: "__Host-session" });
    try {
      const client = new HttpClient(app.url);
      const response = await login(client);
      const cookie = response.setCookies.find((c) => c.name === "__Host-session");
      expect(cookie).toMatchObject({ secure: true, path: "/", httpOnly: true, sameSite: "lax" });
      expect(cookie?.domain).toBeUndefined();
      expect(testId((await client.get("/dashboard")).body, "user")).toBe("Ada Lovelace");
    } finally {
      await app.stop();
    }
  });
});

describe("password rotation", () => {
  it("old cookies keep working and are re-sealed under the new id; removed passwords are rejected", async () => {
    let client: HttpClient;
    const timeouts = { SESSION_UPDATE_AGE: "1", SESSION_IDLE_TIMEOUT: "60" };
    const withOld = await startApp(timeouts);
    try {
      client = new HttpClient(withOld.url);
      await login(client);
      expect(client.cookies.get("session")).toMatch(/^Fe26\.2\*1\*/);
    } finally {
      await withOld.stop();
    }
    const rotated = await startApp({ ...timeouts, SESSION_PASSWORD: JSON.stringify({ 2: NEW_PASSWORD, 1: TEST_PASSWORD }) });
    const oldCookie = client!.cookies.get("session")!;
    try {
      client = client!.at(rotated.url);
      await new Promise((done) => setTimeout(done, 1_200)); // renewal due: the proxy re-seals
      const page = await client.get("/dashboard");
      expect(testId(page.body, "user")).toBe("Ada Lovelace");
      expect(client.cookies.get("session")).toMatch(/^Fe26\.2\*2\*/);
    } finally {
      await rotated.stop();
    }
    const onlyNew = await startApp({ ...timeouts, SESSION_PASSWORD: JSON.stringify({ 2: NEW_PASSWORD }) });
    try {
      client = client.at(onlyNew.url);
      expect(testId((await client.get("/dashboard")).body, "user")).toBe("Ada Lovelace");
      const stale = new HttpClient(onlyNew.url);
      stale.cookies.set("session", oldCookie);
      const rejected = await stale.request("/api/me");
      expect(rejected.status).toBe(401);
      expect(rejected.setCookies.find((c) => c.name === "session")?.maxAge).toBe(0);
    } finally {
      await onlyNew.stop();
    }
  });
});
