// app-example's login redirect (`next`): every open-redirect form is refused and falls back to "/".
import { describe, expect, it } from "vitest";
import { safeNext } from "../../app-example/lib/safe-next.js";

describe("safeNext", () => {
  it.each([
    ["/\\host", "backslash read as a slash"],
    ["//host", "protocol-relative"],
    ["\\/host", "backslash first"],
    ["\\\\host", "two backslashes"],
    ["/%5Chost", "encoded backslash"],
    ["/%2F%2Fhost", "encoded slashes"],
    ["/%2F/host", "one encoded slash"],
    ["https://evil.example/", "absolute URL"],
    ["http:evil.example", "scheme without slashes"],
    ["javascript:alert(1)", "javascript: URL"],
    ["/\t/host", "tab dropped by the parser"],
    ["/\n/host", "newline dropped by the parser"],
    ["/\r\n/host", "CRLF"],
    ["/%09/host", "encoded tab"],
    ["/.//host", "dot segment that leaves `//`"],
    ["/%E0%A4%A", "malformed percent-encoding"],
    ["host", "relative path"],
    ["", "empty"],
    [" /cart", "leading space"],
  ])("refuses %j (%s)", (value) => {
    expect(safeNext(value)).toBe("/");
  });

  it.each(["/", "/cart", "/a?b=c#d", "/dashboard", "/search?q=a%20b", "/a/b/../c"])("keeps %j", (value) => {
    expect(safeNext(value)).toBe(value);
  });
});
