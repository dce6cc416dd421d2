/**
 * A small iron-session app (test/fixtures/iron-app, its own code) migrated to next-session-kit:
 * the same flows pass before (AUTH_LIB=iron) and after, and users logged in on the old app stay
 * logged in. The migrated app also has an admin area with its own session configuration,
 * combined with the site's in one proxy. While migrating, the two apps share the cookie both
 * ways: requests alternate between them and nobody is logged out (a rolling deploy, a rollback).
 * Both apps run from one `next build` of the packed package.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";

const COOKIE = "app-session";
const ADMIN_COOKIE = "admin-session";
const ADMIN_ENV = { ADMIN_SESSION_PASSWORD: "admin-password-of-its-own-0123456789-abcdef" };

let iron: RunningApp;
let kit: RunningApp;
/** The migrated app with a 2-second idle timeout. */
let kitShort: RunningApp;
beforeAll(async () => {
  const dir = await packedApp("iron-app");
  [iron, kit, kitShort] = await Promise.all([
    startApp({ ...ADMIN_ENV, AUTH_LIB: "iron" }, dir),
    startApp({ ...ADMIN_ENV, AUTH_LIB: "kit", ADMIN_UPDATE_AGE: "1", ADMIN_IDLE_TIMEOUT: "600" }, dir),
    startApp({ ...ADMIN_ENV, AUTH_LIB: "kit", SITE_IDLE_TIMEOUT: "2", SITE_UPDATE_AGE: "1" }, dir),
  ]);
}, 600_000);
afterAll(async () => {
  await Promise.all([iron?.stop(), kit?.stop(), kitShort?.stop()]);
});

/** One browser: one cookie jar, talking to either app (same host, so the same cookies). */
function browser() {
  const jar = new Map<string, string>();
  const on = (app: RunningApp) => new HttpClient(app.url, {}, jar);
  const post = (app: RunningApp, path: string, body: unknown = {}) =>
    on(app).request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const session = async (app: RunningApp) => {
    const response = await on(app).request("/api/session");
    expect(response.status).toBe(200);
    return JSON.parse(response.body) as Record<string, unknown>;
  };
  const dashboard = async (app: RunningApp) => {
    const page = await on(app).get("/dashboard");
    return page.path === "/dashboard" ? { user: testId(page.body, "user"), cart: testId(page.body, "cart") } : page.path;
  };
  return { jar, on, post, session, dashboard };
}

/** The app's flows, the same for both versions. */
async function flows(app: RunningApp) {
  const b = browser();
  expect(await b.session(app)).toEqual({});
  expect(await b.dashboard(app)).toBe("/login");

  const login = await b.post(app, "/api/login", { username: "ada" });
  expect(JSON.parse(login.body)).toEqual({ username: "ada", isLoggedIn: true, cart: [] });
  expect(login.setCookies.find((c) => c.name === COOKIE)).toMatchObject({ httpOnly: true, path: "/" });
  expect(await b.session(app)).toEqual({ username: "ada", isLoggedIn: true, cart: [] });
  expect(await b.dashboard(app)).toEqual({ user: "ada", cart: "" });

  expect(JSON.parse((await b.post(app, "/api/cart", { item: "tea" })).body)).toMatchObject({ cart: ["tea"] });
  expect(await b.dashboard(app)).toEqual({ user: "ada", cart: "tea" });

  await b.post(app, "/api/logout");
  expect(b.jar.has(COOKIE)).toBe(false);
  expect(await b.session(app)).toEqual({});
  expect(await b.dashboard(app)).toBe("/login");
}

describe("migrating an iron-session app", () => {
  it("before: the iron-session app's flows (login, Response.json(session), cart, gate, logout)", async () => {
    await flows(iron);
  });

  it("after: the same flows on next-session-kit (Response.json(session) sends the data)", async () => {
    await flows(kit);
  });

  it("users logged in on the old app stay logged in on the new one, data and all", async () => {
    const b = browser();
    await b.post(iron, "/api/login", { username: "ada" });
    await b.post(iron, "/api/cart", { item: "tea" });
    expect(await b.dashboard(kit)).toEqual({ user: "ada", cart: "tea" });
    expect(await b.session(kit)).toEqual({ username: "ada", isLoggedIn: true, cart: ["tea"] });
  });
});

