/**
 * Proves the shared Redis / Upstash-REST test fixtures against the REAL clients, so later store
 * tests can trust them. Also pins the client behaviours the KV store relies on (endpoints,
 * auto-pipelining, NOSCRIPT fallback, retry and abort semantics).
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answersPing, useRedis, type TestRedis } from "./redis";
import { startUpstashRest, type UpstashFault, type UpstashRestServer } from "./upstash-rest";

/**
 * `import { createClient } from "@vercel/kv"` cannot be used under vitest: vitest's default-export
 * interop reads `default.__esModule`, and @vercel/kv's default export is a Proxy that throws
 * "Missing required environment variables KV_REST_API_URL and KV_REST_API_TOKEN" on any property
 * read. Loading the package's CommonJS build through Node's own require sidesteps the interop.
 */
const { createClient: createKvClient } = createRequire(import.meta.url)("@vercel/kv") as typeof import("@vercel/kv");

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const unique = () => randomBytes(6).toString("hex");

/** Settles to "pending" if `promise` has not settled after `ms` — used instead of timing asserts. */
async function stateAfter(promise: Promise<unknown>, ms: number): Promise<"resolved" | "rejected" | "pending"> {
  return Promise.race([
    promise.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    delay(ms).then(() => "pending" as const),
  ]);
}

describe("useRedis()", () => {
  const started: TestRedis[] = [];
  const track = (fixture: TestRedis) => (started.push(fixture), fixture);

  afterAll(async () => {
    for (const fixture of started) {
      await fixture.cleanup().catch(() => {});
      await fixture.stop();
    }
  });

  it("cleanup() deletes only keys under its own prefix", async () => {
    const redis = track(await useRedis());
    const client = new IORedis(redis.url);
    const outside = `nsk-test-outside:${process.pid}-${unique()}`;
    try {
      await client.set(outside, "keep me");
      await client.set(`${redis.prefix}plain`, "1");
      await client.hset(`${redis.prefix}{abc}:data`, "field", "value");
      const many = Array.from({ length: 1200 }, (_, i) => [`${redis.prefix}bulk:${i}`, "x"]).flat();
      await client.mset(...many);

      await redis.cleanup();

      expect(await client.keys(`${redis.prefix}*`)).toEqual([]);
      expect(await client.get(outside)).toBe("keep me");
    } finally {
      await client.del(outside);
      client.disconnect();
    }
  });

  it("commandStats() deltas count exactly the GETs issued (private server)", async () => {
    const redis = track(await useRedis({ private: true }));
    const client = new IORedis(redis.url);
    try {
      await client.set(`${redis.prefix}k`, "v");
      const before = await redis.commandStats();
      for (let i = 0; i < 7; i++) await client.get(`${redis.prefix}k`);
      const after = await redis.commandStats();
      expect((after.get ?? 0) - (before.get ?? 0)).toBe(7);
      expect(after.set).toBeGreaterThanOrEqual(1);
      expect(after.info).toBeGreaterThan(before.info ?? 0);
    } finally {
      client.disconnect();
    }
  });

  it("a private persistent server keeps its data across kill()/start() and restart()", async () => {
    const redis = track(await useRedis({ persistence: true }));
    expect(redis.kill && redis.start && redis.restart).toBeTruthy();
    const client = new IORedis(redis.url, { maxRetriesPerRequest: null });
    client.on("error", () => {});
    try {
      await client.set(`${redis.prefix}survivor`, "still here");

      await redis.kill!();
      expect(await answersPing(redis.host, redis.port, 500)).toBe(false);
      await redis.start!();
      expect(await client.get(`${redis.prefix}survivor`)).toBe("still here");

      await client.set(`${redis.prefix}second`, "also here");
      await redis.restart!();
      expect(await client.mget(`${redis.prefix}survivor`, `${redis.prefix}second`)).toEqual([
        "still here",
        "also here",
      ]);
    } finally {
      client.disconnect();
    }
  });

  it("stop() on a private server leaves no process answering", async () => {
    const redis = await useRedis({ private: true });
    expect(await answersPing(redis.host, redis.port, 500)).toBe(true);
    await redis.stop();
    expect(await answersPing(redis.host, redis.port, 500)).toBe(false);
  });
});

