// Next 15's Edge-runtime `middleware.ts` on the KV store (SESSION_STORE=kv): kvStore and its
// default @upstash/redis client run inside the Edge bundle and talk HTTP to the Upstash REST
// fixture in front of a real Redis, whose keys and TTLs the tests read.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { startKvBackend, type KvBackend } from "../support/kv-backend.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";
import { describeProxy, pastUpdateAge, SHORT_TIMEOUTS } from "./proxy-flows.js";

let kv: KvBackend;
let admin: Redis;
beforeAll(async () => {
  kv = await startKvBackend();
  admin = new Redis(kv.redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await kv?.stop();
});

const startEdgeApp = async () => startApp({ ...kv.env, SESSION_STORE: "kv", ...SHORT_TIMEOUTS }, await packedApp("next15-edge"));

const login = async (client: HttpClient) => {
  const response = await client.request("/api/login", { method: "POST", body: JSON.stringify({ userId: "ada" }) });
  expect(response.status).toBe(200);
};

describeProxy("Next 15 middleware.ts on the Edge runtime, KV store", async () => {
  const app = await startEdgeApp();
  return { app, login, page: "/private", guarded: "/private", storeWrites: kv.writes, stop: app.stop };
});

describe("the KV store's server-side state through the Edge middleware", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startEdgeApp();
  });
  afterAll(() => app?.stop());

  const sessionKeys = async () => new Set((await admin.keys(`${kv.redis.prefix}*`)).filter((key) => key.includes(":s:")));
  /** Logs a new client in; returns it and the one Redis key its login created. */
  const loggedIn = async () => {
    const before = await sessionKeys();
    const client = new HttpClient(app.url);
    await login(client);
    const created = [...(await sessionKeys())].filter((key) => !before.has(key));
    expect(created).toHaveLength(1);
    return { client, key: created[0]! };
  };

  it("login stores the session in Redis (the cookie carries only a signed id), and the guarded page shows the user", async () => {
    const { client, key } = await loggedIn();
    // The user id is stored encrypted (the Edge runtime's Web Crypto opens it: the page shows the user).
    const stored = await admin.hget(key, "d:userId");
    expect(stored).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(stored).not.toContain("ada");
    expect(client.cookies.get("session")).not.toContain("Fe26.2");
    const page = await client.get("/private");
    expect(page.path).toBe("/private");
    expect(page.body).toContain("ada");
  });

  it("a renewal-due request through the middleware extends the session's TTL in Redis", async () => {
    const { client, key } = await loggedIn();
    await pastUpdateAge();
    const before = await admin.pttl(key);
    expect(before).toBeGreaterThan(0);
    // A path no page or route handles: only the middleware reads the session (404 page).
    const response = await client.request("/nothing-here");
    expect(response.status).toBe(404);
    expect(response.setCookies.find((cookie) => cookie.name === "session")?.maxAge).toBeGreaterThan(0);
    expect(await admin.pttl(key)).toBeGreaterThan(before);
  });

  it("a revoked session is purged by the middleware: removal cookie, the guard's redirect, no key left", async () => {
    const { client, key } = await loggedIn();
    const revoke = await new HttpClient(app.url).request("/api/revoke", { method: "POST", body: JSON.stringify({ userId: "ada" }) });
    expect(revoke.status).toBe(200);
    expect(await admin.exists(key)).toBe(0);
    const response = await client.request("/private");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toMatch(/\/login-required$/);
    expect(response.setCookies.find((cookie) => cookie.name === "session")).toMatchObject({ value: "", maxAge: 0 });
    expect(client.cookies.has("session")).toBe(false);
    expect(await sessionKeys()).not.toContain(key);
  });
});
