/**
 * The one shape the engine reads and writes cookies through. `getSession` adapts Next's
 * `cookies()` to it and the proxy adapts `request.cookies` + `response.cookies`, so every
 * rule about names, chunks and removal lives once (two copies of such logic drift apart).
 */

/** Attributes of a session cookie; `maxAge: 0` removes it, `undefined` makes it a browser cookie. */
export interface CookieAttributes {
  path: string;
  domain: string | undefined;
  secure: boolean;
  sameSite: "lax" | "strict" | "none";
  httpOnly: boolean;
  maxAge: number | undefined;
}

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, attributes: CookieAttributes): void;
}
