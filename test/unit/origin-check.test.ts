import { describe, expect, it } from "vitest";
import { resolveConfig, type SessionOptions } from "../../src/config.js";
import { SessionConfigError } from "../../src/errors.js";
import { isCrossOriginWrite } from "../../src/next/origin-check.js";
import { PASSWORD } from "./kit.js";

const request = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers({ host: "app.example.com", ...headers }) });
const none = new Set<string>();

describe("isCrossOriginWrite", () => {
  it.each<[string, string, Record<string, string>, boolean]>([
    ["cross-site POST", "POST", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, true],
    ["same-site POST from a sibling subdomain", "POST", { "sec-fetch-site": "same-site", origin: "https://blog.example.com" }, true],
    ["same-origin POST", "POST", { "sec-fetch-site": "same-origin", origin: "https://app.example.com" }, false],
    ["user-initiated (Sec-Fetch-Site: none)", "POST", { "sec-fetch-site": "none" }, false],
    ["cross-site GET (safe method)", "GET", { "sec-fetch-site": "cross-site" }, false],
    ["cross-site OPTIONS", "OPTIONS", { "sec-fetch-site": "cross-site" }, false],
    ["cross-site DELETE", "DELETE", { "sec-fetch-site": "cross-site" }, true],
    ["lower-case method", "patch", { "sec-fetch-site": "cross-site" }, true],
    ["a Server Action (Next checks it)", "POST", { "sec-fetch-site": "cross-site", "next-action": "abc" }, false],
    ["no Sec-Fetch-Site, foreign Origin", "POST", { origin: "https://evil.example" }, true],
    ["no Sec-Fetch-Site, own Origin", "POST", { origin: "https://app.example.com" }, false],
    ["no Sec-Fetch-Site, own Origin behind a proxy", "PUT", { origin: "https://www.example.com", "x-forwarded-host": "www.example.com" }, false],
    ["opaque Origin", "POST", { origin: "null" }, true],
    ["unparseable Referer", "POST", { referer: "::::" }, true],
    ["foreign Referer only", "POST", { referer: "https://evil.example/page" }, true],
    ["own Referer only", "POST", { referer: "https://app.example.com/cart" }, false],
    ["no headers at all (curl, a server)", "POST", {}, false],
  ])("%s", (_name, method, headers, refused) => {
    expect(isCrossOriginWrite(request(method, headers), none)).toBe(refused);
  });

  it("lets an allowed origin through whatever Sec-Fetch-Site says", () => {
    const allowed = new Set(["https://admin.example.com"]);
    expect(isCrossOriginWrite(request("POST", { "sec-fetch-site": "same-site", origin: "https://admin.example.com" }), allowed)).toBe(false);
    expect(isCrossOriginWrite(request("POST", { "sec-fetch-site": "same-site", origin: "https://blog.example.com" }), allowed)).toBe(true);
  });
});

describe("the originCheck option", () => {
  const resolve = (originCheck: unknown) => resolveConfig({ password: PASSWORD, originCheck } as SessionOptions<never>).originCheck;

  it("is on by default; false turns it off; allowedOrigins widens it", () => {
    expect(resolve(undefined)).toEqual({ allowedOrigins: new Set() });
    expect(resolve(true)).toEqual({ allowedOrigins: new Set() });
    expect(resolve(false)).toBeUndefined();
    expect(resolve({ allowedOrigins: ["https://admin.example.com", "http://localhost:3001"] })?.allowedOrigins).toEqual(new Set(["https://admin.example.com", "http://localhost:3001"]));
  });

  it.each<[string, unknown, RegExp]>([
    ["a string", "on", /`originCheck` must be a boolean or an object with an `allowedOrigins` array/],
    ["a path", { allowedOrigins: ["https://admin.example.com/app"] }, /"https:\/\/admin.example.com\/app", which is not an origin: write scheme, host and port only/],
    ["a trailing slash", { allowedOrigins: ["https://admin.example.com/"] }, /which is not an origin/],
    ["a bare host", { allowedOrigins: ["admin.example.com"] }, /which is not an origin/],
    ["an unknown key", { allowedOrigins: [], hosts: [] }, /unknown option originCheck\.hosts/],
  ])("refuses %s with SessionConfigError naming the fix", (_name, originCheck, message) => {
    expect(() => resolve(originCheck)).toThrow(SessionConfigError);
    expect(() => resolve(originCheck)).toThrow(message);
  });
});
