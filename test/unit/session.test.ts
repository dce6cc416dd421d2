import { describe, expect, expectTypeOf, it } from "vitest";
import { SessionError, SessionReadOnlyError, SessionValidationError } from "../../src/errors.js";
import { memoryStore } from "../../src/stores/memory.js";
import { TestJar } from "./jar.js";
import { frozenClock, setup, T0 } from "./kit.js";

type Data = { userId?: string; role?: "admin" | "member"; cart?: string[]; notice?: string };

describe("Session data", () => {
  it("get/set/has/unset/clear/data are typed and behave", async () => {
    const { open } = setup();
    const { session } = await open<Data>(new TestJar());
    expectTypeOf(session.get("cart")).toEqualTypeOf<string[] | undefined>();
    const typeErrors = () => {
      // @ts-expect-error: not a key of Data
      session.get("nope");
      // @ts-expect-error: wrong value type
      session.set("role", "owner");
    };
    void typeErrors;

    session.set("userId", "u1").set("cart", ["a"]);
    expect(session.get("userId")).toBe("u1");
    expect(session.has("cart")).toBe(true);
    expect(session.data).toEqual({ userId: "u1", cart: ["a"] });
    expect(Object.isFrozen(session.data)).toBe(true);
    session.unset("cart");
    expect(session.has("cart")).toBe(false);
    expect(session.get("cart")).toBeUndefined();
    session.clear();
    expect(session.data).toEqual({});
  });

  it("serialises as its data: Response.json(session) sends the data, not {}", async () => {
    const { open, seed } = setup({ store: memoryStore() });
    const { session } = await open<Data>(await seed({ userId: "u1", cart: ["a"] }));
    session.set("role", "member");
    const expected = { userId: "u1", cart: ["a"], role: "member" };
    expect(JSON.parse(JSON.stringify(session))).toEqual(expected);
    expect(await Response.json(session).json()).toEqual(expected);
    expect(JSON.stringify({ session })).toBe(JSON.stringify({ session: expected }));
    expect(session.id).toEqual(expect.any(String));
    expect(JSON.stringify(session)).not.toContain(session.id!);
    expectTypeOf(session.toJSON()).toEqualTypeOf<Readonly<Partial<Data>>>();
  });

  it("round-trips through save and the next request", async () => {
    const { open, seed } = setup();
    const { session } = await open<Data>(await seed({ userId: "u1", cart: ["a", "b"] }));
    expect(session.isNew).toBe(false);
    expect(session.data).toEqual({ userId: "u1", cart: ["a", "b"] });
    expect(session.id).toBeUndefined();
  });

  it.each<[string, () => Parameters<typeof setup>[0]]>([
    ["sealed cookie store", () => ({})],
    ["signed cookie store", () => ({ cookie: { contentSecurity: "signed" } })],
    ["memory store", () => ({ store: memoryStore() })],
  ])(
    "keeps __proto__, constructor and prototype as plain own data (%s)",
    async (_name, options) => {
      const { open } = setup(options());
      const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
      const check = (data: Readonly<Record<string, unknown>>) => {
        expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(data, "__proto__")?.value).toEqual({ polluted: 1 });
        expect(Object.getOwnPropertyDescriptor(data, "constructor")?.value).toEqual({ prototype: { polluted: 1 } });
        expect(data.prototype).toBe("p");
        expect((data as { polluted?: unknown }).polluted).toBeUndefined();
      };
      const first = new TestJar();
      const { session } = await open(first);
      session.set("__proto__", { polluted: 1 }).set("constructor", { prototype: { polluted: 1 } }).set("prototype", "p");
      check(session.data);
      expect(session.get("__proto__")).toEqual({ polluted: 1 });
      expect(session.has("constructor")).toBe(true);
      await session.save();
      const second = first.next();
      const { session: loaded } = await open(second);
      check(loaded.data);
      loaded.set("other", 1);
      await loaded.save(); // an update: a server-side store writes only "other"
      const { session: updated } = await open(second.next());
      check(updated.data);
      updated.unset("__proto__");
      expect(updated.has("__proto__")).toBe(false);
      expect(Object.getPrototypeOf(updated.data)).toBe(Object.prototype);
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    },
  );

  it.each<[string, unknown, RegExp]>([
    ["a Date", new Date(), /is a Date \(store a timestamp: date\.getTime\(\), or an ISO string\)/],
    ["a Map", new Map(), /is a Map \(store a plain object: Object\.fromEntries\(map\)\)/],
    ["a Set", new Set(), /is a Set \(store an array: \[\.\.\.set\]\)/],
    ["a BigInt", 1n, /is a BigInt \(store it as a string: value\.toString\(\)\)/],
    ["a function", () => 1, /is a function \(store plain data only\)/],
    ["a class instance", new (class Cart {})(), /is an instance of Cart \(store a plain object with its fields\)/],
    ["NaN", Number.NaN, /is NaN \(not representable in JSON: store null or a finite number\)/],
    ["undefined", undefined, /is undefined \(use unset\(\) to remove a key, or store null\)/],
    ["a circular object", (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })(), /\.self is a circular reference/],
    ["a nested Date", { at: [new Date()] }, /the value\.at\[0\] is a Date/],
  ])("set refuses %s, saying what to store instead", async (_name, value, message) => {
    const { open } = setup();
    const { session } = await open(new TestJar());
    expect(() => session.set("value", value)).toThrow(SessionError);
    expect(() => session.set("value", value)).toThrow(message);
    expect(session.has("value")).toBe(false);
    expect(session.status).toBe("unchanged");
  });
});

