/**
 * A memo of seals that already opened. The same session cookie arrives on every request until
 * it changes, and a seal is authenticated and immutable: once a string has verified under a
 * password set, it opens to the same value until it expires. Remembering it skips the crypto.
 * Runs anywhere (no Node APIs), so it can wrap the Web Crypto codec on Edge as well.
 */
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import { isCanonicalSeal, sealExpiration, sealFields } from "./iron-format.js";

const DEFAULT_MAX = 1000;
/** Entries may reach 16 KB (a seal and its JSON): the entry bound alone would allow 16 MB. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

interface Entry {
  /**
   * The opened value, deep-frozen and served as is: a hit costs no parse and no copy. Every
   * unseal through this wrapper (hit or miss) returns a frozen value, so code that would change
   * what it loaded fails on the first request, not only on hits.
   */
  value: unknown;
  /** The seal's own expiration (epoch ms), or Infinity for a seal without one. */
  expiresAt: number;
  /** What the entry holds (the seal and the value's JSON), counted as the strings' lengths. */
  bytes: number;
}

/** The verified seals, least recently used first, and their total size. */
interface Cache {
  entries: Map<string, Entry>;
  bytes: number;
  max: number;
  maxBytes: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`next-session-kit: cachedUnseal ${name} must be a positive integer, got ${value}.`);
  return value;
}

/**
 * Wraps `codec` with an LRU of verified seals, bounded by entries (default 1000) and by size
 * (default 4 MB), keyed by the full seal string. Only successful unseals of a seal in its
 * canonical spelling are stored (other spellings of one seal still open, uncached, so they
 * cannot flush the cache), and a hit is served only before the seal's own expiration (without
 * the 60 s skew codecs allow, so a hit never outlives the seal). The cache lives inside this
 * wrapper, one per codec and so per password set: a codec built without a rotated-out password
 * never sees seals cached under it. `seal` passes through.
 */
export function cachedUnseal(codec: CookieCodec, options: { max?: number; maxBytes?: number } = {}): CookieCodec {
  const cache: Cache = {
    entries: new Map(),
    bytes: 0,
    max: positiveInteger("max", options.max ?? DEFAULT_MAX),
    maxBytes: positiveInteger("maxBytes", options.maxBytes ?? DEFAULT_MAX_BYTES),
  };
  return {
    seal: (value, expiresAt) => codec.seal(value, expiresAt),
    async unseal(seal): Promise<UnsealResult> {
      const hit = recall(cache, seal);
      if (hit) return { ok: true, value: hit.value };
      const result = await codec.unseal(seal);
      if (!result.ok) return result;
      const value = deepFreeze(result.value);
      remember(cache, seal, value);
      return { ok: true, value };
    },
  };
}

function forget(cache: Cache, seal: string): void {
  const entry = cache.entries.get(seal);
  if (!entry) return;
  cache.entries.delete(seal);
  cache.bytes -= entry.bytes;
}

/** Freezes `value` and everything it holds (an opened seal is a tree: JSON.parse output). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/** The cached entry for `seal` when still live, refreshed as most recently used. */
function recall(cache: Cache, seal: string): Entry | undefined {
  const entry = cache.entries.get(seal);
  if (!entry) return undefined;
  forget(cache, seal);
  if (entry.expiresAt <= Date.now()) return undefined;
  cache.entries.set(seal, entry);
  cache.bytes += entry.bytes;
  return entry;
}

function remember(cache: Cache, seal: string, value: unknown): void {
  const fields = sealFields(seal);
  const expiresAt = fields && isCanonicalSeal(seal, fields) ? sealExpiration(fields) : undefined;
  if (expiresAt === undefined || expiresAt <= Date.now()) return;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return; // not from a JSON codec: serve it uncached rather than fail the unseal
  }
  if (json === undefined) return;
  const bytes = seal.length + json.length;
  if (bytes > cache.maxBytes) return;
  forget(cache, seal);
  cache.entries.set(seal, { value, expiresAt, bytes });
  cache.bytes += bytes;
  while (cache.entries.size > cache.max || cache.bytes > cache.maxBytes) forget(cache, cache.entries.keys().next().value as string);
}
