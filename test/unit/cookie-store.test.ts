import { sealData, unsealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { base64urlToText, textToBase64url } from "../../src/codec/base64url.js";
import { SessionTooLargeError, SessionValidationError } from "../../src/errors.js";
import { TestJar } from "./jar.js";
import { forgeToken, frozenClock, INHERITED_IDS, OTHER_PASSWORD, PASSWORD, setup, T0 } from "./kit.js";

const clock = frozenClock();
const signed = { cookie: { contentSecurity: "signed" as const } };

/** `n` characters of varied data. */
const noise = (n: number) => Array.from({ length: n }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7919) % 36]).join("");

/** Changes the middle character of a string to another of the same kind. */
function flip(text: string): string {
  const index = Math.floor(text.length / 2);
  const char = text[index]!;
  const other = /\d/.test(char) ? String((Number(char) + 1) % 10) : char === "A" ? "B" : "A";
  return text.slice(0, index) + other + text.slice(index + 1);
}

/** The seal of a fresh session holding `{ userId: "u1" }` made by `options`' app. */
async function sealOf(options: Parameters<typeof setup>[0] = {}): Promise<string> {
  return (await setup(options).seed({ userId: "u1" })).get("session")!;
}

describe("cookie store round trip", () => {
  it("seals data and metadata into the cookie, readable by the next request", async () => {
    const { open, seed } = setup();
    const jar = await seed({ userId: "plain-text-user-id", cart: ["a"] });
    expect(jar.get("session")).toMatch(/^Fe26\.2\*1\*/);
    expect(jar.get("session")).not.toContain("plain-text-user-id"); // encrypted, not just signed
    const { session, stale } = await open(jar);
    expect(stale).toBe(false);
    expect(session).toMatchObject({ isNew: false, id: undefined, createdAt: Date.now(), lastSeenAt: Date.now() });
    expect(session.data).toEqual({ userId: "plain-text-user-id", cart: ["a"] });
  });
});

describe("a bad cookie gives a new session and a report, never an exception", () => {
  const fields = ["prefix", "password id", "encryption salt", "iv", "ciphertext", "expiration", "hmac salt", "hmac"];

  // A password id raised above the known ones reads as a newer deployment's seal and is left
  // alone (see "password rotation"); one lowered below them is rejected like a retired password.
  it.each(fields.map((field, index) => ({ field, index })).filter(({ field }) => field !== "password id"))("tampered $field", async ({ index }) => {
    const parts = (await sealOf()).split("*");
    parts[index] = flip(parts[index]!);
    await expectRejected(parts.join("*"), "invalid");
  });

  it("tampered password id, lowered below the known ones", async () => {
    const parts = (await sealOf({ password: { 2: PASSWORD } })).split("*");
    parts[1] = "1";
    await expectRejected(parts.join("*"), "unknown-password", { password: { 2: PASSWORD } });
  });

  it.each<[string, () => Promise<string>, string]>([
    ["truncated", async () => (await sealOf()).slice(0, 120), "invalid"],
    ["foreign (another app's iron-session seal)", () => sealData({ userId: "u1" }, { password: OTHER_PASSWORD }), "invalid"],
    ["random garbage", async () => "q8Jz0-garbage-%%-not*a*seal", "invalid"],
    ["a JSON blob", async () => JSON.stringify({ userId: "admin" }), "invalid"],
    ["a signed-content cookie read by a private app", () => sealOf(signed), "invalid"],
    [
      "an expired seal",
      async () => {
        const seal = await sealOf({ idleTimeout: 600 });
        clock.advance(600 + 61); // past the seal's expiration and iron's 60 s skew
        return seal;
      },
      "expired",
    ],
  ])("%s", async (_name, make, reason) => {
    await expectRejected(await make(), reason);
  });

  it("a private seal read by a signed-content app", async () => {
    await expectRejected(await sealOf(), "invalid", signed);
  });

  it("an empty cookie counts as no cookie: nothing to report or purge", async () => {
    const { open, events } = setup();
    const { session, stale } = await open(new TestJar({ session: "" }));
    expect(session.isNew).toBe(true);
    expect(stale).toBe(false);
    expect(events).toEqual([]);
  });

  async function expectRejected(value: string, reason: string, options: Parameters<typeof setup>[0] = {}) {
    const { open, events } = setup(options);
    const jar = new TestJar({ session: value });
    const { session, stale, purge } = await open(jar);
    expect(session.isNew).toBe(true);
    expect(session.data).toEqual({});
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason }]);
    await purge();
    expect(jar.removed).toEqual(["session"]);
  }
});

