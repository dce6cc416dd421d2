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

/**
 * A cookie in the object shape Next's cookie APIs take; removals
 * also get a past `Expires` for clients that ignore `Max-Age=0`.
 */
export function cookieObject(name: string, value: string, attributes: CookieAttributes) {
  const { maxAge, domain, ...rest } = attributes;
  return {
    name,
    value,
    ...rest,
    ...(domain === undefined ? {} : { domain }),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(maxAge === 0 ? { expires: new Date(0) } : {}),
  };
}
