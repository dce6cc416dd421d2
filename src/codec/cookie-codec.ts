/**
 * What turns a value into cookie text and back, under one password set: Iron seals
 * (`contentSecurity: "private"`, iron.ts and iron-node.ts) or signed tokens (`"signed"`,
 * signed.ts). The engine, the cookie store and flash messages take either.
 */
import type { UnsealResult } from "../stores/types.js";

export interface CookieCodec {
  /** Seals `value` so that it opens until `expiresAt` (epoch ms). */
  seal(value: unknown, expiresAt: number): Promise<string>;
  /** Opens a seal; never throws. */
  unseal(seal: string): Promise<UnsealResult>;
}
