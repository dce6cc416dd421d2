/**
 * A session record as Redis hash fields: one `d:<key>` field (JSON value) per data key, so an
 * update writes only the keys that changed and two requests changing different keys both
 * persist (no lost updates). Meta fields have no `d:` and cannot collide with data keys. The
 * user field's value is stored encrypted instead (base64url, see codec/field-cipher.ts; store.ts).
 * Optional meta fields, written once when a session is created or renewed: `a` authenticatedAt,
 * `l` device label, `i` device IP (short names: every byte counts once per session in memory).
 */
import { setField } from "../../json.js";
import type { DeviceInfo, SessionRecord } from "../types.js";

/** The hash field holding data key `key`. */
export const dataField = (key: string) => `d:${key}`;

/** `[field, JSON value, …]` for `keys` of `record`. */
export function dataPairs(record: SessionRecord, keys: Iterable<string>): string[] {
  return [...keys].flatMap((key) => [dataField(key), JSON.stringify(record.data[key])]);
}

/** `[field, value, …]` of the optional meta fields `record` has, for a new or renewed session. */
export function metaPairs(record: SessionRecord): string[] {
  const pairs = record.authenticatedAt === undefined ? [] : ["a", String(record.authenticatedAt)];
  if (record.device) pairs.push("l", record.device.label);
  if (record.device?.ip) pairs.push("i", record.device.ip);
  return pairs;
}

/** The device from its label and IP fields ("" or absent: none). */
export function deviceFrom(label: string | undefined, ip: string | undefined): DeviceInfo | undefined {
  if (!label) return undefined;
  return ip ? { label, ip } : { label };
}

/**
 * Strips the "~" every script puts in front of the strings it returns (see scripts.ts).
 * Throws on anything else: a reply this library did not write.
 */
export function untag(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new TypeError("unexpected reply");
  return reply.map((item) => {
    if (typeof item !== "string" || !item.startsWith("~")) throw new TypeError("unexpected reply");
    return item.slice(1);
  });
}

const time = (value: string | undefined): number => {
  const parsed = Number(value);
  if (value === undefined || !Number.isFinite(parsed)) throw new TypeError("session hash without times");
  return parsed;
};

/** The record from a flat HGETALL list (untagged); undefined when the hash does not exist. Throws when unreadable. */
export function fromHash(items: string[]): SessionRecord | undefined {
  if (items.length === 0) return undefined;
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < items.length; i += 2) fields.set(items[i]!, items[i + 1]!);
  const data: Record<string, unknown> = {};
  for (const [name, value] of fields) if (name.startsWith("d:")) setField(data, name.slice(2), JSON.parse(value));
  const record: SessionRecord = { data, createdAt: time(fields.get("c")), lastSeenAt: time(fields.get("s")), expiresAt: time(fields.get("e")) };
  if (fields.has("a")) record.authenticatedAt = time(fields.get("a"));
  const device = deviceFrom(fields.get("l"), fields.get("i"));
  if (device) record.device = device;
  return record;
}
