import { describe, expect, it } from "vitest";
import { signer } from "../../src/codec/signer.js";
import { forgeToken, INHERITED_IDS, OTHER_PASSWORD, PASSWORD } from "./kit.js";

const payload = "c2Vzc2lvbi1pZA";

describe("signer", () => {
  it("signs as <payload>.<newest id>.<mac> and verifies its own tokens", async () => {
    const sign = signer({ 1: PASSWORD, 2: OTHER_PASSWORD });
    const token = await sign.sign(payload);
    expect(token).toMatch(/^c2Vzc2lvbi1pZA\.2\.[A-Za-z0-9_-]{43}$/);
    expect(await sign.verify(token)).toBe(payload);
  });

  it("keeps verifying tokens of an older password after rotation, and rejects a removed one", async () => {
    const old = await signer({ 1: PASSWORD }).sign(payload);
    expect(await signer({ 2: OTHER_PASSWORD, 1: PASSWORD }).verify(old)).toBe(payload);
    expect(await signer({ 2: OTHER_PASSWORD }).verify(old)).toBeUndefined();
  });

  it("matches forgeToken under the right password (so the forging tests mean something), not under another", async () => {
    expect(await signer({ 1: PASSWORD }).verify(await forgeToken(payload, "1", OTHER_PASSWORD))).toBeUndefined();
    expect(await signer({ 1: PASSWORD }).verify(await forgeToken(payload, "1", PASSWORD))).toBe(payload);
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
    const sign = signer({ 1: PASSWORD });
    expect(await sign.verify(tamper(await sign.sign(payload)))).toBeUndefined();
  });

  it.each(INHERITED_IDS)("rejects a token under the inherited password id $id (its secret is public)", async ({ id, secret }) => {
    expect(await signer({ 1: PASSWORD }).verify(await forgeToken(payload, id, secret))).toBeUndefined();
  });
});
