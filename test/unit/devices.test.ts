import { beforeEach, describe, expect, it, vi } from "vitest";
import { handleOf } from "../support/names.js";
import { resolveConfig, type SessionOptions } from "../../src/config.js";
import { deviceLabel } from "../../src/device.js";
import { SessionConfigError } from "../../src/errors.js";
import { memoryStore } from "../../src/stores/memory.js";
import { TestJar } from "./jar.js";
import { PASSWORD, setup } from "./kit.js";

// createSessions() reaches next/headers' `server-only` guard; only its store-facing part runs here.
vi.mock("server-only", () => ({}));

// memoryStore() instances share one map per process (src/stores/memory.ts): start each test empty.
beforeEach(() => {
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("next-session-kit.memory-store")]?.clear();
});

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36";

describe("deviceLabel", () => {
  it.each([
    [FIREFOX_LINUX, "Firefox on Linux"],
    [CHROME_WINDOWS, "Chrome on Windows"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0", "Edge on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1", "Safari on iOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/141.0.0.0 Mobile/15E148 Safari/604.1", "Chrome on iOS"],
    ["Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36", "Chrome on ChromeOS"],
    ["curl/8.14.1", "Unknown device"],
    ["", "Unknown device"],
  ])("%s -> %s", (userAgent, label) => {
    expect(deviceLabel(userAgent)).toBe(label);
  });
});

describe("the devices option", () => {
  const resolve = (options: Record<string, unknown>) => resolveConfig({ password: PASSWORD, ...options } as SessionOptions<never>);

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a string", { devices: "yes" }, /`devices` must be true, false, or \{ ip\?: \(headers\) => string/],
    ["an unknown key", { devices: { userAgent: true } }, /unknown option devices\.userAgent\. Known options: ip, label/],
    ["ip that is not a function", { devices: { ip: "x-real-ip" } }, /`devices\.ip` must be a function/],
  ])("refuses %s with SessionConfigError naming the fix", (_name, options, message) => {
    expect(() => resolve(options)).toThrow(SessionConfigError);
    expect(() => resolve(options)).toThrow(message);
  });

  it("is off by default and refused on the cookie store, which cannot list sessions", () => {
    expect(resolve({}).devices).toBeUndefined();
    expect(() => setup({ devices: true })).toThrow(SessionConfigError);
    expect(() => setup({ devices: true })).toThrow(/`devices` needs a server-side store .*Remove `devices` or change `store`/);
  });

  /** Logs `userId` in through a request with `headers`; returns its cookie jar and session id. */
  async function logIn(kit: ReturnType<typeof setup>, userId: string, headers: Record<string, string>) {
    const jar = new TestJar();
    const { session } = await kit.open(jar, { headers: new Headers(headers) });
    session.set("userId", userId);
    await session.save();
    return { jar: jar.next(), id: session.id! };
  }

  it("true: keeps the browser/OS label of the request that created the session, never the raw User-Agent or an IP", async () => {
    const store = memoryStore();
    const kit = setup({ store, devices: true });
    await logIn(kit, "ada", { "user-agent": FIREFOX_LINUX, "x-forwarded-for": "203.0.113.9" });
    const [info] = await store.listSessions!("ada");
    expect(info!.device).toEqual({ label: "Firefox on Linux" });
    expect(JSON.stringify(info)).not.toContain("rv:140.0");
  });

  it("off: nothing about the device is kept", async () => {
    const store = memoryStore();
    await logIn(setup({ store }), "ada", { "user-agent": FIREFOX_LINUX });
    expect((await store.listSessions!("ada"))[0]).not.toHaveProperty("device");
  });

  it("{ ip, label }: the app's functions supply the IP and the label; renew() records the device anew", async () => {
    const store = memoryStore();
    const kit = setup({ store, devices: { ip: (headers) => headers.get("x-real-ip") ?? undefined, label: (userAgent) => userAgent } });
    const { jar } = await logIn(kit, "ada", { "user-agent": CHROME_WINDOWS, "x-real-ip": "198.51.100.7" });
    expect((await store.listSessions!("ada"))[0]!.device).toEqual({ label: CHROME_WINDOWS.slice(0, 100), ip: "198.51.100.7" });
    const { session } = await kit.open(jar, { headers: new Headers({ "user-agent": FIREFOX_LINUX }) });
    await session.renew();
    expect((await store.listSessions!("ada")).map((info) => info.device)).toEqual([{ label: FIREFOX_LINUX }]);
  });
});

describe("sessions.revokeSession", () => {
  it("ends one session of the user by its listed handle; false for another user's handle or a stale one", async () => {
    const { createSessions } = await import("../../src/index.js");
    const store = memoryStore();
    const sessions = createSessions({ password: PASSWORD, store, devices: true });
    const kit = setup({ store, devices: true });
    const ada = await Promise.all([1, 2].map(() => kit.open(new TestJar(), { headers: new Headers({ "user-agent": FIREFOX_LINUX }) })));
    for (const { session } of ada) await session.set("userId", "ada").save();
    const alan = (await kit.open(new TestJar())).session;
    await alan.set("userId", "alan").save();

    const listed = await sessions.listSessions("ada", { current: ada[0]!.session.id });
    expect(listed.map((info) => [info.current, info.device])).toEqual(
      expect.arrayContaining([[true, { label: "Firefox on Linux" }], [false, { label: "Firefox on Linux" }]]),
    );
    const other = await handleOf(ada[1]!.session.id!, PASSWORD);
    expect(await sessions.revokeSession("alan", other)).toBe(false);
    expect(await sessions.revokeSession("ada", await handleOf(alan.id!, PASSWORD))).toBe(false);
    expect(await sessions.revokeSession("ada", other)).toBe(true);
    expect(await sessions.revokeSession("ada", other)).toBe(false);
    expect((await sessions.listSessions("ada")).map((info) => info.handle)).toEqual([await handleOf(ada[0]!.session.id!, PASSWORD)]);
    expect((await sessions.listSessions("alan")).length).toBe(1);
  });
});
