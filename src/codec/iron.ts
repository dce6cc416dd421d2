/**
 * The Iron seal (`Fe26.2*…~2`) codec, byte-compatible with iron-session 9 so cookies move
 * freely between the two libraries. This is the portable path (Web Crypto, via iron-session):
 * it runs on Node and on the Edge runtime alike.
 */
import { sealData, unsealData } from "iron-session";
import type { UnsealResult } from "../stores/types.js";
import type { CookieCodec } from "./cookie-codec.js";
import { highestId } from "./rotation.js";

/** Password id -> secret, as iron-session's password map; the highest id seals unless told otherwise. */
export type PasswordMap = Readonly<Record<string, string>>;

/** Opens under every password of the map; seals with `sealingId` (default: the highest id). */
export function ironCodec(passwords: PasswordMap, sealingId = highestId(passwords)): CookieCodec {
  // iron-session seals with the highest id of the map it is given: give it only that one.
  const sealing = { [sealingId]: passwords[sealingId]! };
  return {
    async seal(value, expiresAt) {
      const ttl = Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000));
      return sealData(value as Record<string, unknown>, { password: sealing, ttl });
    },
    async unseal(seal) {
      let reason: UnsealResult | undefined;
      const value = await unsealData(seal, {
        password: passwords,
        onUnsealError: (why) => {
          reason = { ok: false, reason: why };
        },
      });
      return reason ?? { ok: true, value };
    },
  };
}