describe("password rotation", () => {
  it("opens a cookie of an older password and re-seals with the newest id on save", async () => {
    const jar = await setup({ password: { 1: PASSWORD } }).seed({ userId: "u1" });
    const { open } = setup({ password: { 2: OTHER_PASSWORD, 1: PASSWORD } });
    const { session } = await open(jar);
    expect(session.get("userId")).toBe("u1");
    session.set("role", "admin");
    await session.save();
    expect(jar.written("session")!.value).toMatch(/^Fe26\.2\*2\*/);
    expect((await open(jar.next())).session.data).toEqual({ userId: "u1", role: "admin" });
  });

  it("leaves alone a cookie sealed under an id above every known one (a newer deployment's)", async () => {
    for (const options of [{}, signed]) {
      const jar = await setup({ ...options, password: { 2: OTHER_PASSWORD, 1: PASSWORD } }).seed({ userId: "u1" });
      expect(jar.get("session")).toMatch(/^Fe26\.2\*2\*|\.2\./);
      const { open, events } = setup({ ...options, password: { 1: PASSWORD } });
      const { session, stale, purge } = await open(jar);
      expect(session).toMatchObject({ isNew: true, unavailable: true, data: {} });
      expect(stale).toBe(false);
      await purge();
      await expect(session.set("userId", "u2").save()).rejects.toThrow(/newer than any this instance knows/);
      expect(jar.writes).toEqual([]);
      expect(events).toEqual([{ type: "newer-password" }]);
    }
  });

  it("sealWith: a new password deployed accepted-only seals with the current one, which old instances open", async () => {
    const phase1 = setup({ password: { 2: OTHER_PASSWORD, 1: PASSWORD }, sealWith: 1 });
    const jar = await phase1.seed({ userId: "u1" });
    expect(jar.get("session")).toMatch(/^Fe26\.2\*1\*/);
    expect((await setup({ password: { 1: PASSWORD } }).open(jar)).session.data).toEqual({ userId: "u1" });
    // Phase 2 seals with 2, which phase-1 instances already open.
    const phase2 = await setup({ password: { 2: OTHER_PASSWORD, 1: PASSWORD } }).seed({ userId: "u2" });
    expect(phase2.get("session")).toMatch(/^Fe26\.2\*2\*/);
    expect((await phase1.open(phase2)).session.data).toEqual({ userId: "u2" });
  });

  it("rejects a cookie whose password was removed, as unknown-password", async () => {
    const jar = await setup({ password: { 1: PASSWORD } }).seed({ userId: "u1" });
    const { open, events } = setup({ password: { 2: OTHER_PASSWORD } });
    expect((await open(jar)).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "unknown-password" }]);
  });
});

describe("moving from iron-session (migrateFromIronSession)", () => {
  const migrate = { migrateFromIronSession: true };
  const ironSeal = (ttl?: number) => sealData({ userId: "u1" }, { password: PASSWORD, ...(ttl === undefined ? {} : { ttl }) });
  /** The seal's own expiration field, epoch ms. */
  const sealExpiry = (seal: string) => Number(seal.split("*")[5]);

  it("is off by default: a plain iron-session seal (a magic link, an invite) is no session", async () => {
    const { open, events } = setup();
    const jar = new TestJar({ session: await ironSeal() });
    const { session, stale, purge } = await open(jar);
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "not-migrated" }]);
    await purge();
    expect(jar.removed).toEqual(["session"]);
  });

  it("opens a plain iron-session cookie sealed with the same password when turned on", async () => {
    const jar = new TestJar({ session: await ironSeal() });
    const { session } = await setup(migrate).open(jar);
    expect(session.isNew).toBe(false);
    expect(session.data).toEqual({ userId: "u1" });
  });

  it("refuses a seal without an expiry (ttl: 0)", async () => {
    const { open, events } = setup(migrate);
    const { session, stale } = await open(new TestJar({ session: await ironSeal(0) }));
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "no-expiry" }]);
  });

  it("never outlives the seal's own expiry, through renewals and saves", async () => {
    const { open } = setup({ ...migrate, idleTimeout: 3600, renewal: { policy: "on-every-request", updateAge: 60 } });
    const seal = await ironSeal(900); // a 15-minute token
    let jar = new TestJar({ session: seal });
    const end = sealExpiry(seal);
    for (let step = 0; step < 3; step++) {
      const { session } = await open(jar, { renew: true });
      expect(session.isNew).toBe(false);
      expect(session.expiresAt).toBeLessThanOrEqual(end);
      session.set("step", step);
      await session.save();
      expect(session.expiresAt).toBeLessThanOrEqual(end);
      jar = jar.next();
      clock.advance(300);
    }
    expect(jar.get("session")).toMatch(/^Fe26\.2\*1\*/);
    clock.advance(60); // past the seal's expiry
    expect((await open(jar, { renew: true })).session.isNew).toBe(true);
  });

  it("ends absoluteTimeout after the import when that comes first", async () => {
    const absoluteTimeout = 2 * 3600;
    const { open } = setup({ ...migrate, idleTimeout: 3600, absoluteTimeout, renewal: { policy: "on-every-request", updateAge: 60 } });
    let jar = new TestJar({ session: await ironSeal() }); // 14 days
    const imported = Date.now();
    for (let step = 0; step < 4; step++) {
      const { session } = await open(jar, { renew: true });
      expect(session.isNew).toBe(false);
      expect(session.expiresAt).toBeLessThanOrEqual(imported + absoluteTimeout * 1000);
      jar = jar.next();
      clock.advance(1800);
    }
    expect((await open(jar, { renew: true })).session.isNew).toBe(true);
  });

  it("a renew() (a login) starts a session of full length", async () => {
    const { open } = setup({ ...migrate, idleTimeout: 3600 });
    const jar = new TestJar({ session: await ironSeal(900) });
    const { session } = await open(jar);
    await session.renew();
    expect(session.expiresAt).toBe(Date.now() + 3600 * 1000);
  });

  it("but never opens a flash seal (ours, tagged) as a session", async () => {
    const { open } = setup(migrate);
    const jar = new TestJar();
    const first = await open(jar);
    first.session.flash("notice", "hi");
    await first.session.save();
    const flashSeal = jar.written("session.flash")!.value;
    expect((await open(new TestJar({ session: flashSeal }))).session.isNew).toBe(true);
  });
});

