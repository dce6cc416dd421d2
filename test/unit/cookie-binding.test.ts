/**
 * A cookie belongs to one app configuration: two configurations sharing a password and a store
 * (an admin area next to a customer area) refuse each other's cookies, both ways, on every kind
 * of cookie (sealed, signed, a server-side id, a flash); 0.1.0's unbound cookies are refused too.
 */
import { describe, expect, it } from "vitest";
import { ironCodec } from "../../src/codec/iron.js";
import { memoryStore } from "../../src/stores/memory.js";
import { TestJar } from "./jar.js";
import { frozenClock, PASSWORD, setup } from "./kit.js";

frozenClock();
const encoder = new TextEncoder();

const kinds = {
  "sealed cookie store": () => ({}),
  "signed cookie store": () => ({ cookie: { contentSecurity: "signed" as const } }),
  "server-side store": () => ({ store: memoryStore() }),
};

describe.each(Object.entries(kinds))("%s", (_kind, options) => {
  /** The configuration whose cookie is called `name`. */
  const area = (name: string) => {
    const given = options() as { cookie?: object; store?: ReturnType<typeof memoryStore> };
    return setup({ ...given, cookie: { ...given.cookie, name } });
  };

  it("a cookie moved between two configurations sharing the password is refused, both ways", async () => {
    const [admin, shop] = [area("admin"), area("shop")];
    const fromAdmin = (await admin.seed({ userId: "root" })).get("admin")!;
    const fromShop = (await shop.seed({ userId: "shopper" })).get("shop")!;
    expect((await shop.open(new TestJar({ shop: fromAdmin }))).session.isNew).toBe(true);
    expect((await admin.open(new TestJar({ admin: fromShop }))).session.isNew).toBe(true);
    expect([...admin.events, ...shop.events].map((event) => event.type)).toEqual(["invalid-cookie", "invalid-cookie"]);
    // Each still opens its own.
    expect((await admin.open(new TestJar({ admin: fromAdmin }))).session.get("userId")).toBe("root");
    expect((await shop.open(new TestJar({ shop: fromShop }))).session.get("userId")).toBe("shopper");
  });

  it("a flash moved between them is not shown", async () => {
    const [admin, shop] = [area("admin"), area("shop")];
    const jar = new TestJar();
    const { session } = await admin.open(jar);
    session.flash("notice", "for admins only");
    await session.save();
    const flash = jar.written("admin.flash")!.value;
    expect((await shop.open(new TestJar({ "shop.flash": flash }))).session.get("notice")).toBeUndefined();
    expect((await admin.open(new TestJar({ "admin.flash": flash }))).session.get("notice")).toBe("for admins only");
  });
});

describe("0.1.0 cookies (bound to no cookie name) are refused", () => {
  it("a 0.1.0 seal", async () => {
    const now = Date.now();
    const seal = await ironCodec({ 1: PASSWORD }).seal({ nsk: 1, d: { userId: "u1" }, c: now, s: now, e: now + 60_000 }, now + 60_000);
    const { open, events } = setup();
    expect((await open(new TestJar({ session: seal }))).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "other-cookie" }]);
  });

  it("a 0.1.0 signed id (key label v1)", async () => {
    const { open, seed, events } = setup({ store: memoryStore() });
    const [id] = (await seed({ userId: "u1" })).get("session")!.split(".");
    const key = async (raw: BufferSource) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const v1 = await crypto.subtle.sign("HMAC", await key(encoder.encode(PASSWORD)), encoder.encode("next-session-kit/session-id/v1"));
    const mac = Buffer.from(await crypto.subtle.sign("HMAC", await key(v1), encoder.encode(`${id}.1`))).toString("base64url");
    events.length = 0;
    expect((await open(new TestJar({ session: `${id}.1.${mac}` }))).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "invalid" }]);
  });
});
