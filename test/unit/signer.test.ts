import { describe, expect, it } from "vitest";
import { signer } from "../../src/codec/signer.js";
import { forgeToken, INHERITED_IDS, OTHER_PASSWORD, PASSWORD } from "./kit.js";

const payload = "c2Vzc2lvbi1pZA";

describe("signer", () => {
  it("signs as <payload>.<newest id>.<mac> and verifies its own tokens", async () => {
    const sign = signer({ 1: PASSWORD, 2: OTHER_PASSWORD }, "session-id", "session");
    const token = await sign.sign(payload);
    expect(token).toMatch(/^c2Vzc2lvbi1pZA\.2\.[A-Za-z0-9_-]{43}$/);
    expect(await sign.verify(token)).toBe(payload);
  });

  it("keeps verifying tokens of an older password after rotation, and rejects a removed one", async () => {
    const old = await signer({ 1: PASSWORD }, "session-id", "session").sign(payload);
    expect(await signer({ 2: OTHER_PASSWORD, 1: PASSWORD }, "session-id", "session").verify(old)).toBe(payload);
    expect(await signer({ 2: OTHER_PASSWORD }, "session-id", "session").verify(old)).toBeUndefined();
  });

  it("never verifies a token made for another purpose (a signed cookie is not a session id)", async () => {
    const cookie = await signer({ 1: PASSWORD }, "signed-cookie", "session").sign(payload);
    expect(await signer({ 1: PASSWORD }, "signed-cookie", "session").verify(cookie)).toBe(payload);
    expect(await signer({ 1: PASSWORD }, "session-id", "session").verify(cookie)).toBeUndefined();
  });

  it("accepts one spelling of a signature only (no re-spelled last base64url character)", async () => {
    const token = await signer({ 1: PASSWORD }, "session-id", "session").sign(payload);
    const last = token.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const respelled = [...alphabet].filter((c) => c !== last).map((c) => token.slice(0, -1) + c);
    for (const variant of respelled) expect(await signer({ 1: PASSWORD }, "session-id", "session").verify(variant)).toBeUndefined();
  });

  it("matches forgeToken under the right password (so the forging tests mean something), not under another", async () => {
    expect(await signer({ 1: PASSWORD }, "session-id", "session").verify(await forgeToken(payload, "1", OTHER_PASSWORD))).toBeUndefined();
    expect(await signer({ 1: PASSWORD }, "session-id", "session").verify(await forgeToken(payload, "1", PASSWORD))).toBe(payload);
  });

  it.each([
    ["a changed payload", (t: string) => t.replace(payload, "c2Vzc2lvbi1pZB")],
    ["a changed mac", (t: string) => t.slice(0, -10) + (t.at(-10) === "A" ? "B" : "A") + t.slice(-9)],
    ["a changed password id", (t: string) => t.replace(".1.", ".2.")],
    ["a truncated mac", (t: string) => t.slice(0, -4)],
    ["an extra segment", (t: string) => `${t}.x`],
    ["no mac", (t: string) => t.split(".").slice(0, 2).join(".")],
    ["an empty string", () => ""],
  ])("rejects %s", async (_name, tamper) => {
    const sign = signer({ 1: PASSWORD }, "session-id", "session");
    expect(await sign.verify(tamper(await sign.sign(payload)))).toBeUndefined();
  });

  it.each(INHERITED_IDS)("rejects a token under the inherited password id $id (its secret is public)", async ({ id, secret }) => {
    expect(await signer({ 1: PASSWORD }, "session-id", "session").verify(await forgeToken(payload, id, secret))).toBeUndefined();
  });
});
