import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveConfig, type SessionOptions } from "../../src/config.js";
import { SessionConfigError } from "../../src/errors.js";
import { OTHER_PASSWORD, PASSWORD } from "./kit.js";

// `server-only` throws outside the react-server condition; swap in its react-server build
// (an empty module) so createSessions itself can be imported and tested here.
vi.mock("server-only", () => ({}));

const resolve = (options: Record<string, unknown>) => resolveConfig({ password: PASSWORD, ...options } as SessionOptions<never>);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("invalid configuration throws SessionConfigError naming the fix", () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["missing password", { password: undefined }, /password.*missing.*SESSION_PASSWORD.*32 characters/s],
    ["short password", { password: "x".repeat(31) }, /at least 32 characters \(got 31\).*npx next-session-kit secret/s],
    ["one repeated character", { password: "x".repeat(64) }, /`password` has too little variety.*\(1 distinct character;.*npx next-session-kit secret/s],
    ["a repeated short word", { password: "abcabc".repeat(8) }, /`password` has too little variety.*\(3 distinct characters;/s],
    ["nine distinct characters", { password: "123456789".repeat(4) }, /too little variety.*\(9 distinct characters;/s],
    ["a weak secret in a map", { password: { 2: "n".repeat(32), 1: PASSWORD } }, /password 2 has too little variety.*npx next-session-kit secret/s],
    ["non-string password", { password: 42 }, /must be a string or a map/],
    ["short secret in a map", { password: { 2: "short", 1: PASSWORD } }, /password 2 must be a string of at least 32 characters/],
    ['map id "a"', { password: { a: PASSWORD } }, /ids must be positive integers \(got "a"\)/],
    ['map id "1.5"', { password: { "1.5": PASSWORD } }, /ids must be positive integers \(got "1\.5"\)/],
    ['map id "0"', { password: { 0: PASSWORD } }, /ids must be positive integers \(got "0"\)/],
    ["empty map", { password: {} }, /map is empty: give at least one entry/],
    ["sealWith not in the map", { password: { 2: OTHER_PASSWORD, 1: PASSWORD }, sealWith: 3 }, /`sealWith` must be one of the password ids \(1, 2\); got 3/],
    ["sealWith as a string", { sealWith: "1" }, /`sealWith` must be one of the password ids \(1\)/],
    ["absoluteTimeout < idleTimeout", { idleTimeout: 600, absoluteTimeout: 300 }, /`absoluteTimeout` \(300s\) must be at least `idleTimeout` \(600s\)/],
    ["non-integer timeout", { idleTimeout: 1.5 }, /`idleTimeout` must be a positive whole number of seconds/],
    ["unknown top-level key", { pasword: PASSWORD }, /unknown option pasword\. Known options: password, store/],
    ["iron-session's ttl", { ttl: 1_209_600 }, /unknown option ttl\..*`ttl` is iron-session's: use `idleTimeout` .*default 7 days.*`absoluteTimeout`.*idleTimeout: 14 \* 24 \* 60 \* 60/s],
    ["iron-session's cookieName", { cookieName: "app" }, /unknown option cookieName\..*use cookie: \{ name \}/s],
    ["iron-session's cookieOptions", { cookieOptions: { secure: true } }, /unknown option cookieOptions\..*use cookie: \{ secure, httpOnly, sameSite, path, domain \}.*lifecycle: "browser"/s],
    ["unknown cookie key", { cookie: { sameside: "lax" } }, /unknown option cookie\.sameside\. Known options: name, domain/],
    ["unknown renewal key", { renewal: { policy: "on-every-request", maxAge: 5 } }, /unknown option renewal\.maxAge\. Known options: policy, updateAge/],
    ["unknown key with on-state-change", { renewal: { policy: "on-state-change", updateAge: 60 } }, /unknown option renewal\.updateAge/],
    ["unknown renewal policy", { renewal: { policy: "sometimes" } }, /`renewal.policy` must be "on-every-request" or "on-state-change"/],
    ["cookie name with a space", { cookie: { name: "my session" } }, /cookie name "my session" is not a valid cookie name: use letters, digits/],
    ["cookie name with ;", { cookie: { name: "a;b" } }, /"a;b" is not a valid cookie name.*no spaces, "=", ";"/],
    ["cookie name with =", { cookie: { name: "a=b" } }, /"a=b" is not a valid cookie name/],
    ["cookie.maxAge", { cookie: { maxAge: 60 } }, /unknown option cookie\.maxAge.*Max-Age and Expires follow the session.*idleTimeout.*lifecycle: "browser"/s],
    ["__Host- without secure", { cookie: { name: "__Host-session", secure: false } }, /`__Host-` cookie requires `secure: true`/],
    ["__Host- with path", { cookie: { name: "__Host-session", secure: true, path: "/app" } }, /`__Host-` cookie requires `path: "\/"`/],
    ["__Host- with domain", { cookie: { name: "__Host-session", secure: true, domain: "example.com" } }, /`__Host-` cookie must not set `domain`/],
    ["__Secure- without secure", { cookie: { name: "__Secure-session", secure: false } }, /`__Secure-` cookie requires `secure: true`/],
    ["sameSite none without secure", { cookie: { sameSite: "none", secure: false } }, /sameSite: "none"` requires `secure: true`/],
    ["relative path", { cookie: { path: "app" } }, /`cookie.path` must be a string starting with "\/"/],
    ["unknown contentSecurity", { cookie: { contentSecurity: "encrypted" } }, /contentSecurity` must be "private" or "signed"/],
    ["unknown lifecycle", { lifecycle: "session" }, /`lifecycle` must be "persistent" or "browser"/],
    ["updateAge = idleTimeout", { idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 600 } }, /`renewal.updateAge` \(600s\) must be at most half of `idleTimeout` \(600s\).*Use updateAge: 300 or less/s],
    ["updateAge just over half", { idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 301 } }, /must be at most half of `idleTimeout`/],
    ["updateAge > idleTimeout", { idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 601 } }, /must be at most half of `idleTimeout`/],
    ["lower-case __host- without secure", { cookie: { name: "__host-session", secure: false } }, /`__Host-` cookie requires `secure: true`/],
    ["mixed-case __HOST- with domain", { cookie: { name: "__HOST-session", secure: true, domain: "example.com" } }, /`__Host-` cookie must not set `domain`/],
    ["lower-case __secure- without secure", { cookie: { name: "__secure-session", secure: false } }, /`__Secure-` cookie requires `secure: true`/],
    ["path with ;", { cookie: { path: "/a;Domain=evil.com" } }, /`cookie.path` "\/a;Domain=evil.com" holds a character a cookie path cannot carry/],
    ["path with a newline", { cookie: { path: "/a\nb" } }, /holds a character a cookie path cannot carry/],
    ["path not a string", { cookie: { path: 5 } }, /`cookie.path` must be a string starting with "\/"/],
    ["domain with a scheme", { cookie: { domain: "https://example.com" } }, /`cookie.domain` must be a host name such as "example.com"/],
    ["domain with ;", { cookie: { domain: "example.com; SameSite=None" } }, /`cookie.domain` must be a host name/],
    ["domain with a port", { cookie: { domain: "example.com:3000" } }, /`cookie.domain` must be a host name/],
    ["empty domain", { cookie: { domain: "" } }, /`cookie.domain` must be a host name/],
    ["cookie.maxBytes under 1024", { cookie: { maxBytes: 512 } }, /`cookie.maxBytes` must be a whole number of bytes from 1024 to 14336 \(got 512\); the default is 6144.*16 KB/s],
    ["cookie.maxBytes over what Node accepts", { cookie: { maxBytes: 16_384 } }, /`cookie.maxBytes` must be a whole number of bytes from 1024 to 14336 \(got 16384\)/],
    ["cookie.maxBytes not whole", { cookie: { maxBytes: 6000.5 } }, /`cookie.maxBytes` must be a whole number/],
    ["schema that is not Standard Schema", { schema: { parse: () => ({}) } }, /`schema` must be a Standard Schema validator.*~standard\.validate/s],
    ["onEvent that is not a function", { onEvent: "log" }, /`onEvent` must be a function/],
    ["empty userKey", { userKey: "" }, /`userKey` must be a non-empty string/],
  ])("%s", (_name, options, message) => {
    expect(() => resolve(options)).toThrow(SessionConfigError);
    expect(() => resolve(options)).toThrow(message);
  });

  it("marks only a merely missing password as missing (the one thing a build may lack)", () => {
    const errorOf = (options: Record<string, unknown>) => {
      try {
        resolve(options);
      } catch (error) {
        return error as SessionConfigError;
      }
      throw new Error("no error");
    };
    expect(errorOf({ password: undefined }).missing).toBe(true);
    expect(errorOf({ password: "" }).missing).toBe(true);
    expect(errorOf({ password: "short" }).missing).toBe(false);
  });
});

