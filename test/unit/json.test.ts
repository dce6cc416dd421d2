import { describe, expect, it } from "vitest";
import { jsonProblem } from "../../src/json.js";

describe("jsonProblem", () => {
  it.each<[string, unknown]>([
    ["strings, finite numbers, booleans and null", ["a", 0, -1.5, true, null]],
    ["nested objects and arrays", { a: [{ b: [1, [2]] }], c: {} }],
    ["an object without prototype", Object.assign(Object.create(null) as object, { a: 1 })],
    ["the same object twice (not a cycle)", (() => { const shared = { a: 1 }; return { x: shared, y: [shared] }; })()],
  ])("accepts %s", (_name, value) => {
    expect(jsonProblem(value, "v")).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ["Infinity", { a: Infinity }, "v.a is Infinity (not representable in JSON: store null or a finite number)"],
    ["a symbol", [Symbol("s")], "v[0] is a symbol (store plain data only)"],
    ["an Error", { error: new Error("x") }, "v.error is an instance of Error (store a plain object with its fields)"],
    ["a deep Map", { a: [{ b: new Map() }] }, "v.a[0].b is a Map (store a plain object: Object.fromEntries(map))"],
    ["an indirect cycle", (() => { const a: Record<string, unknown> = {}; a.list = [{ back: a }]; return a; })(), "v.list[0].back is a circular reference (store a tree, not a graph)"],
    ["a hole in an array", [1, , 3], "v[1] is undefined (use unset() to remove a key, or store null)"],
    ["an undefined field", { a: { b: undefined } }, "v.a.b is undefined (use unset() to remove a key, or store null)"],
    ["a symbol key", { a: { [Symbol("s")]: 1 } }, "v.a has a symbol key Symbol(s) (JSON drops it: use a string key)"],
    ["a non-enumerable field", { a: Object.defineProperty({}, "hidden", { value: 1 }) }, "v.a.hidden is not enumerable (JSON drops it)"],
  ])("names the path and the fix for %s", (_name, value, message) => {
    expect(jsonProblem(value, "v")).toBe(message);
  });

  it("drops undefined object fields only when the rules say so (as the Iron codec seals), never array items", () => {
    expect(jsonProblem({ a: { b: undefined }, c: 1 }, "v", { undefinedFields: "dropped" })).toBeUndefined();
    expect(jsonProblem({ a: [undefined] }, "v", { undefinedFields: "dropped" })).toBe("v.a[0] is undefined (use unset() to remove a key, or store null)");
  });
});
