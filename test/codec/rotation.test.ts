/**
 * `newerPasswordId` settles most cookies from where the id sits, without splitting the whole
 * value; only a candidate above every known id goes through the full parse. That shortcut must
 * never change a verdict: checked here against the full parse alone (the function as it was
 * before the shortcut), over seal-like, token-like and arbitrary strings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sealFields } from "../../src/codec/iron-format.js";
import { highestId, newerPasswordId } from "../../src/codec/rotation.js";

/** The full parse only: every field split out, then the id checked. */
function reference(value: string, passwords: Record<string, string>): string | undefined {
  const fields = sealFields(value);
  const [payload, tokenId, mac, extra] = value.split(".");
  const id = fields ? (fields[0] === "Fe26.2" ? fields[1] : undefined) : payload && mac && extra === undefined ? tokenId : undefined;
  if (id === undefined || !/^[1-9][0-9]{0,8}$/.test(id)) return undefined;
  return Number(id) > Number(highestId(passwords)) ? id : undefined;
}

const piece = fc.oneof(
  fc.constantFrom("Fe26.2", "*", ".", "~", "~2", "", "0", "1", "2", "3", "9", "10", "1234567890", "x"),
  fc.stringMatching(/^[0-9]{1,10}$/),
  fc.string({ maxLength: 6 }),
);
/** Strings assembled from the characters that matter (`*`, `.`, `~`, digits), often seal- or token-shaped. */
const cookieLike = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join("")),
  fc.array(piece, { minLength: 7, maxLength: 9 }).map((parts) => `Fe26.2*${parts.join("*")}`),
  fc.tuple(piece, piece, piece).map((parts) => parts.join(".")),
  fc.string(),
);
const passwordMaps = fc.constantFrom<Record<string, string>>({ 1: "a" }, { 2: "b", 1: "a" }, { 3: "c" }, { 10: "d", 9: "e" });

describe("newerPasswordId", () => {
  it("gives the full parse's verdict for every value", () => {
    fc.assert(
      fc.property(cookieLike, passwordMaps, (value, passwords) => {
        expect(newerPasswordId(value, passwords)).toBe(reference(value, passwords));
      }),
      { numRuns: 20_000 },
    );
  });

  it("names a newer seal's and a newer token's id, and nothing for known ones", () => {
    const passwords = { 2: "b", 1: "a" };
    expect(newerPasswordId("Fe26.2*3*salt*iv*data*exp*hsalt*hmac~2", passwords)).toBe("3");
    expect(newerPasswordId("Fe26.2*2*salt*iv*data*exp*hsalt*hmac~2", passwords)).toBeUndefined();
    expect(newerPasswordId("payload.3.mac", passwords)).toBe("3");
    expect(newerPasswordId("payload.1.mac", passwords)).toBeUndefined();
    expect(newerPasswordId("Fe26.2*3*too*few", passwords)).toBeUndefined();
  });
});
