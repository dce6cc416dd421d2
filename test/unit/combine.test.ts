/**
 * combineProxies: two session configurations (a site session and an admin area's own cookie,
 * password and timeouts) behind one proxy, driven with Next's real `NextRequest`. Each keeps its
 * own renewal, purge and gate; the first handler that answers ends the chain and carries the
 * changes made before it. The same flows against a real `next start`: test/integration/iron-migration.test.ts.
 */
import { parseSetCookie } from "cookie";
import { NextRequest, NextResponse } from "next/server.js";
import { describe, expect, it } from "vitest";
import { signer } from "../../src/codec/signer.js";
import { SessionConfigError } from "../../src/errors.js";
import { flashCookieName } from "../../src/flash.js";
import { combineProxies } from "../../src/next/combine.js";
import { proxyFactory, type ProxyFunction, type ProxyHandler } from "../../src/next/proxy.js";
import type { Session } from "../../src/session.js";
import { frozenClock, OTHER_PASSWORD, PASSWORD, setup, unreachableStore } from "./kit.js";

const clock = frozenClock();
const ORIGIN = "https://app.example.com";

/** The site's session (cookie "session", updateAge 60 s) and the admin area's ("admin", updateAge 10 s). */
function twoConfigurations() {
  const siteEngine = setup({ idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 60 } }).engine;
  const adminEngine = setup({ password: OTHER_PASSWORD, cookie: { name: "admin" }, idleTimeout: 120, renewal: { policy: "on-every-request", updateAge: 10 } }).engine;
  const site = proxyFactory(() => siteEngine);
  const admin = proxyFactory(() => adminEngine);
  const cookies = new Map<string, string>();
  const send = async (proxy: ProxyFunction, path = "/") => {
    const headers = new Headers(cookies.size ? { cookie: [...cookies].map(([n, v]) => `${n}=${v}`).join("; ") } : {});
    const response = await proxy(new NextRequest(new URL(path, ORIGIN), { headers }));
    const set = response.headers.getSetCookie().map((line) => parseSetCookie(line));
    for (const cookie of set) {
      if (cookie.maxAge === 0) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value!);
    }
    /** What the render of this request sees (Next's same-request cookie header). */
    const render = response.headers.get("x-middleware-set-cookie") ?? "";
    return { response, names: set.map((c) => `${c.name}${c.maxAge === 0 ? " (removed)" : ""}`).sort(), render };
  };
  const login = (key: string, value: string): ProxyHandler => async (_request, session) => void (await session.set(key, value).save());
  return { site, admin, cookies, send, login };
}

describe("combineProxies: two configurations in one proxy", () => {
  it("each configuration renews on its own schedule; both changes reach the browser and the render", async () => {
    const { site, admin, send, login } = twoConfigurations();
    await send(site(login("userId", "ada")));
    await send(admin(login("adminId", "root")));
    const seen: Record<string, unknown> = {};
    const proxy = combineProxies(
      site((_request, session) => void (seen.site = session.data)),
      admin((_request, session) => void (seen.admin = session.data)),
    );

    clock.advance(30); // admin renewal due (10 s), the site's not (60 s)
    const first = await send(proxy);
    expect(first.names).toEqual(["admin"]);
    expect(seen).toEqual({ site: { userId: "ada" }, admin: { adminId: "root" } });

    clock.advance(40); // 70 s since the site's seal, 40 s since the admin's
    const second = await send(proxy);
    expect(second.names).toEqual(["admin", "session"]);
    expect(second.render).toMatch(/(^|, ?)session=/);
    expect(second.render).toMatch(/(^|, ?)admin=/);
    expect(second.response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("the first handler that answers ends the chain, carrying the changes made before it", async () => {
    const { site, admin, send, login } = twoConfigurations();
    await send(site(login("userId", "ada")));
    const calls: string[] = [];
    const gate = (name: string, key: string, prefix: string): ProxyHandler => (request, session) => {
      calls.push(name);
      if (request.nextUrl.pathname.startsWith(prefix) && !session.get(key)) return NextResponse.redirect(new URL("/login", request.url));
    };
    const proxy = combineProxies(site(gate("site", "userId", "/account")), admin(gate("admin", "adminId", "/admin")));

    clock.advance(70); // the site's renewal is due
    const refused = await send(proxy, "/admin/users");
    expect(refused.response.status).toBe(307);
    expect(refused.names).toEqual(["session"]); // the site's renewal rides on the admin gate's redirect
    expect(calls).toEqual(["site", "admin"]);

    calls.length = 0;
    const anonymous = twoConfigurations();
    const stopped = await anonymous.send(combineProxies(anonymous.site(gate("site", "userId", "/account")), anonymous.admin(gate("admin", "adminId", "/admin"))), "/account");
    expect(stopped.response.status).toBe(307);
    expect(calls).toEqual(["site"]); // the site's gate answered: the admin's never ran
  });

  it("a dead admin cookie is purged while the site session lives on", async () => {
    const { site, admin, cookies, send, login } = twoConfigurations();
    await send(site(login("userId", "ada")));
    await send(admin(login("adminId", "root")));
    cookies.set("admin", `${cookies.get("admin")!.slice(0, -4)}AAAA`);
    let siteData: unknown;
    const result = await send(combineProxies(admin(), site((_request, session) => void (siteData = session.data))));
    expect(result.names).toEqual(["admin (removed)"]);
    expect(siteData).toEqual({ userId: "ada" });
    expect(cookies.has("session")).toBe(true);
  });

  it("an inner configuration's flash removal (a raw Set-Cookie) survives the outer one's cookie writes", async () => {
    const { site, admin, send, login } = twoConfigurations();
    await send(site(login("userId", "ada")));
    await send(admin(async (_request, session) => void (await session.set("adminId", "root").flash("notice", "Signed in").save())));
    clock.advance(70); // the site (outer) renews through the cookie API
    const result = await send(combineProxies(site(), admin()), "/admin");
    expect(result.names).toContain("session");
    expect(result.names).toContain(`${flashCookieName("admin")} (removed)`);
    // Removed from the browser only: the render of this request still shows the flash.
    expect(result.render).not.toContain(flashCookieName("admin"));
  });

  it("a store outage in one configuration still runs the other's gate (fails closed)", async () => {
    const downEngine = setup({ store: unreachableStore, cookie: { name: "admin" } }).engine;
    const down = proxyFactory(() => downEngine);
    const { site, cookies, send } = twoConfigurations();
    cookies.set("admin", await signer({ 1: PASSWORD }, "session-id", "admin").sign("c2Vzc2lvbi1pZA"));
    let seen: Session | undefined;
    const proxy = combineProxies(down(), site((request, session) => {
      seen = session;
      if (!session.get("userId")) return NextResponse.redirect(new URL("/login", request.url));
    }));
    const result = await send(proxy, "/account");
    expect(result.response.status).toBe(307);
    expect(seen).toBeDefined();
    expect(cookies.has("admin")).toBe(true); // the outage touched no cookie
  });

  it("refuses what it cannot combine, naming the fix", () => {
    const { site } = twoConfigurations();
    const sameEngine = setup().engine;
    const same = proxyFactory(() => sameEngine);
    expect(() => combineProxies()).toThrow(SessionConfigError);
    expect(() => combineProxies(site(), (async () => NextResponse.next()) as ProxyFunction)).toThrow(/takes the proxies of session configurations: pass sessions\.proxy\(\)/);
    expect(() => combineProxies(site(), same())).toThrow(/two session configurations on the cookie "session": give each createSessions\(\) its own cookie: \{ name \}/);
  });
});
