/**
 * A memo of seals that already opened. The same session cookie arrives on every request until
 * it changes, and a seal is authenticated and immutable: once a string has verified under a
 * password set, it opens to the same value until it expires. Remembering it skips the crypto.
 * Runs anywhere (no Node APIs), so it can wrap the Web Crypto codec on Edge as well.
 */
import type { UnsealResult } from "../stores/types.js";
import type { IronCodec } from "./iron.js";
import { sealExpiration, sealFields } from "./iron-format.js";

const DEFAULT_MAX = 1000;

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
}

/**
 * Wraps `codec` with a bounded LRU (default 1000) of verified seals, keyed by the full seal
 * string. Only successful unseals are stored, and a hit is served only before the seal's own
 * expiration (without the 60 s skew codecs allow, so a hit never outlives the seal). The cache
 * lives inside this wrapper, one per codec and so per password set: a codec built without a
 * rotated-out password never sees seals cached under it. `seal` passes through.
 */
export function cachedUnseal(codec: IronCodec, options: { max?: number } = {}): IronCodec {
  const max = options.max ?? DEFAULT_MAX;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`next-session-kit: cachedUnseal max must be a positive integer, got ${max}.`);
  const entries = new Map<string, Entry>();
  return {
    seal: (value, expiresAt) => codec.seal(value, expiresAt),
    async unseal(seal): Promise<UnsealResult> {
      const hit = recall(entries, seal);
      if (hit !== undefined) return { ok: true, value: JSON.parse(hit) };
      const result = await codec.unseal(seal);
      if (result.ok) remember(entries, max, seal, result.value);
      return result;
    },
  };
}

/** The cached JSON for `seal` when still live, refreshed as most recently used. */
function recall(entries: Map<string, Entry>, seal: string): string | undefined {
  const entry = entries.get(seal);
  if (!entry) return undefined;
  entries.delete(seal);
  if (entry.expiresAt <= Date.now()) return undefined;
  entries.set(seal, entry);
  return entry.json;
}

function remember(entries: Map<string, Entry>, max: number, seal: string, value: unknown): void {
  const fields = sealFields(seal);
  const expiresAt = fields && sealExpiration(fields);
  if (expiresAt === undefined || expiresAt <= Date.now()) return;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return; // not from a JSON codec: serve it uncached rather than fail the unseal
  }
  if (json === undefined) return;
  entries.set(seal, { json, expiresAt });
  while (entries.size > max) entries.delete(entries.keys().next().value as string);
}
