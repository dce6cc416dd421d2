/**
 * Next 16's `cacheComponents` (test/fixtures/cache-components, installing the packed package)
 * against `next build` + `next start`: pages are prerendered with the session read under
 * `<Suspense>`, a `'use cache'` component beside it is one for everyone, Server Actions write,
 * the proxy gates a prerendered page, and `getSession()` inside `'use cache'` fails with
 * Next's error that names the fix.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";

let dir: string;
let app: RunningApp;
beforeAll(async () => {
  dir = await packedApp("cache-components");
  app = await startApp({}, dir);
}, 600_000);
afterAll(() => app?.stop());

/** A browser logged in through the home page's Server Action form (no JavaScript). */
async function loggedIn(name: string): Promise<HttpClient> {
  const client = new HttpClient(app.url);
  const response = await client.submit("/", { name });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/dashboard");
  expect(client.cookies.has("session")).toBe(true);
  return client;
}

/** What a page shows: the session's user, the per-user cached badge, the shared banner. */
async function view(client: HttpClient, path: string) {
  const page = await client.get(path);
  expect(page.status).toBe(200);
  return { path: page.path, user: testId(page.body, "user"), badge: testId(page.body, "badge"), banner: testId(page.body, "banner") };
}

describe("cacheComponents: true", () => {
  it("the build prerendered both pages (the session is read under <Suspense>)", () => {
    const manifest = JSON.parse(readFileSync(join(dir, ".next", "prerender-manifest.json"), "utf8"));
    expect(Object.keys(manifest.routes)).toEqual(expect.arrayContaining(["/", "/dashboard"]));
  });

  it("a logged-out visitor sees the page signed out and gets no cookie", async () => {
    const client = new HttpClient(app.url);
    const page = await client.get("/");
    expect(testId(page.body, "user")).toBe("signed out");
    expect(testId(page.body, "banner")).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.setCookies).toEqual([]);
  });

  it("the proxy gates the prerendered /dashboard", async () => {
    const response = await new HttpClient(app.url).request("/dashboard");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/");
  });

  it("a Server Action writes the session; the page reads it under <Suspense>", async () => {
    const ada = await loggedIn("Ada");
    const dashboard = await view(ada, "/dashboard");
    expect(dashboard.path).toBe("/dashboard");
    expect(dashboard.user).toBe("Ada");
    expect(dashboard.badge).toMatch(/^Ada [0-9a-f-]{36}$/);
  });

  it("the 'use cache' banner is the same for every user; a badge cached by prop is per user", async () => {
    const [ada, grace] = await Promise.all([loggedIn("Ada"), loggedIn("Grace")]);
    const adaView = await view(ada, "/dashboard");
    const graceView = await view(grace, "/dashboard");
    const anonymous = await view(new HttpClient(app.url), "/");
    expect(graceView.user).toBe("Grace");
    expect(graceView.banner).toBe(adaView.banner);
    expect(anonymous.banner).toBe(adaView.banner);
    expect(graceView.badge).toMatch(/^Grace /);
    // The badge is cached per name: Ada sees the same entry again, never Grace's.
    expect((await view(ada, "/")).badge).toBe(adaView.badge);
  });

  it("logout (a Server Action) ends the session; the gate closes again", async () => {
    const ada = await loggedIn("Ada");
    const response = await ada.submit("/dashboard", {});
    expect(response.status).toBe(303);
    expect(ada.cookies.has("session")).toBe(false);
    expect((await ada.get("/dashboard")).path).toBe("/");
  });

  it("getSession() inside 'use cache' fails with Next's error naming the fix", async () => {
    const ada = await loggedIn("Ada");
    const response = await ada.request("/api/cached-session", { method: "POST" });
    expect(response.status).toBe(500);
    expect(response.body).not.toContain("Ada");
    expect(app.logs()).toContain("`cookies()` can't be read inside `\"use cache\"`. Read it outside the cached function and pass what you need as an argument.");
  });
});
