/**
 * A browser-like cookie jar for driving the engine without Next: one `TestJar` is one
 * request's cookies plus the Set-Cookies its response carries; `next()` is the browser's
 * following request (Max-Age=0 removes a cookie, anything else stores it).
 */
import type { CookieAttributes, CookieJar } from "../../src/cookie-jar.js";

export interface CookieWrite {
  name: string;
  value: string;
  attributes: CookieAttributes;
}

export class TestJar implements CookieJar {
  /** Every `set` of this request, in order. */
  readonly writes: CookieWrite[] = [];
  readonly cookies: Map<string, string>;

  constructor(cookies: Record<string, string> | Map<string, string> = {}) {
    this.cookies = new Map(cookies instanceof Map ? cookies : Object.entries(cookies));
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string, attributes: CookieAttributes): void {
    this.writes.push({ name, value, attributes: { ...attributes } });
  }

  /** The last write of `name` in this response. */
  written(name: string): CookieWrite | undefined {
    return this.writes.findLast((write) => write.name === name);
  }

  /** Names this response removes (Max-Age=0), in order. */
  get removed(): string[] {
    return this.writes.filter((write) => write.attributes.maxAge === 0).map((write) => write.name);
  }

  /** The browser's next request: these cookies with this response's Set-Cookies applied. */
  next(): TestJar {
    const cookies = new Map(this.cookies);
    for (const { name, value, attributes } of this.writes) {
      if (attributes.maxAge === 0) cookies.delete(name);
      else cookies.set(name, value);
    }
    return new TestJar(cookies);
  }
}

/** The Set-Cookie header line a write becomes (what the browser's 4096-byte limit counts). */
export function setCookieLine({ name, value, attributes: a }: CookieWrite): string {
  return [
    `${name}=${value}`,
    `Path=${a.path}`,
    a.domain === undefined ? "" : `Domain=${a.domain}`,
    a.maxAge === undefined ? "" : `Max-Age=${a.maxAge}; Expires=${new Date(Date.now() + a.maxAge * 1000).toUTCString()}`,
    a.secure ? "Secure" : "",
    a.httpOnly ? "HttpOnly" : "",
    `SameSite=${a.sameSite[0]!.toUpperCase()}${a.sameSite.slice(1)}`,
  ]
    .filter(Boolean)
    .join("; ");
}
