import { describe, expect, it } from "vitest";
import { MAX_CHUNKS, readValue, splitValue, writeValue } from "../../src/codec/chunks.js";
import type { CookieAttributes } from "../../src/cookie-jar.js";
import { SessionTooLargeError } from "../../src/errors.js";
import { setCookieLine, TestJar } from "./jar.js";

const attributes: CookieAttributes = { path: "/", domain: undefined, secure: true, sameSite: "lax", httpOnly: true, maxAge: 2_592_000 };
const longAttributes: CookieAttributes = { ...attributes, path: `/${"p".repeat(60)}`, domain: `${"d".repeat(60)}.example.com`, sameSite: "strict" };

describe("readValue", () => {
  it("reads a whole cookie, or chunks joined in order", () => {
    expect(readValue(new TestJar({ s: "abc" }), "s")).toEqual({ value: "abc", names: ["s"] });
    expect(readValue(new TestJar({ "s.1": "def", "s.0": "abc" }), "s")).toEqual({ value: "abcdef", names: ["s.0", "s.1"] });
  });

  it("stops at the first missing chunk and probes at most MAX_CHUNKS names", () => {
    expect(readValue(new TestJar({ "s.0": "a", "s.2": "c" }), "s").value).toBe("a");
    const many = Object.fromEntries(Array.from({ length: MAX_CHUNKS + 1 }, (_, i) => [`s.${i}`, String(i)]));
    expect(readValue(new TestJar(many), "s").names).toHaveLength(MAX_CHUNKS);
  });

  it("prefers the whole cookie but names stale chunks for clean-up", () => {
    expect(readValue(new TestJar({ s: "new", "s.0": "old" }), "s")).toEqual({ value: "new", names: ["s", "s.0"] });
  });

  it("finds nothing in an empty jar or an empty cookie", () => {
    expect(readValue(new TestJar(), "s")).toEqual({ value: undefined, names: [] });
    expect(readValue(new TestJar({ s: "" }), "s").value).toBeUndefined();
  });
});

describe("splitValue", () => {
  it("keeps a value that fits in one cookie whole", () => {
    expect(splitValue("s", "abc", attributes)).toEqual([["s", "abc"]]);
  });

  it.each([
    ["short", attributes],
    ["long Path and Domain", longAttributes],
  ])("keeps every Set-Cookie line within 4096 bytes with %s attributes", (_name, attrs) => {
    const value = "v".repeat(3 * 4000);
    const parts = splitValue("session", value, attrs);
    expect(parts.map(([name]) => name)).toEqual(["session.0", "session.1", "session.2", "session.3"].slice(0, parts.length));
    expect(parts.map(([, part]) => part).join("")).toBe(value);
    for (const [name, part] of parts) expect(setCookieLine({ name, value: part, attributes: attrs }).length).toBeLessThanOrEqual(4096);
  });

  it("throws SessionTooLargeError past MAX_CHUNKS cookies", () => {
    expect(() => splitValue("s", "v".repeat(MAX_CHUNKS * 4096), attributes)).toThrow(SessionTooLargeError);
  });
});

describe("writeValue", () => {
  it("writes the parts, expires the previous names it does not reuse, and returns the new names", () => {
    const jar = new TestJar();
    expect(writeValue(jar, "s", "abc", attributes, ["s.0", "s.1", "s"])).toEqual(["s"]);
    expect(jar.writes).toEqual([
      { name: "s.0", value: "", attributes: { ...attributes, maxAge: 0 } },
      { name: "s.1", value: "", attributes: { ...attributes, maxAge: 0 } },
      { name: "s", value: "abc", attributes },
    ]);
  });

  it("removes every previous name when the value is undefined", () => {
    const jar = new TestJar();
    expect(writeValue(jar, "s", undefined, { ...attributes, maxAge: 0 }, ["s.0", "s.1"])).toEqual([]);
    expect(jar.removed).toEqual(["s.0", "s.1"]);
  });
});
