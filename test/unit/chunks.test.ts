import { describe, expect, it } from "vitest";
import { DEFAULT_COOKIE_BUDGET, MAX_CHUNKS, MAX_COOKIE_BUDGET, readValue, splitValue, writeValue } from "../../src/codec/chunks.js";
import type { CookieAttributes } from "../../src/cookie-jar.js";
import { SessionTooLargeError } from "../../src/errors.js";
import { setCookieLine, TestJar } from "./jar.js";

const attributes: CookieAttributes = { path: "/", domain: undefined, secure: true, sameSite: "lax", httpOnly: true, maxAge: 2_592_000 };
const BUDGET = MAX_COOKIE_BUDGET;
const longAttributes: CookieAttributes = { ...attributes, path: `/${"p".repeat(60)}`, domain: `${"d".repeat(60)}.example.com`, sameSite: "strict" };

describe("readValue", () => {
  it("reads a whole cookie, or chunks joined in order", () => {
    expect(readValue(new TestJar({ s: "abc" }), "s", BUDGET)).toEqual({ value: "abc", names: ["s"], tooLarge: false });
    expect(readValue(new TestJar({ "s.1": "def", "s.0": "abc" }), "s", BUDGET)).toEqual({ value: "abcdef", names: ["s.0", "s.1"], tooLarge: false });
  });

  it("stops at the first missing chunk and probes at most MAX_CHUNKS names", () => {
    expect(readValue(new TestJar({ "s.0": "a", "s.2": "c" }), "s", BUDGET).value).toBe("a");
    const many = Object.fromEntries(Array.from({ length: MAX_CHUNKS + 1 }, (_, i) => [`s.${i}`, String(i)]));
    expect(readValue(new TestJar(many), "s", BUDGET).names).toHaveLength(MAX_CHUNKS);
  });

  it("prefers the whole cookie but names stale chunks for clean-up", () => {
    expect(readValue(new TestJar({ s: "new", "s.0": "old" }), "s", BUDGET)).toEqual({ value: "new", names: ["s", "s.0"], tooLarge: false });
  });

  it("finds nothing in an empty jar or an empty cookie", () => {
    expect(readValue(new TestJar(), "s", BUDGET)).toEqual({ value: undefined, names: [], tooLarge: false });
    expect(readValue(new TestJar({ s: "" }), "s", BUDGET).value).toBeUndefined();
  });
});

describe("splitValue", () => {
  it("keeps a value that fits in one cookie whole", () => {
    expect(splitValue("s", "abc", attributes, BUDGET)).toEqual([["s", "abc"]]);
  });

  it.each([
    ["short", attributes],
    ["long Path and Domain", longAttributes],
  ])("keeps every Set-Cookie line within 4096 bytes with %s attributes", (_name, attrs) => {
    const value = "v".repeat(3 * 4000);
    const parts = splitValue("session", value, attrs, BUDGET);
    expect(parts.map(([name]) => name)).toEqual(["session.0", "session.1", "session.2", "session.3"].slice(0, parts.length));
    expect(parts.map(([, part]) => part).join("")).toBe(value);
    for (const [name, part] of parts) expect(setCookieLine({ name, value: part, attributes: attrs }).length).toBeLessThanOrEqual(4096);
  });

  it("throws SessionTooLargeError past MAX_CHUNKS cookies", () => {
    expect(() => splitValue("s", "v".repeat(MAX_CHUNKS * 4096), attributes, BUDGET)).toThrow(SessionTooLargeError);
  });

  /** What `parts` add to a Cookie header, counted independently: the header a browser would send. */
  const cookieHeader = (parts: Array<[string, string]>) => parts.map(([name, value]) => `${name}=${value}`).join("; ");

  it("accepts exactly what fits the budget in the Cookie header, and refuses one byte more naming the budget and the fix", () => {
    // The largest value whose cookies fit the default budget (as one header: name=value pairs joined by "; ").
    let largest = 0;
    for (let length = 4000; length < 8000; length++) {
      try {
        splitValue("session", "v".repeat(length), attributes, DEFAULT_COOKIE_BUDGET);
        largest = length;
      } catch {
        break;
      }
    }
    const parts = splitValue("session", "v".repeat(largest), attributes, DEFAULT_COOKIE_BUDGET);
    expect(parts.length).toBe(2);
    expect(cookieHeader(parts).length).toBe(DEFAULT_COOKIE_BUDGET);
    expect(() => splitValue("session", "v".repeat(largest + 1), attributes, DEFAULT_COOKIE_BUDGET)).toThrow(
      /would add \d+ bytes to the Cookie header of every request, over the budget of 6144 \(`cookie.maxBytes`\).*server-side store.*at most 14336/s,
    );
  });

  it("lets the largest budget fill all MAX_CHUNKS cookies within 4096 bytes each", () => {
    // Four "session.N=" names and three "; " separators leave the rest of the budget to the value.
    const value = "v".repeat(MAX_COOKIE_BUDGET - MAX_CHUNKS * "session.0=".length - (MAX_CHUNKS - 1) * 2);
    const parts = splitValue("session", value, attributes, MAX_COOKIE_BUDGET);
    expect(parts.length).toBe(MAX_CHUNKS);
    expect(cookieHeader(parts).length).toBe(MAX_COOKIE_BUDGET);
    for (const [name, part] of parts) expect(setCookieLine({ name, value: part, attributes }).length).toBeLessThanOrEqual(4096);
  });
});

describe("readValue against the budget", () => {
  it("flags session cookies over the budget as too large, counting every chunk and the whole cookie", () => {
    const chunk = "c".repeat(3050);
    // "s.0=<3050>; s.1=<3050>" is 6110 bytes; "; s.2=" and 40 more make 6156.
    expect(readValue(new TestJar({ "s.0": chunk, "s.1": chunk }), "s", 6144).tooLarge).toBe(false);
    expect(readValue(new TestJar({ "s.0": chunk, "s.1": chunk, "s.2": "c".repeat(40) }), "s", 6144).tooLarge).toBe(true);
    expect(readValue(new TestJar({ "s.0": chunk, "s.1": chunk }), "s", 6110).tooLarge).toBe(false);
    expect(readValue(new TestJar({ "s.0": chunk, "s.1": chunk }), "s", 6109).tooLarge).toBe(true);
    // A stale whole cookie next to chunks counts too: the browser sends both.
    expect(readValue(new TestJar({ s: chunk, "s.0": chunk, "s.1": "c".repeat(200) }), "s", 6144).tooLarge).toBe(true);
    expect(readValue(new TestJar({ s: "x" }), "s", 6144).tooLarge).toBe(false);
  });
});

describe("writeValue", () => {
  it("writes the parts, expires the previous names it does not reuse, and returns the new names", () => {
    const jar = new TestJar();
    expect(writeValue(jar, "s", "abc", attributes, ["s.0", "s.1", "s"], BUDGET)).toEqual(["s"]);
    expect(jar.writes).toEqual([
      { name: "s.0", value: "", attributes: { ...attributes, maxAge: 0 } },
      { name: "s.1", value: "", attributes: { ...attributes, maxAge: 0 } },
      { name: "s", value: "abc", attributes },
    ]);
  });

  it("removes every previous name when the value is undefined", () => {
    const jar = new TestJar();
    expect(writeValue(jar, "s", undefined, { ...attributes, maxAge: 0 }, ["s.0", "s.1"], BUDGET)).toEqual([]);
    expect(jar.removed).toEqual(["s.0", "s.1"]);
  });
});
