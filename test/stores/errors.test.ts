/**
 * Store errors carry no session data, ids or digests: real faults on every client (a Redis
 * reply error during `save()`, from a private server with `maxmemory 1` and `noeviction`; a
 * REST 500 whose body echoes the request; Redis stopped), and everything a logger could print
 * of them: `util.inspect` of the thrown error, `String(error.cause)`, every own property of the
 * error and of its causes, and every `onEvent` payload.
 */
import { inspect } from "node:util";
import { Redis as IoRedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionEvent } from "../../src/config.js";
import { SessionStoreError } from "../../src/errors.js";
import { buildEngine } from "../../src/setup.js";
import { TestJar } from "../unit/jar.js";
import { startBackend, type Backend, type ClientKind } from "./backends.js";

const PASSWORD = "store-errors-test-password-32-chars!";
const KINDS: ClientKind[] = ["ioredis", "node-redis", "@vercel/kv", "@upstash/redis"];

/** Everything a logger could print about `value`: inspect output, strings, stacks, own properties. */
function printed(value: unknown): string {
  const show = (item: unknown) => inspect(item, { depth: 20, showHidden: true });
  const parts = [show(value)];
  for (let error: unknown = value; error instanceof Error; error = error.cause) {
    parts.push(String(error), String(error.stack), String(error.cause));
    for (const name of Object.getOwnPropertyNames(error)) parts.push(show((error as unknown as Record<string, unknown>)[name]));
  }
  return parts.join("\n");
}

for (const kind of KINDS) {
  describe(`store errors name no id, digest, user or data: ${kind}`, () => {
    let backend: Backend;
    let admin: IoRedis;
    beforeAll(async () => {
      backend = await startBackend(kind, { timeoutMs: 1500 });
      admin = new IoRedis(backend.redis.url);
      admin.on("error", () => {});
    });
    afterAll(async () => {
      admin?.disconnect();
      await backend?.close();
    });

    /** An engine on a fresh store with one saved session, and every secret that session involves. */
    async function seeded() {
      const events: SessionEvent[] = [];
      const engine = buildEngine({ password: PASSWORD, store: backend.makeStore(), onEvent: (event) => events.push(event) });
      const user = `user-${Math.random().toString(36).slice(2)}`;
      const first = new TestJar();
      const { session } = await engine.open(first, { writable: true, renew: false });
      session.set("userId", user).set("email", "ada@example.org").set("cart", ["secret-cart-item-3141"]);
      await session.save();
      const jar = first.next();
      const cookie = jar.get("session")!;
      const digests = [...(await backend.dump!()).join("\n").matchAll(/:[su]:([\w-]{16,})/g)].map((match) => match[1]!);
      expect(digests.length).toBeGreaterThanOrEqual(2); // the session's and the user's
      const secrets = [user, "ada@example.org", "secret-cart-item-3141", "secret-note-2718", cookie, cookie.split(".")[0]!, ...digests];
      /** Opens the session, changes it, and returns the error `save()` fails with while `fault` holds. */
      const failingSave = async (fault: () => Promise<() => Promise<unknown>>) => {
        const { session: loaded } = await engine.open(jar, { writable: true, renew: false });
        loaded.set("note", "secret-note-2718").set("cart", ["secret-cart-item-3141", "second"]);
        const undo = await fault();
        try {
          return await loaded.save().then(() => undefined, (error: unknown) => error);
        } finally {
          await undo();
        }
      };
      /** The error and every event name none of the secrets. */
      const expectClean = (error: unknown) => {
        expect(error).toBeInstanceOf(SessionStoreError);
        expect(events.some((event) => event.type === "store-error")).toBe(true);
        const text = [printed(error), ...events.map((event) => `${printed(event)}\n${printed(event.error)}`)].join("\n");
        for (const secret of secrets) expect(text).not.toContain(secret);
      };
      return { engine, jar, failingSave, expectClean };
    }

    it("a Redis reply error during save() (maxmemory 1, noeviction)", async () => {
      const { failingSave, expectClean } = await seeded();
      const error = await failingSave(async () => {
        await admin.config("SET", "maxmemory-policy", "noeviction");
        await admin.config("SET", "maxmemory", "1");
        return () => admin.config("SET", "maxmemory", "0");
      });
      expect(String((error as Error).message)).toMatch(/could not update the session/);
      expectClean(error);
    });

    it.runIf(kind.startsWith("@"))("a REST 500 whose body echoes the request", async () => {
      const { failingSave, expectClean } = await seeded();
      const error = await failingSave(async () => {
        backend.rest!.fault = "echo-500";
        return async () => {
          backend.rest!.fault = "none";
        };
      });
      expectClean(error);
    });

    it("Redis stopped: the load fails, naming nothing of the session", { timeout: 60_000 }, async () => {
      const { engine, jar, expectClean } = await seeded();
      await backend.redis.kill!();
      try {
        expectClean(await engine.open(jar, { writable: true, renew: true }).then(() => undefined, (error: unknown) => error));
      } finally {
        await backend.redis.start!();
      }
    });
  });
}

