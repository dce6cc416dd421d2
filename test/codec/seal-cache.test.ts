import { sealData } from "iron-session";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ironCodecNode } from "../../src/codec/iron-node.js";
import type { CookieCodec } from "../../src/codec/cookie-codec.js";
import type { PasswordMap } from "../../src/codec/iron.js";
import { cachedUnseal } from "../../src/codec/seal-cache.js";

const OLD = "old-password-old-password-old-password!";
const NEW = "new-password-new-password-new-password!";
const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

afterEach(() => {
  vi.restoreAllMocks();
});

/** A real codec whose unseal calls are counted. */
function counted(passwords: PasswordMap): { codec: CookieCodec; unseal: ReturnType<typeof vi.fn<CookieCodec["unseal"]>> } {
  const inner = ironCodecNode(passwords)!;
  const unseal = vi.fn(inner.unseal);
  return { codec: { seal: inner.seal, unseal }, unseal };
}

function at(time: number): void {
  vi.spyOn(Date, "now").mockReturnValue(time);
}

describe("cachedUnseal", () => {
  it("serves a repeated seal from the cache without calling the codec", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec);
    const seal = await codec.seal({ user: "zoë", roles: ["admin"] }, Date.now() + HOUR);
    const first = await cache.unseal(seal);
    const second = await cache.unseal(seal);
    expect(first).toEqual({ ok: true, value: { user: "zoë", roles: ["admin"] } });
    expect(second).toEqual(first);
    expect(unseal).toHaveBeenCalledTimes(1);
  });

  it("never caches a failed unseal", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec);
    const tampered = (await codec.seal({ a: 1 }, Date.now() + HOUR)).replace(/\*(.)/, "*9");
    for (const seal of ["garbage", tampered, "garbage", tampered]) {
      expect((await cache.unseal(seal)).ok).toBe(false);
    }
    expect(unseal).toHaveBeenCalledTimes(4);
  });

  it("stops serving a hit at the seal's own expiration", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec);
    at(NOW);
    const seal = await codec.seal({ a: 1 }, NOW + 10_000);
    await cache.unseal(seal);
    at(NOW + 9_999);
    expect(await cache.unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
    expect(unseal).toHaveBeenCalledTimes(1);
    // From the expiration on, the codec decides (it still allows its clock skew) and nothing is re-cached.
    at(NOW + 10_000);
    expect(await cache.unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
    expect(await cache.unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
    expect(unseal).toHaveBeenCalledTimes(3);
    at(NOW + 70_000);
    expect(await cache.unseal(seal)).toEqual({ ok: false, reason: "expired" });
  });

  it("spends no slot on a seal already past its expiration (inside the codec's skew)", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec, { max: 1 });
    at(NOW);
    const live = await codec.seal({ live: true }, NOW + HOUR);
    const lapsed = await codec.seal({ live: false }, NOW + 1_000);
    await cache.unseal(live);
    at(NOW + 30_000);
    expect(await cache.unseal(lapsed)).toEqual({ ok: true, value: { live: false } });
    await cache.unseal(live);
    expect(unseal).toHaveBeenCalledTimes(2);
  });

  it("keeps seals without an expiration, still bounded", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec, { max: 1 });
    const forever = await sealData({ a: 1 }, { password: OLD, ttl: 0 });
    await cache.unseal(forever);
    at(NOW + 100 * 365 * 24 * HOUR);
    expect(await cache.unseal(forever)).toEqual({ ok: true, value: { a: 1 } });
    expect(unseal).toHaveBeenCalledTimes(1);
    await cache.unseal(await sealData({ b: 2 }, { password: OLD, ttl: 0 }));
    await cache.unseal(forever);
    expect(unseal).toHaveBeenCalledTimes(3);
  });

  it("evicts the least recently used seal beyond max", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec, { max: 2 });
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => codec.seal({ n }, Date.now() + HOUR)));
    await cache.unseal(a!);
    await cache.unseal(b!);
    await cache.unseal(a!); // hit: a becomes most recent
    await cache.unseal(c!); // evicts b
    expect(unseal).toHaveBeenCalledTimes(3);
    await cache.unseal(a!);
    await cache.unseal(c!);
    expect(unseal).toHaveBeenCalledTimes(3);
    expect(await cache.unseal(b!)).toEqual({ ok: true, value: { n: 2 } });
    expect(unseal).toHaveBeenCalledTimes(4);
  });

  it("caches only the canonical spelling: 10,000 other spellings of one seal take no entry", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const cache = cachedUnseal(codec, { max: 2 });
    const kept = await codec.seal({ kept: true }, Date.now() + HOUR);
    const seal = await codec.seal({ user: "ada" }, Date.now() + HOUR);
    await cache.unseal(kept);
    // Iron opens all of these (the MAC does not cover its own spelling nor the text after "~").
    const digest = seal.slice(seal.lastIndexOf("*") + 1, -2);
    const head = seal.slice(0, -digest.length - 2);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const digests = [
      digest,
      `${digest}=`,
      `${digest.slice(0, 20)} ${digest.slice(20)}`,
      digest.slice(0, -1) + alphabet[alphabet.indexOf(digest.at(-1)!) ^ 1],
    ];
    const variants = Array.from({ length: 10_000 }, (_, i) => `${head}${digests[i % digests.length]}~x${Math.floor(i / digests.length)}`);
    expect(new Set(variants).size).toBe(10_000);
    for (const variant of variants) expect(await cache.unseal(variant)).toEqual({ ok: true, value: { user: "ada" } });
    expect(unseal).toHaveBeenCalledTimes(10_001);
    await cache.unseal(seal);
    // Two entries at most: had any variant been cached, `kept` would have been evicted.
    expect(await cache.unseal(kept)).toEqual({ ok: true, value: { kept: true } });
    expect(await cache.unseal(seal)).toEqual({ ok: true, value: { user: "ada" } });
    expect(unseal).toHaveBeenCalledTimes(10_002);
  });

  it("evicts the least recently used seals beyond maxBytes, and never caches a seal larger than that", async () => {
    const { codec, unseal } = counted({ 1: OLD });
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => codec.seal({ n }, Date.now() + HOUR)));
    const size = a!.length + JSON.stringify({ n: 1 }).length;
    const cache = cachedUnseal(codec, { maxBytes: 2 * size + 1 });
    await cache.unseal(a!);
    await cache.unseal(b!);
    await cache.unseal(a!); // hit: a becomes most recent
    await cache.unseal(c!); // evicts b: three entries would exceed maxBytes
    expect(unseal).toHaveBeenCalledTimes(3);
    await cache.unseal(a!);
    await cache.unseal(c!);
    expect(unseal).toHaveBeenCalledTimes(3);
    await cache.unseal(b!);
    expect(unseal).toHaveBeenCalledTimes(4);
    const huge = await codec.seal({ text: "x".repeat(3 * size) }, Date.now() + HOUR);
    await cache.unseal(huge);
    await cache.unseal(huge);
    expect(unseal).toHaveBeenCalledTimes(6);
    await cache.unseal(b!); // still cached: the huge seal evicted nothing
    expect(unseal).toHaveBeenCalledTimes(6);
  });

  it("serves one deep-frozen value, miss and hit alike: a change in place throws on the first request, and no hit ever sees one", async () => {
    const { codec } = counted({ 1: OLD });
    const cache = cachedUnseal(codec);
    const seal = await codec.seal({ user: { name: "a" }, list: [1] }, Date.now() + HOUR);
    for (let round = 0; round < 3; round++) {
      const result = await cache.unseal(seal);
      expect(result).toEqual({ ok: true, value: { user: { name: "a" }, list: [1] } });
      const value = (result as { value: { user: { name: string }; list: number[]; extra?: boolean } }).value;
      expect(() => (value.user.name = "evil")).toThrow(TypeError);
      expect(() => value.list.push(2)).toThrow(TypeError);
      expect(() => (value.extra = true)).toThrow(TypeError);
    }
  });

  it("belongs to one password set: another codec's cache never accepts a seal cached here", async () => {
    const rotating = cachedUnseal(ironCodecNode({ 2: NEW, 1: OLD })!);
    const seal = await sealData({ a: 1 }, { password: { 1: OLD } });
    expect(await rotating.unseal(seal)).toEqual({ ok: true, value: { a: 1 } });
    const rotatedOut = cachedUnseal(ironCodecNode({ 2: NEW })!);
    expect(await rotatedOut.unseal(seal)).toEqual({ ok: false, reason: "unknown-password" });
    const wrongSecret = cachedUnseal(ironCodecNode({ 1: NEW })!);
    expect(await wrongSecret.unseal(seal)).toEqual({ ok: false, reason: "invalid" });
  });

  it("passes seal through to the codec", async () => {
    const inner = ironCodecNode({ 1: OLD })!;
    const seal = vi.fn(inner.seal);
    const cache = cachedUnseal({ seal, unseal: inner.unseal });
    const sealed = await cache.seal({ a: 1 }, Date.now() + HOUR);
    expect(seal).toHaveBeenCalledWith({ a: 1 }, expect.any(Number));
    expect(await cache.unseal(sealed)).toEqual({ ok: true, value: { a: 1 } });
  });

  it("rejects a max or maxBytes that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => cachedUnseal(ironCodecNode({ 1: OLD })!, { max: bad })).toThrow(RangeError);
      expect(() => cachedUnseal(ironCodecNode({ 1: OLD })!, { maxBytes: bad })).toThrow(RangeError);
    }
  });
});
