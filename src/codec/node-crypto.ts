/**
 * `node:crypto` when the runtime has it, through `process.getBuiltinModule` and never a static
 * import: the codecs are part of the proxy's bundle, which must also load on the Edge runtime
 * (there this returns undefined and callers use Web Crypto). On Node, one HMAC or seal costs
 * microseconds this way against a few hundred with Web Crypto's per-call overhead.
 */
export type NodeCrypto = typeof import("node:crypto");

let loaded: NodeCrypto | null | undefined;

export function nodeCrypto(): NodeCrypto | undefined {
  if (loaded === undefined) loaded = load() ?? null;
  return loaded ?? undefined;
}

function load(): NodeCrypto | undefined {
  const global = globalThis as { EdgeRuntime?: string; process?: { getBuiltinModule?: (id: string) => unknown } };
  // The Edge runtime's `process` throws on any Node-only member, so ask it nothing there.
  if (typeof global.EdgeRuntime === "string") return undefined;
  try {
    return global.process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
}
