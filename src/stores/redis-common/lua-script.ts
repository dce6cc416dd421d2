/**
 * A Lua script run by digest (EVALSHA: a few bytes per call instead of the whole source) with
 * the EVAL fallback when the server has not seen it yet (NOSCRIPT, e.g. after a restart).
 */

/** The two commands every supported client can send; adapters map them to their client. */
export interface ScriptCommands {
  evalsha(sha: string, keys: string[], args: string[]): Promise<unknown>;
  eval(source: string, keys: string[], args: string[]): Promise<unknown>;
}

export class LuaScript {
  #sha: Promise<string> | undefined;

  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  /** SHA-1 of the source, as Redis names scripts (Web Crypto, so it also runs on Edge). */
  sha(): Promise<string> {
    this.#sha ??= crypto.subtle.digest("SHA-1", new TextEncoder().encode(this.source)).then((digest) =>
      Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join(""),
    );
    return this.#sha;
  }

  /** One round trip when the server knows the script, two the first time after a restart. */
  async run(commands: ScriptCommands, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await commands.evalsha(await this.sha(), keys, args);
    } catch (error) {
      if (!String((error as Error)?.message).includes("NOSCRIPT")) throw error;
      return commands.eval(this.source, keys, args);
    }
  }
}
