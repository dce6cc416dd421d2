/**
 * Sessions larger than one cookie are split across `<name>.0`, `<name>.1`, …. Reassembly is a
 * plain concatenation checked by the seal's MAC as a whole, so a missing, reordered or foreign
 * chunk fails verification. The chunk count is never read from a cookie (that would be
 * attacker-controlled work); at most MAX_CHUNKS names are probed.
 */
import type { CookieAttributes, CookieJar } from "../cookie-jar.js";
import { SessionTooLargeError } from "../errors.js";

/** Browsers cap a cookie (name, value and attributes) at 4096 bytes. */
const MAX_COOKIE_BYTES = 4096;
/** 4 chunks is ~16 KB of Cookie header on every request; proxies often cap headers at 8-16 KB. */
export const MAX_CHUNKS = 4;

const chunkName = (name: string, index: number) => `${name}.${index}`;

/** Upper bound of the bytes the attributes add to a Set-Cookie line. */
function attributeBytes(attributes: CookieAttributes): number {
  return 110 + (attributes.domain?.length ?? 0) + attributes.path.length;
}

/** The cookie value, whole or reassembled, and the names it came from (for clean-up). */
export function readValue(jar: CookieJar, name: string): { value: string | undefined; names: string[] } {
  const whole = jar.get(name);
  const names: string[] = whole ? [name] : [];
  let joined = "";
  for (let index = 0; index < MAX_CHUNKS; index++) {
    const part = jar.get(chunkName(name, index));
    if (!part) break;
    names.push(chunkName(name, index));
    joined += part;
  }
  return { value: whole || joined || undefined, names };
}

/** Splits `value` into the cookies to write; throws `SessionTooLargeError` past MAX_CHUNKS. */
export function splitValue(name: string, value: string, attributes: CookieAttributes): Array<[string, string]> {
  const overhead = attributeBytes(attributes);
  if (name.length + 1 + value.length + overhead <= MAX_COOKIE_BYTES) return [[name, value]];
  const budget = MAX_COOKIE_BYTES - overhead - chunkName(name, 0).length - 1;
  const count = Math.ceil(value.length / budget);
  if (count > MAX_CHUNKS) {
    throw new SessionTooLargeError(
      `next-session-kit: the session is ${value.length} bytes once sealed and needs ${count} cookies; ` +
        `the limit is ${MAX_CHUNKS} (about ${Math.floor((MAX_CHUNKS * budget) / 1024)} KB), because every request ` +
        `carries them. Keep less in the session, or use a server-side store (kvStore() or redisStore()), ` +
        `which keeps only an id in the cookie.`,
    );
  }
  return Array.from({ length: count }, (_, i) => [chunkName(name, i), value.slice(i * budget, (i + 1) * budget)]);
}

/**
 * Writes `value` (or removes it when undefined) and expires every stale name from `previous`.
 * Returns the names now carrying the value: the `previous` of the next write.
 */
export function writeValue(
  jar: CookieJar,
  name: string,
  value: string | undefined,
  attributes: CookieAttributes,
  previous: string[],
): string[] {
  const parts = value === undefined ? [] : splitValue(name, value, attributes);
  const written = new Set(parts.map(([part]) => part));
  for (const stale of previous) {
    if (!written.has(stale)) jar.set(stale, "", { ...attributes, maxAge: 0 });
  }
  for (const [part, partValue] of parts) jar.set(part, partValue, attributes);
  return [...written];
}
