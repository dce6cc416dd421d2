import { describe, expect, it } from "vitest";
import { base64urlToBytes } from "../../src/codec/base64url.js";
import { derivedKeys } from "../../src/codec/derived-keys.js";
import { fieldCipher } from "../../src/codec/field-cipher.js";

const PASSWORDS = { 1: "field-cipher-password-of-32-chars!", 2: "a-second-field-cipher-password-32c" };
const ID = "1~c2Vzc2lvbg";

describe("fieldCipher (the user field at rest)", () => {
  const cipher = fieldCipher(PASSWORDS, "session");

  it("round-trips, with a fresh IV each time", async () => {
    const first = await cipher.hide(ID, "digest-a", '"ada@example.com"');
    const second = await cipher.hide(ID, "digest-a", '"ada@example.com"');
    expect(first).not.toBe(second);
    expect(await cipher.reveal(ID, "digest-a", first!)).toBe('"ada@example.com"');
  });

  it("opens only for the same session digest, password and cookie name, and refuses edits", async () => {
    const hidden = (await cipher.hide(ID, "digest-a", '"ada"'))!;
    expect(await cipher.reveal(ID, "digest-b", hidden)).toBeUndefined();
    expect(await cipher.reveal("2~c2Vzc2lvbg", "digest-a", hidden)).toBeUndefined();
    expect(await fieldCipher(PASSWORDS, "admin").reveal(ID, "digest-a", hidden)).toBeUndefined();
    const flipped = hidden.slice(0, -2) + (hidden.at(-2) === "A" ? "B" : "A") + hidden.at(-1);
    expect(await cipher.reveal(ID, "digest-a", flipped)).toBeUndefined();
    for (const junk of ["", "!", "!AAAA", '"ada"', "!not base64url!", hidden.slice(1)]) expect(await cipher.reveal(ID, "digest-a", junk)).toBeUndefined();
    expect(await cipher.hide("3~gone", "digest-a", '"ada"')).toBeUndefined();
  });

  it("is AES-256-GCM as Web Crypto (Edge) computes it: IV, then ciphertext and tag", async () => {
    const hidden = (await cipher.hide(ID, "digest-a", '"ada"'))!;
    const bytes = base64urlToBytes(hidden.slice(1))!;
    const raw = await derivedKeys(PASSWORDS, "next-session-kit/at-rest-field/v1/session")("1")!;
    const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: new TextEncoder().encode("digest-a") }, key, bytes.subarray(12));
    expect(new TextDecoder().decode(plain)).toBe('"ada"');
  });
});
