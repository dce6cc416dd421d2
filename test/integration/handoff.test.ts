/**
 * The proxy hands its read of a server-side session to the same request's render (issue 12
 * item 1), against a real `next start` of app-example on the KV store: round trips counted by
 * the REST server in front of Redis (every command the app's @vercel/kv client sends).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startKvApp } from "../support/kv-backend.js";

describe("proxy → render handoff (Next 16 proxy.ts, KV store)", () => {
  let target: Awaited<ReturnType<typeof startKvApp>>;
  beforeAll(async () => {
    target = await startKvApp({ SESSION_UPDATE_AGE: "2", SESSION_IDLE_TIMEOUT: "600" });
  });
  afterAll(() => target?.stop());

  /** Store commands (round trips: one script call each) that `request` caused. */
  const commandsDuring = async (request: () => Promise<unknown>) => {
    const before = target.kv.rest.commands;
    await request();
    return target.kv.rest.commands - before;
  };
  const loggedIn = async () => {
    const client = new HttpClient(target.app.url);
    expect((await client.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
    await client.get("/dashboard"); // retires the login flash
    return client;
  };

  it("a page whose proxy read the session costs one store round trip in all (the render takes the proxy's read)", async () => {
    const client = await loggedIn();
    let page: Awaited<ReturnType<HttpClient["get"]>> | undefined;
    expect(await commandsDuring(async () => (page = await client.get("/dashboard")))).toBe(1);
    expect(testId(page!.body, "user")).toBe("Ada Lovelace");
    // A Route Handler reading the session: the same.
    expect(await commandsDuring(() => client.request("/api/me"))).toBe(1);
  });

  it("a renewal-due page costs one round trip too: the render shows the renewed expiry the proxy wrote", async () => {
    const client = await loggedIn();
    const before = Number(testId((await client.get("/dashboard")).body, "expires-ms"));
    await sleep(2_500);
    let page: Awaited<ReturnType<HttpClient["get"]>> | undefined;
    expect(await commandsDuring(async () => (page = await client.get("/dashboard")))).toBe(1);
    expect(page!.setCookies.filter((cookie) => cookie.name === "session")).toHaveLength(1);
    expect(Number(testId(page!.body, "expires-ms"))).toBeGreaterThan(before);
  });

  it("a Server Action costs the proxy's read and its save: the render after it takes over what it wrote", async () => {
    const client = await loggedIn();
    const form = await client.get("/cart");
    let response: Awaited<ReturnType<HttpClient["post"]>> | undefined;
    expect(await commandsDuring(async () => (response = await client.post(form, { item: "scones" }, 'name="item"')))).toBe(2);
    expect(response!.status).toBe(200);
    expect(testId(response!.body, "count")).toBe("1"); // the page rendered with the action's write
    // A second action in a row: the same (the first one's hand-over is not reused: it was taken).
    const again = await client.get("/cart");
    expect(await commandsDuring(async () => (response = await client.post(again, { item: "jam" }, 'name="item"')))).toBe(2);
    expect(testId(response!.body, "count")).toBe("2");
  });

  it("nothing of the handoff reaches the browser: no header, no cookie", async () => {
    const client = await loggedIn();
    const page = await client.request("/dashboard");
    const names = [...page.headers.keys()];
    expect(names.filter((name) => name.startsWith("x-next-session-kit") || name.startsWith("x-middleware"))).toEqual([]);
    expect(page.setCookies).toEqual([]);
  });

  it("a token the client sends itself is never trusted: the page reads the store", async () => {
    const client = await loggedIn();
    // Logged out, with a made-up token: the proxy hands nothing off, so the header reaches the render.
    const stranger = new HttpClient(target.app.url);
    const forged = await stranger.get("/api/me", { "x-next-session-kit-session": "AAAAAAAAAAAAAAAAAAAAAA" });
    expect(forged.status).toBe(401);
    // Logged in, with a made-up token: the proxy's own token replaces it, and the page still costs one trip.
    let me: Awaited<ReturnType<HttpClient["request"]>> | undefined;
    expect(await commandsDuring(async () => (me = await client.request("/api/me", { headers: { "x-next-session-kit-session": "AAAAAAAAAAAAAAAAAAAAAA" } })))).toBe(1);
    expect(JSON.parse(me!.body).userId).toBe("ada");
  });

  it("a Server Action's write is what the next render shows, and a revocation is seen by the very next request", async () => {
    const laptop = await loggedIn();
    await laptop.submit("/cart", { item: "tea" }, 'name="item"');
    expect(testId((await laptop.get("/cart")).body, "count")).toBe("1");
    const phone = await loggedIn();
    await laptop.submit("/devices", {}, "Log out all other devices");
    expect((await phone.request("/api/me")).status).toBe(401);
    expect((await laptop.request("/api/me")).status).toBe(200);
  });
});
