/** What the library keeps at rest instead of ids, computed the way it does, for assertions. */
import { ironCodec } from "../../src/codec/iron.js";
import { atRestNames } from "../../src/codec/session-id.js";
import type { StoreContext } from "../../src/stores/types.js";

/** The keyed digest (`SessionInfo.handle`) of session `id` of an app with `password` and cookie `cookieName`. */
export async function handleOf(id: string, password: string, cookieName = "session"): Promise<string> {
  const handle = await atRestNames({ 1: password }, cookieName).session(id);
  if (handle === undefined) throw new Error(`no handle for ${id}: not an id minted under password 1`);
  return handle;
}

/** A real `StoreContext`, as createSessions gives one, for stores tested on their own. */
export function storeContext(password: string, over: Partial<StoreContext> = {}): StoreContext {
  const codec = ironCodec({ 1: password });
  return {
    seal: codec.seal,
    unseal: codec.unseal,
    userKey: "userId",
    cookieName: "session",
    names: atRestNames({ 1: password }, "session"),
    migrateFromIronSession: false,
    report: () => {},
    ...over,
  };
}
