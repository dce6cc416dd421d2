// Losing a race never removes the winner's cookie (issue 10 item 3), with the race made real:
// app-example on the KV store, two concurrent requests on one session id, the REST fixture
// holding their store writes until both have loaded the session, and the two responses applied
// in the unlucky order (the loser's last), as a browser does when the loser answers last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE, RENEW, UPDATE } from "../../src/stores/redis-common/scripts.js";
import type { LuaScript } from "../../src/stores/redis-common/lua-script.js";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import { startKvApp, type KvBackend } from "../support/kv-backend.js";
import type { RunningApp } from "../support/next-app.js";

describe("concurrent requests on one session (KV store)", () => {
  let target: Awaited<ReturnType<typeof startKvApp>>;
  let kv: KvBackend;
  let app: RunningApp;
  beforeAll(async () => {
    target = await startKvApp();
    ({ kv, app } = target);
  });
  afterAll(() => target?.stop());

  /** Holds the next two store calls that run any of `scripts` until both have arrived. */
  const holdTwo = async (...scripts: LuaScript[]) => {
    const shas = new Set(await Promise.all(scripts.map((script) => script.sha())));
    return kv.rest.hold((command) => command[0]?.toLowerCase() === "evalsha" && shas.has(command[1]!), 2);
  };
  const sessionWrite = (exchange: Exchange) => exchange.setCookies.find((c) => c.name === "session");

  it("a double-submitted login leaves the user logged in, whichever response arrives last", { timeout: 60_000 }, async () => {
    const browser = new HttpClient(app.url);
    await browser.submit("/cart", { item: "tea" }, 'name="item"'); // a session before login
    expect(browser.cookies.has("session")).toBe(true);
    const held = holdTwo(RENEW);
    const [first, second] = [browser.at(app.url), browser.at(app.url)];
    const login = { username: "ada", password: "lovelace" };
    const responses = await Promise.all([first.submit("/login", login), second.submit("/login", login)]);
    await held;
    expect(responses.map((r) => r.status)).toEqual([303, 303]);
    const winner = responses.find((r) => sessionWrite(r)?.value);
    const loser = responses.find((r) => r !== winner)!;
    expect(winner).toBeDefined();
    // The loser's renew found the session gone: it must not send a removal cookie.
    expect(sessionWrite(loser)).toBeUndefined();
    browser.apply(winner!.setCookies);
    browser.apply(loser.setCookies);
    const me = await browser.get("/api/me");
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ userId: "ada", cart: ["tea"] });
  });

  it("a logout racing a write still logs the user out", { timeout: 60_000 }, async () => {
    const browser = new HttpClient(app.url);
    await browser.submit("/login", { username: "ada", password: "lovelace" });
    expect(testId((await browser.get("/dashboard")).body, "user")).toBe("Ada Lovelace");
    const held = holdTwo(DELETE, UPDATE);
    const [leaving, shopping] = [browser.at(app.url), browser.at(app.url)];
    const [logout, cart] = await Promise.all([leaving.submit("/dashboard", {}, "Log out"), shopping.submit("/cart", { item: "kettle" }, 'name="item"')]);
    await held;
    expect(sessionWrite(logout)).toMatchObject({ value: "", maxAge: 0 });
    browser.apply(logout.setCookies);
    browser.apply(cart.setCookies); // the write's response arrives last
    expect((await browser.get("/api/me")).status).toBe(401);
    expect((await browser.get("/dashboard")).path).toMatch(/^\/login/);
  });
});