describe("two-way migration: while migrating, cookies plain iron-session reads as the same data", () => {
  const migrate = { migrateFromIronSession: true, idleTimeout: 3600 };
  const ironOpen = (seal: string) => unsealData<Record<string, unknown>>(seal, { password: PASSWORD });
  /** What the iron-session app does on `save()`: re-seal its session object with its own ttl. */
  const ironSave = (value: Record<string, unknown>) => sealData(value, { password: PASSWORD, ttl: 14 * 24 * 3600 });

  it("writes the data at the top level and the metadata under __nsk", async () => {
    const jar = await setup(migrate).seed({ userId: "u1", cart: ["tea"] });
    expect(await ironOpen(jar.get("session")!)).toEqual({
      userId: "u1",
      cart: ["tea"],
      __nsk: { n: "session", c: Date.now(), s: Date.now(), e: Date.now() + 3600_000 },
    });
  });

  it("opens what iron-session re-saved: its data changes, our timeouts (kept in __nsk) still hold", async () => {
    const { open } = setup(migrate);
    const first = await setup(migrate).seed({ userId: "u1" });
    const opened = await ironOpen(first.get("session")!);
    clock.advance(600);
    const jar = new TestJar({ session: await ironSave({ ...opened, cart: ["tea"] }) });
    const { session } = await open(jar);
    expect(session.data).toEqual({ userId: "u1", cart: ["tea"] });
    expect(session.expiresAt).toBe(T0 + 3600_000); // not the iron seal's 14 days
    clock.advance(3000); // past our idle timeout, well within iron's ttl
    expect((await open(jar)).session.isNew).toBe(true);
  });

  it("reads both shapes whether migrating or not, and writes the shape of the current setting", async () => {
    const nested = await setup().seed({ userId: "u1" });
    const shared = await setup(migrate).seed({ userId: "u1" });
    for (const [jar, options] of [[nested, migrate], [shared, {}]] as const) {
      const { session } = await setup(options).open(jar);
      expect(session.data).toEqual({ userId: "u1" });
      await session.set("step", 1).save();
      const written = await ironOpen(jar.written("session")!.value);
      expect(Object.hasOwn(written, "__nsk")).toBe(options === migrate);
    }
  });

  it("refuses a shared seal written for another cookie", async () => {
    const jar = await setup({ ...migrate, cookie: { name: "admin" } }).seed({ userId: "u1" });
    const { open, events } = setup(migrate);
    expect((await open(new TestJar({ session: jar.get("admin")! }))).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "other-cookie" }]);
  });

  it.each([["migrating", migrate], ["not migrating", {}]] as const)("set(\"__nsk\") is refused (%s): the key is reserved", async (_, options) => {
    const { session } = await setup(options).open(new TestJar());
    expect(() => session.set("__nsk", {})).toThrow(SessionValidationError);
    expect(() => session.set("__nsk", {})).toThrow(/"__nsk" is reserved/);
  });
});

