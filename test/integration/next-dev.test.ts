/**
 * app-example under `next dev` (a copy: see test/support/dev-app.ts), over HTTP: login through
 * a Server Action, the flash shown once, renewal by the proxy, logout; then lib/session.ts is
 * edited while the server runs, and the hot reload neither throws nor logs anyone out. No
 * SESSION_PASSWORD, as a developer starts it: the app makes one up for the process, and a
 * reloaded lib/session.ts must seal and open with that same one.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDev, type DevApp } from "../support/dev-app.js";
import { HttpClient, testId } from "../support/http-client.js";
import { pastUpdateAge, SHORT_TIMEOUTS } from "./proxy-flows.js";

let app: DevApp;
beforeAll(async () => {
  app = await startDev({ ...SHORT_TIMEOUTS, SESSION_PASSWORD: undefined });
  // next dev compiles each route on its first request: do it here, not inside a test's time.
  const client = await loggedIn();
  await client.submit("/cart", { item: "warm-up" }, 'name="item"');
  await client.submit("/dashboard", {}, "Log out");
}, 600_000);
afterAll(() => app?.stop());

/** A browser logged in as Ada through the login form's Server Action. */
async function loggedIn(): Promise<HttpClient> {
  const client = new HttpClient(app.url);
  const response = await client.submit("/login", { username: "ada", password: "lovelace" });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/dashboard");
  return client;
}

/** Server errors `next dev` printed (Next prefixes them with ⨯). */
const serverErrors = () => app.logs().split("\n").filter((line) => line.includes("⨯"));

describe("next dev", () => {
  it("announces the password it made up (no SESSION_PASSWORD)", () => {
    expect(app.logs()).toContain("SESSION_PASSWORD is not set: using a random one for this development server");
  });

  it("login writes a session cookie for plain http; the flash shows once; logout ends it", async () => {
    const client = new HttpClient(app.url);
    const response = await client.submit("/login", { username: "ada", password: "lovelace" });
    const cookie = response.setCookies.find((c) => c.name === "session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.secure ?? false).toBe(false); // development: no Secure, so plain http://localhost works in every browser
    const dashboard = await client.get("/dashboard");
    expect(testId(dashboard.body, "user")).toBe("Ada Lovelace");
    expect(testId(dashboard.body, "flash")).toBe("Welcome back, Ada Lovelace!");
    expect(testId((await client.get("/dashboard")).body, "flash")).toBeUndefined();
    expect((await client.submit("/dashboard", {}, "Log out")).status).toBe(303);
    expect(client.cookies.has("session")).toBe(false);
    expect((await client.get("/dashboard")).path).toBe("/login?next=%2Fdashboard");
  });

  it("the proxy renews a renewal-due session and the page shows the new expiry", async () => {
    const client = await loggedIn();
    const first = Number(testId((await client.get("/dashboard")).body, "expires-ms"));
    await pastUpdateAge();
    const page = await client.get("/dashboard");
    expect(page.setCookies.filter((c) => c.name === "session")).toHaveLength(1);
    expect(Number(testId(page.body, "expires-ms"))).toBeGreaterThan(first);
    expect(testId(page.body, "user")).toBe("Ada Lovelace");
  });

  it("editing lib/session.ts hot-reloads it without errors or logging anyone out", { timeout: 120_000 }, async () => {
    const client = await loggedIn();
    await client.get("/dashboard"); // retires the login flash
    const marker = `[nsk-test] lib/session.ts reloaded ${Date.now()}`;
    appendFileSync(join(app.dir, "lib", "session.ts"), `\n// edited under next dev\nconsole.log(${JSON.stringify(marker)});\n`);
    // The edit takes effect once next dev has recompiled; every page until then and after it
    // still shows the user.
    for (let attempt = 0; !app.logs().includes(marker); attempt++) {
      expect(attempt, "next dev never re-evaluated the edited lib/session.ts").toBeLessThan(100);
      const page = await client.get("/dashboard");
      expect(page.path).toBe("/dashboard");
      expect(testId(page.body, "user")).toBe("Ada Lovelace");
      await sleep(500);
    }
    const after = await client.get("/dashboard");
    expect(after.path).toBe("/dashboard");
    expect(testId(after.body, "user")).toBe("Ada Lovelace");
    // Writes work too: a Server Action saves through the reloaded configuration.
    await client.submit("/cart", { item: "tea" }, 'name="item"');
    expect(testId((await client.get("/cart")).body, "count")).toBe("1");
    expect(serverErrors()).toEqual([]);
  });
});