describe("startUpstashRest()", () => {
  let redis: TestRedis;
  let rest: UpstashRestServer;
  let admin: IORedis;
  const key = (name: string) => `${redis.prefix}${name}:${unique()}`;

  beforeAll(async () => {
    redis = await useRedis();
    rest = await startUpstashRest({ redisUrl: redis.url });
    admin = new IORedis(redis.url);
  });

  afterAll(async () => {
    await rest?.close();
    admin?.disconnect();
    await redis?.cleanup();
    await redis?.stop();
  });

  /** Raw protocol access, to check the wire format independent of any client. */
  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${rest.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${rest.token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as unknown };
  }

  describe("wire protocol", () => {
    it("rejects a missing or wrong token with 401", async () => {
      for (const authorization of [undefined, "Bearer nope", `Basic ${rest.token}`]) {
        const response = await fetch(rest.url, {
          method: "POST",
          headers: authorization ? { authorization } : {},
          body: JSON.stringify(["ping"]),
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ error: "Unauthorized" });
      }
    });

    it("runs single commands, stringifying numbers and booleans", async () => {
      const k = key("raw");
      expect((await post("/", ["set", k, 42, "ex", 60])).json).toEqual({ result: "OK" });
      expect((await post("/", ["get", k])).json).toEqual({ result: "42" });
      expect((await post("/", ["ttl", k])).json).toMatchObject({ result: expect.any(Number) });
      expect((await post("/", ["set", k, true])).json).toEqual({ result: "OK" });
      expect(await admin.get(k)).toBe("true");
    });

    it("answers nil as an explicit result: null", async () => {
      const response = await post("/", ["get", key("missing")]);
      expect(response.status).toBe(200);
      expect(response.text).toBe('{"result":null}');
    });

    it("answers a Redis error with 400 and the Redis message", async () => {
      const k = key("str");
      await admin.set(k, "not a number");
      const response = await post("/", ["incr", k]);
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: "ERR value is not an integer or out of range" });
    });

    it("base64-encodes every string (recursively) only when asked", async () => {
      const k = key("bin");
      await admin.set(k, Buffer.from([0xff, 0x00, 0x41]));
      const b64 = { "Upstash-Encoding": "base64" };
      expect((await post("/", ["get", k], b64)).json).toEqual({ result: "/wBB" });
      expect((await post("/", ["set", `${k}:2`, "hi"], b64)).json).toEqual({ result: "T0s=" });
      expect((await post("/", ["incr", `${k}:n`], b64)).json).toEqual({ result: 1 });
      const script = "return {1, 'a', {2, 'b'}, false}";
      expect((await post("/", ["eval", script, 0], b64)).json).toEqual({ result: [1, "YQ==", [2, "Yg=="], null] });
      expect((await post("/", ["eval", script, 0])).json).toEqual({ result: [1, "a", [2, "b"], null] });
    });

    it("returns hgetall as the flat Redis array, not an object", async () => {
      const k = key("hash");
      await post("/", ["hset", k, "a", "1", "b", "2"]);
      const { json } = await post("/", ["hgetall", k]);
      expect(json).toEqual({ result: expect.arrayContaining(["a", "1", "b", "2"]) });
      expect(Array.isArray((json as { result: unknown }).result)).toBe(true);
    });

    it("answers /pipeline with one {result}/{error} per command", async () => {
      const k = key("pipe");
      const before = rest.commands;
      const { status, json } = await post("/pipeline", [
        ["set", k, "a"],
        ["incr", k],
        ["get", k],
      ]);
      expect(status).toBe(200);
      expect(json).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: "a" }]);
      expect(rest.commands - before).toBe(3);
    });

    it("answers /multi-exec atomically, and 400 when the transaction is aborted", async () => {
      const k = key("multi");
      const ok = await post("/multi-exec", [
        ["set", k, 1],
        ["incr", k],
      ]);
      expect(ok.json).toEqual([{ result: "OK" }, { result: 2 }]);
      const aborted = await post("/multi-exec", [["set", k], ["incr", k]]);
      expect(aborted.status).toBe(400);
      expect(aborted.json).toEqual({ error: expect.stringContaining("EXECABORT") });
      expect(await admin.get(k)).toBe("2");
    });

    it("rejects malformed bodies, unknown paths and connection-state commands", async () => {
      expect((await post("/", { not: "a command" })).status).toBe(400);
      expect((await post("/", [])).status).toBe(400);
      expect((await post("/", ["multi"])).status).toBe(400);
      expect((await post("/nope", ["ping"])).status).toBe(404);
    });

    it("counts requests and forwarded commands", async () => {
      const [requests, commands] = [rest.requests, rest.commands];
      await post("/", ["ping"]);
      await post("/pipeline", [["ping"], ["ping"]]);
      expect(rest.requests - requests).toBe(2);
      expect(rest.commands - commands).toBe(3);
    });
  });

  type ClientOptions = Record<string, unknown>;
  type ClientCase = { name: string; autoPipelining: boolean; make: (options?: ClientOptions) => UpstashRedis };
  /** Both clients auto-pipeline by default; the middle variant exercises the single-command endpoint. */
  const clients: ClientCase[] = [
    {
      name: "@upstash/redis",
      autoPipelining: true,
      make: (options = {}) => new UpstashRedis({ url: rest.url, token: rest.token, ...options }),
    },
    {
      name: "@upstash/redis (enableAutoPipelining: false)",
      autoPipelining: false,
      make: (options = {}) => new UpstashRedis({ url: rest.url, token: rest.token, enableAutoPipelining: false, ...options }),
    },
    {
      name: "@vercel/kv",
      autoPipelining: true,
      make: (options = {}) => createKvClient({ url: rest.url, token: rest.token, ...options }),
    },
  ];

  describe.each(clients)("real client $name", ({ autoPipelining, make: makeClient }) => {
    it("set/get strings and JSON objects (auto (de)serialization)", async () => {
      const client = makeClient();
      const [s, o, u] = [key("s"), key("o"), key("u")];
      expect(await client.set(s, "hello")).toBe("OK");
      expect(await client.get(s)).toBe("hello");
      const value = { user: "ada", roles: ["admin"], n: 1, nested: { ok: true } };
      await client.set(o, value, { ex: 60 });
      expect(await client.get(o)).toEqual(value);
      expect(await admin.get(o)).toBe(JSON.stringify(value));
      await client.set(u, "héllo ✓ 🎉");
      expect(await client.get(u)).toBe("héllo ✓ 🎉");
      expect(await client.get(key("missing"))).toBeNull();
    });

    it("round-trips a large value (bigger than fetch's 64 KiB keepalive budget)", async () => {
      const client = makeClient();
      const k = key("big");
      const big = { blob: "x".repeat(200_000) };
      await client.set(k, big);
      expect(await client.get(k)).toEqual(big);
    });

    it("hset/hgetall", async () => {
      const client = makeClient();
      const k = key("h");
      expect(await client.hset(k, { name: "ada", profile: { a: 1 } })).toBe(2);
      expect(await client.hgetall(k)).toEqual({ name: "ada", profile: { a: 1 } });
      expect(await client.hgetall(key("nohash"))).toBeNull();
    });

    it("incr, expire and ttl", async () => {
      const client = makeClient();
      const k = key("counter");
      expect(await client.incr(k)).toBe(1);
      expect(await client.incr(k)).toBe(2);
      expect(await client.ttl(k)).toBe(-1);
      expect(await client.expire(k, 100)).toBe(1);
      const ttl = await client.ttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(100);
      expect(await client.ttl(key("nothing"))).toBe(-2);
    });

    it("pipeline()", async () => {
      const client = makeClient();
      const k = key("p");
      const results = await client.pipeline().set(k, { a: 1 }).get(k).incr(`${k}:n`).exec();
      expect(results).toEqual(["OK", { a: 1 }, 1]);
    });

    it("multi() transaction, including a failing command", async () => {
      const client = makeClient();
      const k = key("m");
      expect(await client.multi().set(k, "1").incr(k).get(k).exec()).toEqual(["OK", 2, 2]);
      await expect(client.multi().set(k, "text").incr(k).exec()).rejects.toThrow(/not an integer/);
      const kept = await client.multi().set(k, "text").incr(k).exec({ keepErrors: true });
      expect(kept[0]).toEqual({ result: "OK", error: undefined });
      expect(kept[1]?.error).toMatch(/not an integer/);
    });

    it("eval, scriptLoad/evalsha, and the NOSCRIPT -> EVAL fallback of createScript().exec()", async () => {
      const client = makeClient();
      const k = key("lua");
      const script = `-- ${unique()}\nredis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], redis.call('GET', KEYS[1])}`;
      expect(await client.eval(script, [k], ["v1"])).toEqual([k, "v1"]);

      const sha = await client.scriptLoad(script);
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await client.evalsha(sha, [k], ["v2"])).toEqual([k, "v2"]);
      await expect(client.evalsha("0".repeat(40), [k], [])).rejects.toThrow(/NOSCRIPT/);

      const fresh = client.createScript<[string, string]>(`-- ${unique()}\nreturn {KEYS[1], ARGV[1]}`);
      const before = rest.commands;
      expect(await fresh.exec([k], ["first"])).toEqual([k, "first"]);
      expect(rest.commands - before).toBe(2); // EVALSHA -> NOSCRIPT, then EVAL (which caches it)
      expect(await fresh.exec([k], ["second"])).toEqual([k, "second"]);
      expect(rest.commands - before).toBe(3); // EVALSHA hits
    });

    it("del", async () => {
      const client = makeClient();
      const k = key("d");
      await client.set(k, "x");
      expect(await client.del(k, key("never"))).toBe(1);
      expect(await client.get(k)).toBeNull();
    });

    it("a bad token makes the call throw", async () => {
      const client = makeClient({ token: "wrong" });
      await expect(client.get(key("x"))).rejects.toThrow(/Unauthorized/);
    });

    it.each(["500", "malformed-json", "reset"] satisfies UpstashFault[])("fault %s makes the call reject", async (fault) => {
      const client = makeClient({ retry: { retries: 1, backoff: () => 0 } });
      const requests = rest.requests;
      rest.fault = fault;
      try {
        await expect(client.get(key("f"))).rejects.toThrow();
      } finally {
        rest.fault = "none";
      }
      // Only network errors are retried; HTTP errors and unparseable bodies fail at once.
      expect(rest.requests - requests).toBe(fault === "reset" ? 2 : 1);
      expect(await client.set(key("after"), "ok")).toBe("OK");
    });

    it("fault hang: a function-form signal rejects; without one the call stays pending until cleared", async () => {
      const k = key("hang");
      await admin.set(k, "v");
      rest.fault = "hang";
      try {
        const withTimeout = makeClient({ signal: () => AbortSignal.timeout(200), retry: false });
        await expect(withTimeout.get(k)).rejects.toThrow();

        const plain = makeClient();
        const pending = plain.get(k);
        expect(await stateAfter(pending, 300)).toBe("pending");
        rest.fault = "none";
        expect(await pending).toBe("v");
      } finally {
        rest.fault = "none";
      }
    });

    it("fault hang: a plain (non-function) AbortSignal does not give a clean rejection", async () => {
      rest.fault = "hang";
      try {
        const client = makeClient({ signal: AbortSignal.timeout(200) });
        // On abort the client fabricates a 200 `{"result": <signal.reason>}` response. The reason
        // (a DOMException) serializes to {}, which decodes to null. Through /pipeline that body
        // is not an array -> TypeError; through "/" the GET RESOLVES null, i.e. looks like a miss.
        const call = client.get(key("quirk"));
        if (autoPipelining) await expect(call).rejects.toThrow(TypeError);
        else await expect(call).resolves.toBeNull();
      } finally {
        rest.fault = "none";
      }
    });
  });

  it("retry: false still makes two attempts on a network error (off-by-one in the client)", async () => {
    const client = new UpstashRedis({ url: rest.url, token: rest.token, retry: false });
    const requests = rest.requests;
    rest.fault = "reset";
    try {
      await expect(client.get(key("r"))).rejects.toThrow();
    } finally {
      rest.fault = "none";
    }
    expect(rest.requests - requests).toBe(2);
  });

  describe("which endpoints the clients use", () => {
    /** Runs `action` and returns the per-endpoint request counts it caused. */
    async function endpointsUsedBy(action: () => Promise<unknown>): Promise<Record<string, number>> {
      const before = { ...rest.requestsByPath };
      await action();
      const used: Record<string, number> = {};
      for (const [path, count] of Object.entries(rest.requestsByPath)) {
        const delta = count - (before[path] ?? 0);
        if (delta > 0) used[path] = delta;
      }
      return used;
    }

    it.each([
      ["@upstash/redis", () => new UpstashRedis({ url: rest.url, token: rest.token })],
      ["@vercel/kv", () => createKvClient({ url: rest.url, token: rest.token })],
    ] as const)("%s auto-pipelines: same-tick commands share one /pipeline request", async (_name, make) => {
      const client = make();
      const k = key("auto");
      await admin.set(k, "v");
      const commands = rest.commands;
      const used = await endpointsUsedBy(async () => {
        expect(await Promise.all([client.get(k), client.get(k), client.exists(k)])).toEqual(["v", "v", 1]);
      });
      expect(used).toEqual({ "/pipeline": 1 });
      expect(rest.commands - commands).toBe(3);
    });

    it("auto-pipelining splits reads and writes of the same tick into separate requests", async () => {
      const client = new UpstashRedis({ url: rest.url, token: rest.token });
      const k = key("rw");
      const used = await endpointsUsedBy(() => Promise.all([client.set(k, "1"), client.get(k), client.incr(`${k}:n`)]));
      expect(used).toEqual({ "/pipeline": 2 });
    });

    it("excluded commands (hgetall, scan, …) and non-auto-pipelining clients use POST /", async () => {
      const client = new UpstashRedis({ url: rest.url, token: rest.token });
      expect(await endpointsUsedBy(() => client.hgetall(key("h")))).toEqual({ "/": 1 });
      const direct = new UpstashRedis({ url: rest.url, token: rest.token, enableAutoPipelining: false });
      expect(await endpointsUsedBy(() => direct.get(key("g")))).toEqual({ "/": 1 });
      expect(await endpointsUsedBy(() => direct.multi().get(key("g")).exec())).toEqual({ "/multi-exec": 1 });
    });
  });

  it("stop() refuses connections until start() listens again on the same port", async () => {
    const own = await startUpstashRest({ redisUrl: redis.url });
    const client = new UpstashRedis({ url: own.url, token: own.token, retry: false });
    await own.stop();
    await expect(client.get(key("stopped"))).rejects.toThrow();
    await own.start();
    expect(await client.get(key("stopped"))).toBeNull();
    await own.close();
  });

  it("hold() parks matching commands until enough have arrived, then lets them all go", async () => {
    const k = key("held");
    const held = rest.hold((command) => command[0] === "incr" && command[1] === k, 2);
    const first = post("/", ["incr", k]);
    expect(await stateAfter(first, 200)).toBe("pending");
    expect((await post("/", ["get", k])).json).toEqual({ result: null }); // other commands pass
    const second = post("/", ["incr", k]);
    await held;
    expect([(await first).json, (await second).json]).toEqual(expect.arrayContaining([{ result: 1 }, { result: 2 }]));
  });

  it("close() ends requests that are hanging", async () => {
    const own = await startUpstashRest({ redisUrl: redis.url });
    own.fault = "hang";
    const client = new UpstashRedis({ url: own.url, token: own.token, retry: false });
    const pending = client.get(key("closing"));
    expect(await stateAfter(pending, 200)).toBe("pending");
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});
