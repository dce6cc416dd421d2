import fc from "fast-check";
import { createCipheriv, createHmac, pbkdf2Sync } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { defaults, hmacWithPassword, seal as ironWebcryptoSeal } from "iron-webcrypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ironCodecNode } from "../../src/codec/iron-node.js";
import { ironCodec, type PasswordMap } from "../../src/codec/iron.js";
import type { UnsealResult } from "../../src/stores/types.js";

// Lets one test feed both libraries the same "random" bytes to compare seals byte for byte.
// The codec loads node:crypto through process.getBuiltinModule (never a static import, so the
// proxy bundle loads on Edge), hence patching what that returns rather than a module mock.
const fixedRandom = { bytes: undefined as Uint8Array | undefined };
const realCrypto = process.getBuiltinModule("node:crypto");
const patchedCrypto = {
  ...realCrypto,
  randomFillSync: <T extends NodeJS.ArrayBufferView>(target: T): T => {
    if (!fixedRandom.bytes) return realCrypto.randomFillSync(target);
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(fixedRandom.bytes);
    return target;
  },
};
// The library loads node:crypto once per process (src/codec/node-crypto.ts): hand it the patched
// module before anything here builds a codec, and put the real lookup back right after.
const realGetBuiltinModule = process.getBuiltinModule.bind(process);
const lookup = vi.spyOn(process, "getBuiltinModule").mockImplementation(((id: string) =>
  id === "node:crypto" ? patchedCrypto : realGetBuiltinModule(id)) as typeof process.getBuiltinModule);
ironCodecNode({ 1: "a-password-only-used-to-load-node-crypto-once" });
lookup.mockRestore();
/**
 * Both Iron codecs, each held to iron-session 9 by every test below: the Node one (always
 * available under Node) and the Web Crypto one (the Edge runtime's). `web` says how a codec
 * draws its randomness: one `getRandomValues` call of both salts and the IV, or node:crypto.
 */
const CODECS = [
  { name: "ironCodecNode (node:crypto)", codecOf: (passwords: PasswordMap) => ironCodecNode(passwords)!, web: false },
  { name: "ironCodec (Web Crypto)", codecOf: (passwords: PasswordMap) => ironCodec(passwords), web: true },
];

// Fixed so CI is reproducible; on failure fast-check prints the seed and path to replay.
const fcOptions = { numRuns: 500, seed: Number(process.env.FC_SEED ?? 0x1e0_2026) };

const OLD = "old-password-old-password-old-password!";
const NEW = "new-password-new-password-new-password!";
const OTHER = "another-password-that-is-long-enough-x";
const HOUR = 3_600_000;
const SEAL_FORMAT =
  /^Fe26\.2\*(\d+)\*[0-9a-f]{64}\*[A-Za-z0-9_-]{22}\*[A-Za-z0-9_-]+\*(\d+)\*[0-9a-f]{64}\*[A-Za-z0-9_-]{43}~2$/;

afterEach(() => {
  vi.restoreAllMocks();
  fixedRandom.bytes = undefined;
});

/** iron-session's verdict on a seal, in our result shape. */
async function ironVerdict(seal: string, password: PasswordMap | string): Promise<UnsealResult> {
  let failure: UnsealResult | undefined;
  const value = await unsealData(seal, { password, onUnsealError: (reason) => (failure = { ok: false, reason }) });
  return failure ?? { ok: true, value };
}

/** What any seal of `value` opens to under iron-session's rules. */
function expectedValue(value: unknown): unknown {
  const copy = value !== null && typeof value === "object" ? { ...value } : value;
  return JSON.parse(JSON.stringify(copy)) ?? {};
}

const fields = (seal: string): string[] => seal.replace(/~.*$/, "").split("*");
const expirationOf = (seal: string): number => Number(fields(seal)[5]);

