/**
 * `contentSecurity: "signed"`: the session readable by its owner (base64url JSON) but
 * tamper-proof, with the same expiry rules as a seal. Cheaper than encryption; never for
 * secrets.
 */
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import type { PasswordMap } from "./iron-rules.js";
import { base64urlToText, textToBase64url } from "./base64url.js";
import { signer } from "./signer.js";

export function signedCodec(passwords: PasswordMap, cookieName: string, sealingId?: string): CookieCodec {
  const sign = signer(passwords, "signed-cookie", cookieName, sealingId);
  return {
    seal(value, expiresAt) {
      return sign.sign(textToBase64url(JSON.stringify({ v: value, e: expiresAt })));
    },
    async unseal(token): Promise<UnsealResult> {
      const payload = await sign.verify(token);
      const text = payload === undefined ? undefined : base64urlToText(payload);
      if (text === undefined) return { ok: false, reason: "invalid" };
      const parsed = parse(text);
      if (typeof parsed?.e !== "number") return { ok: false, reason: "invalid" };
      if (parsed.e <= Date.now()) return { ok: false, reason: "expired" };
      return { ok: true, value: parsed.v };
    },
  };
}

function parse(text: string): { v?: unknown; e?: unknown } | undefined {
  try {
    return JSON.parse(text) as { v?: unknown; e?: unknown };
  } catch {
    return undefined;
  }
}