describe("defaults", () => {
  it("are the secure choices", () => {
    const config = resolve({});
    expect(config.cookieName).toBe("session");
    expect(config.cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", domain: undefined });
    expect(config.contentSecurity).toBe("private");
    expect(config.lifecycle).toBe("persistent");
    expect(config.passwords).toEqual({ 1: PASSWORD });
    expect(config.cookieBudget).toBe(6144);
  });

  it.each([
    ["test", false],
    ["development", false],
    ["production", true],
  ])("secure under NODE_ENV=%s is %s", (env, secure) => {
    vi.stubEnv("NODE_ENV", env);
    expect(resolve({}).cookie.secure).toBe(secure);
  });

  it("accepts a valid __Host- cookie and a password map", () => {
    const config = resolve({ password: { 2: "0123456789".repeat(4), 1: PASSWORD }, cookie: { name: "__Host-s", secure: true } });
    expect(config.cookieName).toBe("__Host-s");
    expect(config.passwords).toEqual({ 2: "0123456789".repeat(4), 1: PASSWORD });
  });

  it("accepts ordinary paths and domains (a leading dot included)", () => {
    expect(resolve({ cookie: { path: "/app/v1-2_%C3%A9", domain: ".Example.co.uk" } }).cookie).toMatchObject({ path: "/app/v1-2_%C3%A9", domain: ".Example.co.uk" });
    expect(resolve({ idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 300 } }).updateAgeMs).toBe(300_000);
  });

  it("derives times in milliseconds and leaves updateAge out for on-state-change", () => {
    expect(resolve({ idleTimeout: 600, absoluteTimeout: 900, renewal: { policy: "on-every-request", updateAge: 60 } })).toMatchObject({
      idleMs: 600_000,
      absoluteMs: 900_000,
      updateAgeMs: 60_000,
    });
    expect(resolve({ renewal: { policy: "on-state-change" } }).updateAgeMs).toBeUndefined();
  });
});

describe("createSessions during `next build`", () => {
  const create = async (password: unknown) => {
    const { createSessions } = await import("../../src/index.js");
    return createSessions({ password: password as string });
  };

  it("defers a missing password to the first use, with the same error", async () => {
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    const sessions = await create(undefined);
    await expect(sessions.listSessions("u1")).rejects.toThrow(SessionConfigError);
    await expect(sessions.listSessions("u1")).rejects.toThrow(/`password` option is missing/);
  });

  it("defers a password map whose entries are merely missing (read from unset variables)", async () => {
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    const sessions = await create({ 2: undefined, 1: "" });
    await expect(sessions.listSessions("u1")).rejects.toThrow(/password 1 is missing: set the environment variable/);
  });

  it("fails at once on a missing map entry outside the build", async () => {
    await expect(create({ 2: undefined, 1: PASSWORD })).rejects.toThrow(/password 2 is missing/);
  });

  it("still fails at once on a short password", async () => {
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    await expect(create("short")).rejects.toThrow(/at least 32 characters/);
  });

  it("fails at once on a missing password outside the build", async () => {
    await expect(create(undefined)).rejects.toThrow(SessionConfigError);
  });
});
