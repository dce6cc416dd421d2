import { describe, expect, it } from "vitest";
import { proxySetCookies } from "../../src/next/proxy-sent.js";

/** The request headers a Route Handler sees, with the proxy's Set-Cookies as Next passes them. */
const fromProxy = (value?: string) => new Headers(value === undefined ? {} : { "x-middleware-set-cookie": value });

describe("the cookies the proxy set in this request (x-middleware-set-cookie)", () => {
  it("reads each cookie of the comma-joined header, commas inside Expires included", () => {
    const header =
      "session=1~abc.1.mac; Path=/; Expires=Fri, 04 Dec 2026 19:16:38 GMT; Max-Age=10; Secure; HttpOnly; SameSite=lax, " +
      "session.flash=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0,other=a%20b";
    expect(proxySetCookies(fromProxy(header))).toEqual(
      new Map([
        ["session", "1~abc.1.mac"],
        ["session.flash", ""],
        ["other", "a b"],
      ]),
    );
  });

  it("is empty when Next's cookie parser refuses a line (a value that fails its second %-decoding): no write is skipped then", () => {
    expect(proxySetCookies(fromProxy("session=1~abc.1.mac; Path=/, other=%25E0; Path=/")).size).toBe(0);
  });

  it("is empty when the proxy set nothing, or outside a writable context", () => {
    expect(proxySetCookies(fromProxy()).size).toBe(0);
    expect(proxySetCookies(undefined).size).toBe(0);
  });
});