describe("status precedence", () => {
  it("unchanged -> changed on set", async () => {
    const { session } = await setup().open(new TestJar());
    expect(session.status).toBe("unchanged");
    session.set("a", 1);
    expect(session.status).toBe("changed");
  });

  it("set after renew stays renewed", async () => {
    const { session } = await setup().open(new TestJar());
    await session.renew();
    session.set("a", 1);
    expect(session.status).toBe("renewed");
  });

  it("nothing leaves purged: destroy then set, renew or save stays purged and writes nothing", async () => {
    const jar = new TestJar();
    const { session } = await setup().open(jar);
    session.set("a", 1);
    await session.destroy();
    const writes = jar.writes.length;
    session.set("b", 2);
    await session.renew();
    await session.save();
    expect(session.status).toBe("purged");
    expect(jar.writes.length).toBe(writes);
  });
});

describe("flash", () => {
  it("is read once: get consumes it, and the consumption is saved", async () => {
    const { open } = setup();
    const jar = new TestJar();
    const first = await open<Data>(jar);
    first.session.flash("notice", "Welcome back");
    expect(first.session.status).toBe("changed");
    await first.session.save();

    const second = jar.next();
    const { session } = await open<Data>(second);
    expect(session.has("notice")).toBe(true);
    expect(session.data.notice).toBe("Welcome back");
    expect(session.get("notice")).toBe("Welcome back");
    expect(session.get("notice")).toBeUndefined();
    expect(session.has("notice")).toBe(false);
    await session.save();
    expect((await open<Data>(second.next())).session.has("notice")).toBe(false);
  });

  it("a pending flash dies with the session: destroy and purge remove its cookie too", async () => {
    const { open } = setup();
    const jar = new TestJar();
    const first = await open<Data>(jar);
    first.session.set("userId", "u1");
    first.session.flash("notice", "Welcome back");
    await first.session.save();

    const logout = jar.next();
    await (await open<Data>(logout)).session.destroy();
    expect(logout.removed).toEqual(expect.arrayContaining(["session", "session.flash"]));

    const tampered = jar.next();
    tampered.cookies.set("session", "garbage");
    await (await open<Data>(tampered)).purge();
    expect(tampered.removed).toEqual(expect.arrayContaining(["session", "session.flash"]));
  });

  it("stores a copy like set does: changing the value before save changes nothing", async () => {
    const { open } = setup();
    const jar = new TestJar();
    const { session } = await open<Data>(jar);
    const cart = ["a"];
    session.flash("cart", cart);
    cart.push("pushed after flash");
    await session.save();
    expect((await open<Data>(jar.next())).session.get("cart")).toEqual(["a"]);
  });

  it("refuses non-JSON values like set does", async () => {
    const { session } = await setup().open<Data>(new TestJar());
    expect(() => session.flash("notice", new Date() as never)).toThrow(/is a Date \(store a timestamp/);
  });
});

describe("save", () => {
  it("is a no-op when nothing changed: no cookie is written", async () => {
    const { open, seed } = setup();
    const jar = await seed({ userId: "u1" });
    const { session } = await open<Data>(jar);
    session.get("userId");
    await session.save();
    expect(jar.writes).toEqual([]);
  });
});

describe("in a read-only host (Server Component)", () => {
  it.each(["save", "renew", "destroy"] as const)("%s throws SessionReadOnlyError pointing at where writes work", async (method) => {
    const { open, seed } = setup();
    const { session } = await open<Data>(await seed({ userId: "u1" }), { writable: false });
    session.set("role", "admin");
    const error = await session[method]().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionReadOnlyError);
    expect((error as Error).message).toMatch(/Server Action.*Route Handler.*proxy/s);
  });

  it("reads work and set only changes the in-memory copy", async () => {
    const { open, seed } = setup();
    const jar = await seed({ userId: "u1" });
    const { session } = await open<Data>(jar, { writable: false });
    expect(session.get("userId")).toBe("u1");
    expect(session.has("userId")).toBe(true);
    session.set("role", "admin");
    expect(session.data).toEqual({ userId: "u1", role: "admin" });
    await expect(session.save()).rejects.toThrow(SessionReadOnlyError);
    expect(jar.writes).toEqual([]);
    expect((await open<Data>(jar.next())).session.data).toEqual({ userId: "u1" });
  });
});

