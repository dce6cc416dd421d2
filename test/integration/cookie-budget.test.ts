/**
 * No lock-out by size (issue 10 item 4), against a real `next start` of app-example on the
 * cookie store: the largest session each Cookie header budget accepts still reaches the app
 * with a browser's usual headers, and can log out; a request carrying more than the budget is
 * purged instead of being kept until a proxy refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";

/** What a desktop Chromium sends besides cookies on a navigation: a little over 1 KB. */
const BROWSER_HEADERS: Record<string, string> = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
  "accept-language": "en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7,fr;q=0.6",
  "accept-encoding": "gzip, deflate, br, zstd",
  "cache-control": "max-age=0",
  "sec-ch-ua": '"Chromium";v="156", "Not)A;Brand";v="24", "Google Chrome";v="156"',
  "sec-ch-ua-mobile": "?0",
  "sec-ch-ua-platform": '"Linux"',
  "sec-fetch-dest": "document",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "same-origin",
  "sec-fetch-user": "?1",
  "upgrade-insecure-requests": "1",
  referer: `https://www.example.com/search?q=${"session+cookie+budget+".repeat(14)}`,
  "x-forwarded-for": "203.0.113.7, 198.51.100.23",
};
const headerBytes = (headers: Record<string, string>) => Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + 2 + value.length + 2, 0);

/** The bytes the session's cookies (not the flash) take in the Cookie header the client sends. */
function sessionCookieBytes(client: HttpClient): number {
  const pairs = [...client.cookies].filter(([name]) => name === "session" || /^session\.\d$/.test(name));
  return pairs.map(([name, value]) => `${name}=${value}`).join("; ").length;
}

/** Adds cart items through the Route Handler until the budget refuses one, halving the item size down to one character. */
async function fillToBudget(client: HttpClient, app: RunningApp): Promise<number> {
  let refused = 0;
  for (let size = 1024; size >= 1; size = Math.floor(size / 2)) {
    for (;;) {
      const response = await client.request("/api/cart", {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url },
        body: JSON.stringify({ item: "x".repeat(size) }),
      });
      if (response.status === 413) {
        expect(JSON.parse(response.body)).toEqual({ error: "the cart is full" });
        expect(response.setCookies.filter((cookie) => cookie.name.startsWith("session"))).toEqual([]); // the session is kept as it was
        refused++;
        break;
      }
      expect(response.status).toBe(200);
    }
  }
  return refused;
}

describe.each([
  ["the default budget (6144 bytes)", 6144, {}],
  ["the largest budget (cookie.maxBytes: 14336)", 14336, { SESSION_COOKIE_MAX_BYTES: "14336" }],
])("cookie store with %s", (_name, budget, env) => {
  let app: RunningApp;
  let defaultApp: RunningApp | undefined;
  beforeAll(async () => {
    app = await startApp(env);
    if (budget !== 6144) defaultApp = await startApp({});
  });
  afterAll(async () => {
    await app?.stop();
    await defaultApp?.stop();
  });

  it("the largest accepted session plus 1 KB of browser headers loads a page and can log out", async () => {
    expect(headerBytes(BROWSER_HEADERS)).toBeGreaterThan(1024);
    const client = new HttpClient(app.url, BROWSER_HEADERS);
    expect((await client.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
    expect(await fillToBudget(client, app)).toBe(11); // every item size down to 1 was refused once: the cart is full to the byte
    const bytes = sessionCookieBytes(client);
    expect(bytes).toBeLessThanOrEqual(budget);
    expect(bytes).toBeGreaterThan(budget - 100); // within one smallest item's seal growth of the budget

    const page = await client.get("/cart");
    expect(page.status).toBe(200);
    expect(Number(testId(page.body, "count"))).toBeGreaterThan(5);
    if (budget === 6144) expect(`Cookie: ${client.cookieHeader()}`.length).toBeLessThan(8192); // nginx's default line limit

    const logout = await client.submit("/dashboard", {}, "Log out");
    expect(logout.status).toBe(303);
    expect([...client.cookies.keys()].filter((name) => name.startsWith("session"))).toEqual([]);
    expect((await client.get("/api/me")).status).toBe(401);
  });

  it.runIf(budget !== 6144)("a request over the receiving app's budget is purged and reads as logged out", async () => {
    const client = new HttpClient(app.url, BROWSER_HEADERS);
    await client.submit("/login", { username: "ada", password: "lovelace" });
    await fillToBudget(client, app);
    const chunks = [...client.cookies.keys()].filter((name) => /^session\.\d$/.test(name));
    expect(chunks.length).toBe(4);
    // The same browser against an instance with the default budget (same build, same password).
    const there = client.at(defaultApp!.url);
    const me = await there.request("/api/me", { headers: BROWSER_HEADERS });
    expect(me.status).toBe(401);
    const removed = me.setCookies.filter((cookie) => cookie.maxAge === 0).map((cookie) => cookie.name);
    expect(removed.filter((name) => name !== "session.flash").sort()).toEqual(chunks.sort()); // (and the login's flash, still pending)
    expect([...there.cookies.keys()].filter((name) => name.startsWith("session"))).toEqual([]);
  });
});