const unicodeJson = fc.jsonValue({ stringUnit: "binary", maxDepth: 5 });
const payload = fc.oneof(
  { arbitrary: fc.dictionary(fc.string({ unit: "binary" }), unicodeJson), weight: 4 },
  { arbitrary: unicodeJson, weight: 1 },
);
const secret = fc.string({ unit: "binary", minLength: 32, maxLength: 48 });
/** A password map and a non-empty part of it: the "old" deployment's map. */
const rotation = fc
  .uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 10_000 }), secret }), { selector: (entry) => entry.id, minLength: 1, maxLength: 4 })
  .chain((entries) =>
    fc.subarray(entries, { minLength: 1 }).map((older) => ({
      all: Object.fromEntries(entries.map((entry) => [entry.id, entry.secret])) as PasswordMap,
      older: Object.fromEntries(older.map((entry) => [entry.id, entry.secret])) as PasswordMap,
      newestOlderId: String(Math.max(...older.map((entry) => entry.id))),
    })),
  );

describe.each(CODECS)("$name", ({ codecOf, web }) => {
  describe("against iron-session", () => {
    it("opens what iron-session seals, under any map that still holds the sealing password", async () => {
      await fc.assert(
        fc.asyncProperty(payload, rotation, async (value, { all, older }) => {
          const seal = await sealData(value, { password: older, ttl: 3600 });
          const result = await codecOf(all).unseal(seal);
          expect(result).toEqual({ ok: true, value: expectedValue(value) });
          expect(result).toEqual(await ironVerdict(seal, all));
        }),
        fcOptions,
      );
    });

    it("seals what iron-session opens, with the newest password and the Fe26.2~2 format", async () => {
      await fc.assert(
        fc.asyncProperty(payload, rotation, async (value, { all, older, newestOlderId }) => {
          const seal = await codecOf(older).seal(value, Date.now() + HOUR);
          expect(seal).toMatch(SEAL_FORMAT);
          expect(fields(seal)[1]).toBe(newestOlderId);
          expect(await ironVerdict(seal, all)).toEqual({ ok: true, value: expectedValue(value) });
        }),
        fcOptions,
      );
    });

    it("writes the same bytes as iron-webcrypto given the same randomness and clock", async () => {
      await fc.assert(
        fc.asyncProperty(payload, fc.uint8Array({ minLength: 80, maxLength: 80 }), async (value, bytes) => {
          const clock = vi.spyOn(Date, "now").mockReturnValue(1_800_000_000_000);
          // iron-webcrypto draws the IV, then the encryption salt, then the HMAC salt; the Web
          // Crypto codec draws all three at once after it, in the order node:crypto's fill has.
          const draws = [bytes.subarray(64, 80), bytes.subarray(0, 32), bytes.subarray(32, 64), ...(web ? [bytes] : [])];
          const random = vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(target: T): T => {
            new Uint8Array(target!.buffer, target!.byteOffset, target!.byteLength).set(draws.shift()!);
            return target;
          });
          fixedRandom.bytes = bytes;
          const theirs = await sealData(value, { password: { 7: NEW, 3: OLD }, ttl: 120 });
          const ours = await codecOf({ 7: NEW, 3: OLD }).seal(value, Date.now() + 120_000);
          expect(ours).toBe(theirs);
          clock.mockRestore();
          random.mockRestore();
        }),
        { ...fcOptions, numRuns: 200 },
      );
    });

    it("maps a single string password to id 1, as iron-session does", async () => {
      const codec = codecOf({ 1: OLD });
      const fromIron = await sealData({ a: "ü" }, { password: OLD });
      expect(await codec.unseal(fromIron)).toEqual({ ok: true, value: { a: "ü" } });
      const ours = await codec.seal({ b: [1, 2] }, Date.now() + HOUR);
      expect(fields(ours)[1]).toBe("1");
      expect(await ironVerdict(ours, OLD)).toEqual({ ok: true, value: { b: [1, 2] } });
    });

    it("looks an empty password id up as `default`, as iron-webcrypto does", async () => {
      const seal = await ironWebcryptoSeal({ a: 1 }, OLD, defaults);
      expect(fields(seal)[1]).toBe("");
      expect(await codecOf({ default: OLD }).unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
      expect(await codecOf({ 1: OLD }).unseal(seal)).toEqual({ ok: false, reason: "unknown-password" });
      expect(await ironVerdict(seal, OLD)).toEqual({ ok: false, reason: "unknown-password" });
    });

    it("treats a seal that needs a rotated-out or unknown password as unknown-password", async () => {
      const seal = await sealData({ a: 1 }, { password: { 1: OLD } });
      expect(await codecOf({ 2: NEW }).unseal(seal)).toEqual({ ok: false, reason: "unknown-password" });
      const ours = await codecOf({ 2: NEW, 1: OLD }).seal({ a: 1 }, Date.now() + HOUR);
      expect(await codecOf({ 1: OLD }).unseal(ours)).toEqual({ ok: false, reason: "unknown-password" });
      expect(await ironVerdict(ours, { 1: OLD })).toEqual({ ok: false, reason: "unknown-password" });
    });

    it("rejects a wrong password under a known id as invalid", async () => {
      const seal = await sealData({ a: 1 }, { password: { 1: OLD } });
      expect(await codecOf({ 1: OTHER }).unseal(seal)).toEqual({ ok: false, reason: "invalid" });
      expect(await ironVerdict(seal, { 1: OTHER })).toEqual({ ok: false, reason: "invalid" });
    });

    it("classifies inherited or too-short map entries like iron-webcrypto", async () => {
      const seal = await sealData({ a: 1 }, { password: { 1: OLD } });
      for (const id of ["constructor", "toString", "__proto__", "2"]) {
        const forged = seal.replace(/^Fe26\.2\*1\*/, `Fe26.2*${id}*`);
        const passwords = { 1: OLD, 2: "too-short" };
        expect(await codecOf(passwords).unseal(forged)).toEqual(await ironVerdict(forged, passwords));
      }
    });

    it("opens a sealed null as an empty object and a sealed string as itself, like iron-session", async () => {
      const codec = codecOf({ 1: OLD });
      for (const value of [null, "text", 0, false, [1, 2]]) {
        const expected = await ironVerdict(await sealData(value, { password: OLD }), OLD);
        expect(await codec.unseal(await codec.seal(value, Date.now() + HOUR))).toEqual(expected);
      }
    });

    it("decodes the plaintext as iron-webcrypto does (a leading BOM is dropped)", async () => {
      const seal = await ironWebcryptoSeal(null, { id: "1", secret: OLD }, { ...defaults, encode: () => '\uFEFF{"a":1}' });
      expect(await codecOf({ 1: OLD }).unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
      expect(await ironVerdict(seal, OLD)).toEqual({ ok: true, value: { a: 1 } });
    });
  });

  describe("expiry", () => {
    it("expires iron-session seals 60 s after their expiration, exactly when iron-session does", async () => {
      const seal = await sealData({ a: 1 }, { password: OLD, ttl: 10 });
      const expiration = expirationOf(seal);
      const codec = codecOf({ 1: OLD });
      vi.spyOn(Date, "now").mockReturnValue(expiration + 59_999);
      expect(await codec.unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
      expect(await ironVerdict(seal, OLD)).toEqual({ ok: true, value: { a: 1 } });
      vi.spyOn(Date, "now").mockReturnValue(expiration + 60_000);
      expect(await codec.unseal(seal)).toEqual({ ok: false, reason: "expired" });
      expect(await ironVerdict(seal, OLD)).toEqual({ ok: false, reason: "expired" });
    });

    it("rounds expiresAt up to whole seconds from now, like ironCodec's ttl", async () => {
      const now = 1_800_000_000_000;
      vi.spyOn(Date, "now").mockReturnValue(now);
      for (const [expiresAt, expiration] of [[now + 1500, now + 2000], [now + 3000, now + 3000], [now - 5000, now + 1000]]) {
        const ours = await codecOf({ 1: OLD }).seal({}, expiresAt!);
        const portable = await ironCodec({ 1: OLD }).seal({}, expiresAt!);
        expect(expirationOf(ours)).toBe(expiration);
        expect(expirationOf(portable)).toBe(expiration);
      }
    });

    it("reports a past expiration as expired before checking the HMAC, like iron-webcrypto", async () => {
      const seal = fields(await sealData({ a: 1 }, { password: OLD })).with(5, "1000").join("*");
      expect(await codecOf({ 1: OLD }).unseal(seal)).toEqual({ ok: false, reason: "expired" });
      expect(await ironVerdict(seal, OLD)).toEqual({ ok: false, reason: "expired" });
    });

    it("opens seals without an expiration (ttl 0) at any time", async () => {
      const seal = await sealData({ a: 1 }, { password: OLD, ttl: 0 });
      expect(fields(seal)[5]).toBe("");
      vi.spyOn(Date, "now").mockReturnValue(8_000_000_000_000);
      expect(await codecOf({ 1: OLD }).unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
    });
  });

  describe("malformed seals", () => {
    const passwords = { 2: NEW, 1: OLD };
    const codec = codecOf(passwords);
    const sealed = sealData({ user: "zoë", roles: ["admin"], n: 1.5 }, { password: passwords });

    /** Our verdict equals iron-session's; returns it. */
    async function sameVerdict(seal: string): Promise<UnsealResult> {
      const ours = await codec.unseal(seal);
      expect(ours).toEqual(await ironVerdict(seal, passwords));
      return ours;
    }

    it("rejects a change to any character class inside every field", async () => {
      const seal = await sealed;
      const parts = fields(seal);
      for (let index = 0; index < parts.length; index++) {
        const field = parts[index]!;
        const at = Math.floor(field.length / 2);
        const swapped = field[at] === "1" ? "2" : field[at] === "a" ? "b" : "a";
        const flipped = parts.with(index, field.slice(0, at) + swapped + field.slice(at + 1)).join("*") + "~2";
        expect((await sameVerdict(flipped)).ok, `field ${index}`).toBe(false);
      }
    });

    it("agrees with iron-session on random single-character edits (including ignored base64 bits)", async () => {
      const seal = await sealed;
      const char = fc.constantFrom(..."Aa0_-+/=*~ \n.ü", "😀");
      const edit = fc.oneof(
        fc.record({ kind: fc.constant("replace" as const), at: fc.nat(seal.length - 1), char }),
        fc.record({ kind: fc.constant("insert" as const), at: fc.nat(seal.length), char }),
        fc.record({ kind: fc.constant("delete" as const), at: fc.nat(seal.length - 1), char: fc.constant("") }),
      );
      await fc.assert(
        fc.asyncProperty(edit, async ({ kind, at, char }) => {
          const end = kind === "insert" ? at : at + 1;
          await sameVerdict(seal.slice(0, at) + (kind === "delete" ? "" : char) + seal.slice(end));
        }),
        fcOptions,
      );
    });

    it("accepts exactly the digest spellings iron-session accepts (the digest is outside the HMAC)", async () => {
      const seal = (await sealed).slice(0, -2);
      const digest = seal.slice(seal.lastIndexOf("*") + 1);
      const head = seal.slice(0, -digest.length);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const spellings: [string, boolean][] = [
        [digest + "=", true],
        [digest.replaceAll("-", "+").replaceAll("_", "/"), true],
        [digest.slice(0, -1) + alphabet[alphabet.indexOf(digest.at(-1)!) ^ 1], true], // only ignored bits differ
        [`${digest.slice(0, 20)} ${digest.slice(20)}`, true],
        [`${digest.slice(0, 20)} \n\t${digest.slice(20)}`, false],
        [digest + "==", false],
        [digest.slice(0, -1), false],
      ];
      for (const [spelling, opens] of spellings) expect((await sameVerdict(head + spelling)).ok).toBe(opens);
    });

    it("agrees with iron-session on re-MACed edits of the IV and ciphertext (a key holder's forgeries)", async () => {
      // A 33-byte plaintext pads to 48 bytes: 64 base64url characters, so one more character
      // leaves a length that Buffer would decode but iron-session's atob refuses.
      const parts = fields(await sealData({ a: "x".repeat(25) }, { password: passwords }));
      const remac = async (edited: string[]) => {
        const base = edited.slice(0, 6).join("*");
        const { digest, salt } = await hmacWithPassword(NEW, defaults.integrity, base);
        return `${base}*${salt}*${digest}~2`;
      };
      expect(await sameVerdict(await remac(parts))).toEqual({ ok: true, value: { a: "x".repeat(25) } });
      expect(await sameVerdict(await remac(parts.with(4, `${parts[4]}A`)))).toEqual({ ok: false, reason: "invalid" });
      const char = fc.constantFrom(..."Aa0_-+/= \n=*");
      const edit = fc.record({ field: fc.constantFrom(3, 4), at: fc.nat(70), char, remove: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(edit, async ({ field, at, char, remove }) => {
          const text = parts[field]!;
          const cut = Math.min(at, text.length);
          const edited = text.slice(0, cut) + (remove ? "" : char) + text.slice(remove ? cut + 1 : cut);
          await sameVerdict(await remac(parts.with(field, edited.replaceAll("*", ""))));
        }),
        { ...fcOptions, numRuns: 300 },
      );
    });

    it("never opens seals with empty salts, which iron-webcrypto would replace with random ones", async () => {
      const key = (salt: string) => pbkdf2Sync(NEW, salt, 1, 32, "sha1");
      for (const [encryptionSalt, hmacSalt] of [["", "s"], ["s", ""], ["", ""]] as const) {
        const iv = Buffer.alloc(16, 7);
        const cipher = createCipheriv("aes-256-cbc", key(encryptionSalt), iv);
        const encrypted = Buffer.concat([cipher.update('{"a":1}'), cipher.final()]);
        const base = `Fe26.2*2*${encryptionSalt}*${iv.toString("base64url")}*${encrypted.toString("base64url")}*`;
        const digest = createHmac("sha256", key(hmacSalt)).update(base).digest("base64url");
        expect(await sameVerdict(`${base}*${hmacSalt}*${digest}~2`)).toEqual({ ok: false, reason: "invalid" });
      }
    });

    it("rejects every truncation except dropping the version suffix", async () => {
      const seal = await sealed;
      for (let length = 0; length < seal.length; length++) {
        const result = await sameVerdict(seal.slice(0, length));
        expect(result.ok).toBe(length >= seal.length - 2);
      }
    });

    it("opens without the ~2 suffix or with any other suffix, and rejects extra fields", async () => {
      const seal = (await sealed).slice(0, -2);
      for (const suffix of ["", "~", "~3", "~2~2", "~anything*at*all"]) expect((await sameVerdict(seal + suffix)).ok).toBe(true);
      for (const extra of [`${seal}*`, `${seal}*x~2`, `*${seal}~2`, `${seal.replace("*", "**")}~2`]) {
        expect(await sameVerdict(extra)).toEqual({ ok: false, reason: "invalid" });
      }
    });

    it("rejects garbage and eight-field forgeries, as iron-session does", async () => {
      const forged = fc
        .tuple(fc.constantFrom("1", "2", "", "3"), fc.array(fc.string({ unit: "binary" }).map((s) => s.replace(/[*~]/g, "")), { minLength: 6, maxLength: 6 }))
        .map(([id, rest]) => ["Fe26.2", id, ...rest].join("*"));
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ unit: "binary" }), forged), async (garbage) => {
          expect((await sameVerdict(garbage)).ok).toBe(false);
        }),
        fcOptions,
      );
    });

    it("handles very long input without throwing", async () => {
      for (const huge of ["A".repeat(5_000_000), "*".repeat(1_000_000), `Fe26.2*1*a*b*${"A".repeat(2_000_000)}**c*d`, "~".repeat(100_000)]) {
        expect(await codec.unseal(huge)).toEqual({ ok: false, reason: "invalid" });
      }
    });

    it("round-trips a large payload both ways", async () => {
      const big = { blob: "x€😀".repeat(50_000), list: Array.from({ length: 2000 }, (_, i) => ({ i })) };
      expect(await ironVerdict(await codec.seal(big, Date.now() + HOUR), passwords)).toEqual({ ok: true, value: big });
      expect(await codec.unseal(await sealData(big, { password: passwords }))).toEqual({ ok: true, value: big });
    });

    it("never throws, even for a non-string seal", async () => {
      expect(await codec.unseal(undefined as unknown as string)).toEqual({ ok: false, reason: "invalid" });
      expect(await codec.unseal({} as unknown as string)).toEqual({ ok: false, reason: "invalid" });
    });
  });

  describe("seal input", () => {
    const codec = codecOf({ 1: OLD });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    class Point {
      x = 1;
    }
    const hidden = Object.defineProperty({}, "secret", { value: 1, enumerable: false });

    it.each([
      ["a nested Date", { at: new Date() }, "value.at is a Date"],
      ["a nested Map", { m: new Map() }, "value.m is a Map"],
      ["a BigInt", { n: 1n }, "value.n is a BigInt"],
      ["a function", { f: () => 1 }, "value.f is a function"],
      ["NaN", { list: [1, Number.NaN] }, "value.list[1] is NaN"],
      ["Infinity", { n: Infinity }, "value.n is Infinity"],
      ["undefined in an array", { list: [undefined] }, "value.list[0] is undefined"],
      ["a cycle", { c: cycle }, "value.c.self is a circular reference"],
      ["a symbol key", { o: { [Symbol("s")]: 1 } }, "value.o has a symbol key"],
      ["a class instance", { p: new Point() }, "value.p is an instance of Point"],
      ["a non-enumerable field", { h: hidden }, "value.h.secret is not enumerable"],
      ["undefined", undefined, "value is undefined"],
      ["a bare BigInt", 5n, "value is a BigInt"],
    ])("throws a clear error for %s, where iron-session also refuses", async (_name, value, message) => {
      await expect(codec.seal(value, Date.now() + HOUR)).rejects.toThrow(message);
      await expect(sealData(value, { password: OLD })).rejects.toThrow(/not JSON serializable/);
    });

    it.each([
      ["a top-level Date (shallow-copied to {})", new Date()],
      ["undefined fields (dropped)", { a: undefined, b: 1 }],
      ["shared, non-circular references", (() => { const shared = { x: 1 }; return { a: shared, b: [shared, shared] }; })()],
      ["a null-prototype object", { inner: Object.assign(Object.create(null) as object, { a: 1 }) }],
    ])("accepts %s, as iron-session does", async (_name, value) => {
      const ours = await codec.unseal(await codec.seal(value, Date.now() + HOUR));
      expect(ours).toEqual(await ironVerdict(await sealData(value, { password: OLD }), OLD));
    });

    it("refuses to seal without a usable newest password, like iron-session", async () => {
      for (const passwords of [{}, { 1: "short" }, { x: OLD }, { 1: OLD, 2: "" }] as Record<string, string>[]) {
        await expect(codecOf(passwords).seal({}, Date.now() + HOUR)).rejects.toThrow(/password/);
        await expect(sealData({}, { password: passwords })).rejects.toThrow();
      }
    });

    it("refuses a non-finite expiresAt instead of sealing forever", async () => {
      for (const expiresAt of [Number.NaN, Infinity]) await expect(codec.seal({}, expiresAt)).rejects.toThrow(RangeError);
    });
  });
});