describe("fresh login: renew({ authenticated: true }), authenticatedAt, isFresh", () => {
  const { advance } = frozenClock();

  describe.each([
    ["cookie store", () => setup()],
    ["memory store", () => setup({ store: memoryStore() })],
  ])("on the %s", (_name, make) => {
    it("is recorded by renew({ authenticated: true }), survives proxy renewals and plain renew(), and ends with destroy()", async () => {
      const { open, seed } = make();
      let jar = await seed({ name: "Ada" });
      const login = await open<Data>(jar);
      expect(login.session.authenticatedAt).toBeUndefined();
      expect(login.session.isFresh(300)).toBe(false);
      await login.session.renew({ authenticated: true });
      login.session.set("userId", "ada");
      await login.session.save();
      expect(login.session.authenticatedAt).toBe(T0);

      advance(60);
      jar = jar.next();
      const later = await open<Data>(jar);
      expect(later.session.authenticatedAt).toBe(T0);
      expect(later.session.isFresh(300)).toBe(true);
      expect(later.session.isFresh(59)).toBe(false);
      // Data changes and clear() cannot erase or forge it: it is not app data.
      later.session.clear().set("userId", "ada");
      await later.session.save();

      advance(2 * 3600); // past updateAge: the proxy renews the session
      jar = jar.next();
      const renewedByProxy = await open<Data>(jar, { renew: true });
      expect(renewedByProxy.renewed).toBe(true);
      expect(renewedByProxy.session.authenticatedAt).toBe(T0);
      expect(renewedByProxy.session.isFresh(300)).toBe(false);

      jar = jar.next();
      const plain = await open<Data>(jar);
      await plain.session.renew();
      expect(plain.session.authenticatedAt).toBe(T0);
      jar = jar.next();
      const reauth = await open<Data>(jar);
      expect(reauth.session.authenticatedAt).toBe(T0);
      await reauth.session.renew({ authenticated: true });
      expect(reauth.session.isFresh(300)).toBe(true);

      jar = jar.next();
      const logout = await open<Data>(jar);
      expect(logout.session.authenticatedAt).toBe(T0 + 2 * 3600 * 1000 + 60_000);
      await logout.session.destroy();
      expect(logout.session.authenticatedAt).toBeUndefined();
      expect(logout.session.isFresh(300)).toBe(false);
      const after = await open<Data>(jar.next());
      expect(after.session.isNew).toBe(true);
      expect(after.session.authenticatedAt).toBeUndefined();
    });
  });

  it("isFresh refuses a maxAge that is not a number of seconds", async () => {
    const { session } = await setup().open(new TestJar());
    expect(() => session.isFresh(Number.NaN)).toThrow(/isFresh\(maxAgeSeconds\) needs a number of seconds/);
  });
});

describe("the user field on a server-side store", () => {
  it("accepts a string or a number (indexed as its string form) and refuses anything else", async () => {
    const { session } = await setup({ store: memoryStore() }).open(new TestJar());
    session.set("userId", "ada").set("userId", 42).set("userId", null);
    for (const value of [true, { id: 42 }, ["ada"]]) expect(() => session.set("userId", value)).toThrow(SessionValidationError);
    // The cookie store keeps no index: any JSON value is fine there.
    const { session: cookie } = await setup().open(new TestJar());
    expect(() => cookie.set("userId", { id: 42 })).not.toThrow();
  });
});