describe("two-way while migrating: the iron-session app and ours on one cookie", () => {
  /** What the iron-session app's `Response.json(session)` shows of our cookie: the data, plus our metadata key. */
  const withMetadata = (data: Record<string, unknown>) => ({ ...data, __nsk: expect.objectContaining({ n: COOKIE }) });

  it("a rollback after the first request through our proxy logs nobody out", async () => {
    const b = browser();
    await b.post(iron, "/api/login", { username: "ada" });
    await b.post(iron, "/api/cart", { item: "tea" });
    const legacy = b.jar.get(COOKIE);
    expect(await b.dashboard(kit)).toEqual({ user: "ada", cart: "tea" }); // the proxy re-seals it
    expect(b.jar.get(COOKIE)).not.toBe(legacy);
    expect(await b.dashboard(iron)).toEqual({ user: "ada", cart: "tea" });
    expect(await b.session(iron)).toEqual(withMetadata({ username: "ada", isLoggedIn: true, cart: ["tea"] }));
  });

  it("requests alternating between the apps: each sees the other's writes, the same data in both", async () => {
    const b = browser();
    await b.post(kit, "/api/login", { username: "ada" });
    expect(await b.dashboard(iron)).toEqual({ user: "ada", cart: "" });
    await b.post(iron, "/api/cart", { item: "tea" });
    expect(await b.dashboard(kit)).toEqual({ user: "ada", cart: "tea" });
    await b.post(kit, "/api/cart", { item: "milk" });
    expect(await b.dashboard(iron)).toEqual({ user: "ada", cart: "tea,milk" });
    await b.post(iron, "/api/cart", { item: "jam" });
    const data = { username: "ada", isLoggedIn: true, cart: ["tea", "milk", "jam"] };
    expect(await b.session(kit)).toEqual(data);
    expect(await b.session(iron)).toEqual(withMetadata(data));
    await b.post(iron, "/api/logout");
    expect(await b.dashboard(kit)).toBe("/login");
  });

  it("our idle timeout still holds when only the iron-session app saw the user (its saves re-seal with its own ttl)", async () => {
    const b = browser();
    await b.post(kitShort, "/api/login", { username: "ada" });
    await b.post(iron, "/api/cart", { item: "tea" });
    await sleep(3_000); // past our 2-second idle timeout, well within iron-session's 14 days
    expect(await b.dashboard(iron)).toEqual({ user: "ada", cart: "tea" }); // the old app keeps its own rules
    expect(await b.dashboard(kitShort)).toBe("/login");
  });
});

describe("two session configurations in one proxy (the migrated app's admin area)", () => {
  it("each session gates its own area; the admin page sees both", async () => {
    const b = browser();
    expect((await b.on(kit).request("/admin")).status).toBe(307);
    const admin = await b.post(kit, "/admin/login", { adminId: "root" });
    expect(admin.setCookies.find((c) => c.name === ADMIN_COOKIE)).toMatchObject({ path: "/admin", httpOnly: true });
    expect(await b.dashboard(kit)).toBe("/login"); // the admin session does not open the site's gate
    await b.post(kit, "/api/login", { username: "ada" });
    const page = await b.on(kit).get("/admin");
    expect(page.path).toBe("/admin");
    expect({ admin: testId(page.body, "admin"), user: testId(page.body, "user") }).toEqual({ admin: "root", user: "ada" });
  });

  it("each renews on its own schedule: a request renews the admin session (updateAge 1 s), not the site's (1 hour)", async () => {
    const b = browser();
    await b.post(kit, "/api/login", { username: "ada" });
    await b.post(kit, "/admin/login", { adminId: "root" });
    await sleep(1_500);
    const renewed = await b.on(kit).request("/admin");
    expect(renewed.status).toBe(200);
    expect(renewed.setCookies.map((c) => c.name)).toEqual([ADMIN_COOKIE]);
    expect(testId(renewed.body, "admin")).toBe("root");
    const again = await b.on(kit).request("/admin");
    expect(again.setCookies).toEqual([]); // renewal done for another second
  });

  it("a tampered admin cookie is purged and gated while the site session lives on", async () => {
    const b = browser();
    await b.post(kit, "/api/login", { username: "ada" });
    await b.post(kit, "/admin/login", { adminId: "root" });
    b.jar.set(ADMIN_COOKIE, `${b.jar.get(ADMIN_COOKIE)!.slice(0, -4)}AAAA`);
    const refused = await b.on(kit).request("/admin");
    expect(refused.status).toBe(307);
    expect(refused.setCookies).toEqual([expect.objectContaining({ name: ADMIN_COOKIE, maxAge: 0, path: "/admin" })]);
    expect(await b.dashboard(kit)).toEqual({ user: "ada", cart: "" });
  });
});
