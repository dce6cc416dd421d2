import { describe, expect, it } from "vitest";
import { base64urlToBytes } from "../../src/codec/base64url.js";
import { derivedKeys } from "../../src/codec/derived-keys.js";
import { fieldCipher } from "../../src/codec/field-cipher.js";

const PASSWORDS = { 1: "field-cipher-password-of-32-chars!", 2: "a-second-field-cipher-password-32c" };
const ID = "1~c2Vzc2lvbg";
const UUID = "6f1c2a4e-9b7d-4c3a-8e2f-1d5b7a9c0e34";

describe("fieldCipher (the user field at rest)", () => {
  const cipher = fieldCipher(PASSWORDS, "session");

  it.each([JSON.stringify("ada@example.com"), "4711", "-1.5", JSON.stringify("\u0000starts with NUL"), JSON.stringify("héllo ✓")])("round-trips the JSON value %s", async (json) => {
    const hidden = (await cipher.hide(ID, "digest-a", json))!;
    expect(hidden).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await cipher.reveal(ID, "digest-a", hidden)).toBe(json);
  });

  it("keeps a UUID user id within 64 characters: a Redis hash keeps its compact encoding", async () => {
    expect((await cipher.hide(ID, "digest-a", JSON.stringify(UUID)))!.length).toBeLessThanOrEqual(64);
  });

  it("is deterministic within a session and differs between sessions", async () => {
    const json = JSON.stringify(UUID);
    expect(await cipher.hide(ID, "digest-a", json)).toBe(await cipher.hide(ID, "digest-a", json));
    expect(await cipher.hide(ID, "digest-b", json)).not.toBe(await cipher.hide(ID, "digest-a", json));
  });

  it("opens only for the same session digest, password and cookie name, and refuses edits", async () => {
    const hidden = (await cipher.hide(ID, "digest-a", '"ada"'))!;
    expect(await cipher.reveal(ID, "digest-b", hidden)).toBeUndefined();
    expect(await cipher.reveal("2~c2Vzc2lvbg", "digest-a", hidden)).toBeUndefined();
    expect(await fieldCipher(PASSWORDS, "admin").reveal(ID, "digest-a", hidden)).toBeUndefined();
    const flipped = hidden.slice(0, -2) + (hidden.at(-2) === "A" ? "B" : "A") + hidden.at(-1);
    expect(await cipher.reveal(ID, "digest-a", flipped)).toBeUndefined();
    for (const junk of ["", "AAAA", '"ada"', "4711", "not base64url!", hidden.slice(2)]) expect(await cipher.reveal(ID, "digest-a", junk)).toBeUndefined();
    expect(await cipher.hide("3~gone", "digest-a", '"ada"')).toBeUndefined();
  });

  it("is AES-256-CTR under the 96-bit synthetic IV, as Web Crypto (Edge) computes it", async () => {
    const hidden = (await cipher.hide(ID, "digest-a", '"ada"'))!;
    const bytes = base64urlToBytes(hidden)!;
    const raw = await derivedKeys(PASSWORDS, "next-session-kit/at-rest-field/v2/session/enc")("1")!;
    const key = await crypto.subtle.importKey("raw", raw, "AES-CTR", false, ["decrypt"]);
    const counter = new Uint8Array(16);
    counter.set(bytes.subarray(0, 12));
    const plain = await crypto.subtle.decrypt({ name: "AES-CTR", counter, length: 32 }, key, bytes.subarray(12));
    expect(new TextDecoder().decode(plain)).toBe("ada");
  });
});
