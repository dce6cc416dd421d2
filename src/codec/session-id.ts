/**
 * Server-side session ids: 256 bits from the platform CSPRNG (OWASP asks for >= 64). Stores
 * keep only a SHA-256 of the id, so a leaked dump or `KEYS` listing names no live session.
 */
import { bytesToBase64url } from "./base64url.js";
import { sha256 } from "./digest.js";

/** 32 random bytes, base64url (43 characters). */
export function newSessionId(): string {
  return bytesToBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The at-rest name of an id: the first 128 bits of its SHA-256, base64url (22 characters).
 * 128 bits keep names unguessable and collision-free at any session count, and cost less
 * Redis memory per session than the full digest.
 */
export async function hashSessionId(id: string): Promise<string> {
  return bytesToBase64url((await sha256(id)).subarray(0, 16));
}
