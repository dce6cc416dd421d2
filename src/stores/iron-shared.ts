/**
 * The seal shape written while `migrateFromIronSession` is on: the app's data at the top level,
 * as iron-session keeps it, and this library's metadata under one reserved key. A plain
 * iron-session app opening the same cookie then sees the same data (plus that key), and its
 * `save()` carries the metadata along untouched, so a rolling deploy or a rollback to the
 * iron-session app logs nobody out and our timeouts still count from our own metadata.
 */

/** The reserved data key; `session.set` refuses it on every configuration (see engine.ts). */
export const SHARED_METADATA_KEY = "__nsk";

/** Version 1 of the metadata; same fields and meaning as the cookie store's own seal. */
export interface SealMetadata {
  /** The cookie it was written for (see the cookie store's `Sealed.n`). */
  n: string;
  c: number;
  s: number;
  e: number;
  a?: number;
}

/** The seal payload: data with the metadata beside it. */
export function toShared(data: Record<string, unknown>, metadata: SealMetadata): Record<string, unknown> {
  return { ...data, [SHARED_METADATA_KEY]: metadata };
}

/** Splits a shared payload, or undefined when `value` has no metadata key (not this shape). */
export function fromShared(value: Record<string, unknown>): { metadata: unknown; data: Record<string, unknown> } | undefined {
  if (!Object.hasOwn(value, SHARED_METADATA_KEY)) return undefined;
  const { [SHARED_METADATA_KEY]: metadata, ...data } = value;
  return { metadata, data };
}
