// The proxy's Origin check and the devices page of app-example over HTTP, on the KV store
// (real @vercel/kv through the Upstash REST fixture to Redis) and a real `next start`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startKvBackend, type KvBackend } from "../support/kv-backend.js";
import { startApp, type RunningApp } from "../support/next-app.js";

const ALLOWED = "https://admin.example.com";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36";

let kv: KvBackend;
let app: RunningApp;
beforeAll(async () => {
  kv = await startKvBackend();
  app = await startApp({ ...kv.env, SESSION_ALLOWED_ORIGINS: ALLOWED });
});
afterAll(async () => {
  await app?.stop();
  await kv?.stop();
});

/** A no-JS browser logged in as `username` (its requests carry `userAgent`). */
async function loggedIn(username = "ada", password = "lovelace", userAgent = FIREFOX): Promise<HttpClient> {
  const client = new HttpClient(app.url, { "user-agent": userAgent });
  expect((await client.submit("/login", { username, password })).status).toBe(303);
  return client;
}

const cart = async (client: HttpClient) => JSON.parse((await client.request("/api/me")).body).cart as string[];
const post = (client: HttpClient, headers: Record<string, string>, item = "tea", method = "POST") =>
  client.request("/api/cart", { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ item }) });

describe("Origin check in the proxy (CSRF on Route Handlers)", () => {
  it("refuses with 403, before the handler, unsafe requests from another origin carrying the session cookie", async () => {
    const client = await loggedIn();
    const sameSiteOtherOrigin = `http://127.0.0.1:${app.port + 1}`;
    for (const headers of [
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: sameSiteOtherOrigin },
      { origin: "https://evil.example" }, // no Sec-Fetch-Site: Origin decides
      { referer: `${sameSiteOtherOrigin}/attack.html` }, // nor Origin: Referer decides
      { origin: "null" }, // an opaque origin (sandboxed frame)
    ] as Array<Record<string, string>>) {
      const refused = await post(client, headers, "stolen");
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.body).toMatch(/Cross-origin request refused/);
      expect(refused.setCookies).toEqual([]); // nothing renewed, nothing purged
    }
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await post(client, { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, "x", method)).status, method).toBe(403);
    }
    expect(await cart(client)).toEqual([]);
  });

  it("lets through same-origin, header-less (non-browser) and allowed-origin requests, and safe methods", async () => {
    const client = await loggedIn();
    expect((await post(client, { "sec-fetch-site": "same-origin", origin: app.url }, "same-origin")).status).toBe(200);
    expect((await post(client, {}, "no-headers")).status).toBe(200);
    expect((await post(client, { origin: app.url }, "origin-only")).status).toBe(200);
    expect((await post(client, { "sec-fetch-site": "cross-site", origin: ALLOWED }, "allowed")).status).toBe(200);
    expect(await cart(client)).toEqual(["same-origin", "no-headers", "origin-only", "allowed"]);
    const read = await client.request("/api/me", { headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    expect(read.status).toBe(200);
  });

  it("leaves requests without a session cookie (webhooks) and Server Actions to the app and to Next", async () => {
    const anonymous = new HttpClient(app.url);
    const webhook = await post(anonymous, { "sec-fetch-site": "cross-site", origin: "https://hooks.example" });
    expect(webhook.status).toBe(401); // the handler ran and answered
    const client = await loggedIn();
    const action = await client.request("/cart", {
      method: "POST",
      headers: { "next-action": "0".repeat(42), "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      body: "[]",
    });
    expect(action.body).not.toMatch(/Cross-origin request refused/); // Next's own Server Action check answers
  });
});

describe("devices page (no JavaScript)", () => {
  it("lists each browser with its label, and 'Log out this device' ends exactly that session", async () => {
    const laptop = await loggedIn("ada", "lovelace", FIREFOX);
    // Earlier tests left sessions of Ada: "Log out all other devices" ends them, not this one.
    expect((await laptop.submit("/devices", {}, "Log out all other devices")).status).toBe(303);
    expect(testId((await laptop.get("/devices")).body, "device-label")).toBe("Firefox on Linux");
    const desktop = await loggedIn("ada", "lovelace", CHROME);
    const page = await laptop.get("/devices");
    const labels = [...page.body.matchAll(/data-testid="device-label"[^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(labels).toEqual(["Firefox on Linux", "Chrome on Windows"]); // this device first
    expect(page.body).not.toContain("rv:140.0"); // the raw User-Agent is not kept
    expect(page.body).toMatch(/Firefox on Linux<\/strong>(<!-- -->)? \(this device\)/);
    const list = page.body.slice(page.body.indexOf("<ul>"), page.body.indexOf("</ul>"));
    // The app's devices.ip reads X-Forwarded-For, which `next start` sets to the peer address.
    expect(testId(list, "device-ip")).toBe(" from 127.0.0.1");
    expect(list.match(/\(this device\)/g)).toHaveLength(1);

    // The second row's form ends the desktop's session: its next request is logged out.
    const response = await laptop.submit("/devices", {}, 1);
    expect(response.status).toBe(303);
    expect((await desktop.request("/api/me")).status).toBe(401);
    expect((await laptop.request("/api/me")).status).toBe(200);
  });

  it("a handle posted by another user ends nothing", async () => {
    const ada = await loggedIn("ada", "lovelace");
    const [alan, alanPhone] = [await loggedIn("alan", "turing"), await loggedIn("alan", "turing", CHROME)];
    const adaHandle = /name="handle" value="([^"]*)"/.exec((await ada.get("/devices")).body)![1]!;
    // Alan's "Log out this device" form for his phone, posted with Ada's handle instead.
    expect((await alan.submit("/devices", { handle: adaHandle }, 1)).status).toBe(303);
    expect((await ada.request("/api/me")).status).toBe(200);
    expect((await alanPhone.request("/api/me")).status).toBe(200);
  });
});
