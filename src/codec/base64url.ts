/** base64url without padding, on Web APIs only so the proxy path also runs on Edge. */

export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes as iron-webcrypto decodes a seal's fields: rewritten to padded base64, then the
 * forgiving `atob`, which also takes `+` and `/`, padding and ASCII spaces, and ignores the
 * unused low bits of the last character. Undefined when `atob` refuses. For the Iron codec's
 * verdicts only (they must match iron-session's); anything else wants `base64urlToBytes`.
 */
export function forgivingBase64urlToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  let binary: string;
  try {
    binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Undefined for anything that is not canonical base64url: one spelling per byte string. */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  const bytes = /^[A-Za-z0-9_-]*$/.test(text) ? forgivingBase64urlToBytes(text) : undefined;
  return bytes && bytesToBase64url(bytes) === text ? bytes : undefined;
}

export function textToBase64url(text: string): string {
  return bytesToBase64url(new TextEncoder().encode(text));
}

export function base64urlToText(text: string): string | undefined {
  const bytes = base64urlToBytes(text);
  if (!bytes) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
