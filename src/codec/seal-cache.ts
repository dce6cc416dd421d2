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
   * The value as JSON text, parsed afresh on every hit. Freezing once at insert would be cheaper
   * per hit, but callers (the engine) mutate what they load and would then throw, and only on
   * hits; `JSON.parse` measured about twice as fast as `structuredClone` for a session record,
   * and is lossless here because an unsealed value is JSON.parse output already.
   */
  json: string;
  /** The seal's own expiration (epoch ms), or Infinity for a seal without one. */
  expiresAt: number;
  /** What the entry holds (the seal and the JSON), counted as the strings' lengths. */
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
      if (hit !== undefined) return { ok: true, value: JSON.parse(hit) };
      const result = await codec.unseal(seal);
      if (result.ok) remember(cache, seal, result.value);
      return result;
    },
  };
}

function forget(cache: Cache, seal: string): void {
  const entry = cache.entries.get(seal);
  if (!entry) return;
  cache.entries.delete(seal);
  cache.bytes -= entry.bytes;
}

/** The cached JSON for `seal` when still live, refreshed as most recently used. */
function recall(cache: Cache, seal: string): string | undefined {
  const entry = cache.entries.get(seal);
  if (!entry) return undefined;
  forget(cache, seal);
  if (entry.expiresAt <= Date.now()) return undefined;
  cache.entries.set(seal, entry);
  cache.bytes += entry.bytes;
  return entry.json;
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
  cache.entries.set(seal, { json, expiresAt, bytes });
  cache.bytes += bytes;
  while (cache.entries.size > cache.max || cache.bytes > cache.maxBytes) forget(cache, cache.entries.keys().next().value as string);
}