describe("chunking", () => {
  /** Sessions of ~8 KB sealed: over the default budget, so these raise it to the maximum. */
  const large = { cookie: { maxBytes: 14336 } };

  it("splits a large session across session.0, session.1… and reads it back", async () => {
    const { open, seed } = setup(large);
    const jar = await seed({ blob: noise(6000) });
    expect([...jar.cookies.keys()]).toEqual(["session.0", "session.1", "session.2"]);
    expect((await open(jar)).session.get("blob")).toBe(noise(6000));
  });

  it("expires stale chunks when the session shrinks, and the whole-name cookie when it grows", async () => {
    const { open, seed } = setup(large);
    const small = await seed({ userId: "u1" });
    const jar = await seed({ blob: noise(6000) }, small);
    expect([...jar.cookies.keys()]).toEqual(["session.0", "session.1", "session.2"]);

    const { session } = await open(jar);
    session.unset("blob");
    await session.save();
    expect(jar.removed).toEqual(["session.0", "session.1", "session.2"]);
    expect([...jar.next().cookies.keys()]).toEqual(["session"]);
    expect((await open(jar.next())).session.data).toEqual({ userId: "u1" });
  });

  it("refuses a session over the Cookie header budget with SessionTooLargeError naming the budget and the fix, writing nothing", async () => {
    const { open } = setup();
    const jar = new TestJar();
    const { session } = await open(jar);
    session.set("blob", noise(4000)); // ~5.5 KB sealed: fits the default 6144
    await session.save();
    session.set("blob", noise(5000)); // ~6.9 KB sealed: does not
    await expect(session.save()).rejects.toThrow(SessionTooLargeError);
    await expect(session.save()).rejects.toThrow(/over the budget of 6144 \(`cookie.maxBytes`\).*server-side store \(kvStore\(\) or redisStore\(\)\).*at most 14336/s);
    // Only the first save wrote; the refused one left the cookies it had written alone.
    expect(jar.writes.filter((write) => write.value !== "").map((write) => write.name)).toEqual(["session.0", "session.1"]);
    expect((await open(jar.next())).session.get("blob")).toBe(noise(4000));
  });

  it("the largest budget still refuses what cannot fit", async () => {
    const { open } = setup(large);
    const { session } = await open(new TestJar());
    session.set("blob", noise(20_000));
    await expect(session.save()).rejects.toThrow(/over the budget of 14336/);
  });

  it("purges a request whose session cookies exceed the budget (from a larger budget, or forged), reading it as no session", async () => {
    const jar = await setup(large).seed({ userId: "u1", blob: noise(6000) });
    const { open, events } = setup();
    const { session, stale, purge } = await open(jar);
    expect(session.isNew).toBe(true);
    expect(session.get("userId")).toBeUndefined();
    expect(stale).toBe(true);
    expect(events).toContainEqual({ type: "invalid-cookie", reason: "too-large" });
    await purge();
    expect(jar.removed).toEqual(["session.0", "session.1", "session.2"]);
  });

  it("destroy expires every chunk with the cookie's Path, Domain, Secure and SameSite", async () => {
    const cookie = { path: "/app", domain: "example.com", secure: true, sameSite: "strict" as const };
    const { open, seed } = setup({ cookie: { ...cookie, maxBytes: 14336 } });
    const jar = await seed({ blob: noise(6000) });
    const { session } = await open(jar);
    await session.destroy();
    expect(jar.writes).toEqual(
      ["session.0", "session.1", "session.2"].map((name) => ({ name, value: "", attributes: { ...cookie, httpOnly: true, maxAge: 0 } })),
    );
    expect((await open(jar.next())).session.isNew).toBe(true);
  });
});

describe('contentSecurity: "signed"', () => {
  it("round-trips, and the client can read (not change) the data", async () => {
    const { open, seed } = setup(signed);
    const jar = await seed({ userId: "u1" });
    const [payload] = jar.get("session")!.split(".");
    expect(base64urlToText(payload!)).toContain('"userId":"u1"');
    expect((await open(jar)).session.data).toEqual({ userId: "u1" });
  });

  it("rejects a cookie whose data was changed", async () => {
    const { open, seed, events } = setup(signed);
    const [payload, ...rest] = (await seed({ userId: "u1" })).get("session")!.split(".");
    const forged = textToBase64url(base64urlToText(payload!)!.replace('"u1"', '"admin"'));
    const { session } = await open(new TestJar({ session: [forged, ...rest].join(".") }));
    expect(session.isNew).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "invalid" }]);
  });

  it.each(INHERITED_IDS)("rejects data signed under the inherited password id $id", async ({ id, secret }) => {
    const data = { nsk: 1, d: { userId: "admin" }, c: Date.now(), s: Date.now(), e: Date.now() + 60_000 };
    const token = await forgeToken(textToBase64url(JSON.stringify({ v: data, e: data.e })), id, secret, "signed-cookie");
    const { session } = await setup(signed).open(new TestJar({ session: token }));
    expect(session.get("userId")).toBeUndefined();
  });
});
