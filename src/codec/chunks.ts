/**
 * Sessions larger than one cookie are split across `<name>.0`, `<name>.1`, …. Reassembly is a
 * plain concatenation checked by the seal's MAC as a whole, so a missing, reordered or foreign
 * chunk fails verification. The chunk count is never read from a cookie (that would be
 * attacker-controlled work); at most MAX_CHUNKS names are probed.
 *
 * Every request carries the whole session in its Cookie header, and a header a proxy or Node
 * refuses (nginx: 400 past 8 KB for one header line; Node: 431 past 16 KB of headers) never
 * reaches the code that could clear it: a permanent lock-out. So the session's share of that
 * header has a budget (`cookie.maxBytes`), enforced when writing and when reading.
 */
import type { CookieAttributes, CookieJar } from "../cookie-jar.js";
import { SessionTooLargeError } from "../errors.js";

/** Browsers cap a cookie (name, value and attributes) at 4096 bytes. */
const MAX_COOKIE_BYTES = 4096;
/** Enough chunks for the largest budget (MAX_COOKIE_BUDGET) with room for the attributes. */
export const MAX_CHUNKS = 4;
/** Default budget: with ~2 KB of the app's other cookies the Cookie line stays under nginx's 8 KB. */
export const DEFAULT_COOKIE_BUDGET = 6144;
/** The most a budget may be: Node refuses more than 16 KB of headers, and browsers send ~1-2 KB of others. */
export const MAX_COOKIE_BUDGET = 14336;

const chunkName = (name: string, index: number) => `${name}.${index}`;

/** Upper bound of the bytes the attributes add to a Set-Cookie line. */
function attributeBytes(attributes: CookieAttributes): number {
  return 110 + (attributes.domain?.length ?? 0) + attributes.path.length;
}

/** What `pairs` add to a Cookie request header: `name=value` each, joined by "; ". */
function headerBytes(pairs: Array<[string, string]>): number {
  return pairs.reduce((sum, [name, value]) => sum + name.length + 1 + value.length, 2 * Math.max(0, pairs.length - 1));
}

/**
 * The cookie value, whole or reassembled, and the names it came from (for clean-up).
 * `tooLarge`: the session cookies the request carries exceed `budget`; such a request must
 * read as no session and be purged (the next one would be refused before reaching the app).
 */
export function readValue(jar: CookieJar, name: string, budget: number): { value: string | undefined; names: string[]; tooLarge: boolean } {
  const found: Array<[string, string]> = [];
  const whole = jar.get(name);
  if (whole) found.push([name, whole]);
  let joined = "";
  for (let index = 0; index < MAX_CHUNKS; index++) {
    const part = jar.get(chunkName(name, index));
    if (!part) break;
    found.push([chunkName(name, index), part]);
    joined += part;
  }
  const names = found.map(([cookie]) => cookie);
  return { value: whole || joined || undefined, names, tooLarge: headerBytes(found) > budget };
}

/** Splits `value` into the cookies to write; throws `SessionTooLargeError` past `budget`. */
export function splitValue(name: string, value: string, attributes: CookieAttributes, budget: number): Array<[string, string]> {
  const overhead = attributeBytes(attributes);
  const perCookie = MAX_COOKIE_BYTES - overhead - chunkName(name, 0).length - 1;
  const parts: Array<[string, string]> =
    name.length + 1 + value.length + overhead <= MAX_COOKIE_BYTES
      ? [[name, value]]
      : Array.from({ length: Math.ceil(value.length / perCookie) }, (_, i) => [chunkName(name, i), value.slice(i * perCookie, (i + 1) * perCookie)]);
  const bytes = headerBytes(parts);
  if (bytes > budget || parts.length > MAX_CHUNKS) {
    throw new SessionTooLargeError(
      `next-session-kit: the session is ${value.length} bytes once sealed: it would add ${bytes} bytes to the Cookie header of every request, ` +
        `over the budget of ${budget} (\`cookie.maxBytes\`), past which proxies and Node refuse requests (nginx: 8 KB per header line by default). ` +
        `Keep less in the session, or use a server-side store (kvStore() or redisStore()), which keeps only an id in the cookie; ` +
        `raise cookie.maxBytes (at most ${MAX_COOKIE_BUDGET}) only if every proxy in front of the app accepts such headers.`,
    );
  }
  return parts;
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
  budget: number,
): string[] {
  const parts = value === undefined ? [] : splitValue(name, value, attributes, budget);
  const written = new Set(parts.map(([part]) => part));
  for (const stale of previous) {
    if (!written.has(stale)) jar.set(stale, "", { ...attributes, maxAge: 0 });
  }
  for (const [part, partValue] of parts) jar.set(part, partValue, attributes);
  return [...written];
}
