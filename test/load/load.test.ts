/**
 * A bounded load test (issue 7 item 3, issue 12 item 5): `next start` of app-example on each
 * store in turn (the cookie store; KV: the real @vercel/kv client over HTTP to the Upstash REST
 * fixture in front of a private redis-server; Redis: ioredis over TCP to a private
 * redis-server), loopback only, a fixed number of requests, every one with a deadline. USERS
 * simulated browsers without JavaScript run at once, each signing in (the two demo accounts,
 * alternately), adding cart items through the Server Action form and reading /dashboard, /cart
 * and /api/me.
 *
 * Two accounts only, so sessions are told apart by their carts: user 17 adds `u17-0`, `u17-1`…
 * and every page it reads must show exactly the items it added so far, in order (a cart is per
 * session). Asserted: no 5xx, no response showing another session's data, no lost item.
 * Requests/s and p99 latency per store are printed and written to test-results/load.json
 * (cited by BENCHMARKS.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import { startKvBackend } from "../support/kv-backend.js";
import { ROOT, startApp, type RunningApp } from "../support/next-app.js";
import { useRedis } from "../support/redis.js";

const USERS = 50;
const ITEMS = 6;
/** Per item: the cart page and its form post, then /dashboard, /api/me and /cart. */
const REQUESTS_PER_ITEM = 5;
/** Per user: the login page and its form post, then the items, then a final /api/me. */
const REQUESTS_PER_USER = 2 + ITEMS * REQUESTS_PER_ITEM + 1;
const REQUEST_DEADLINE_MS = 30_000;
const ACCOUNTS = [
  { username: "ada", password: "lovelace", name: "Ada Lovelace" },
  { username: "alan", password: "turing", name: "Alan Turing" },
] as const;

/** One store's run: every response by status, each request's latency, whatever a user saw that it should not have. */
interface Tally {
  requests: number;
  byStatus: Record<number, number>;
  latenciesMs: number[];
  problems: string[];
}

const newTally = (): Tally => ({ requests: 0, byStatus: {}, latenciesMs: [], problems: [] });

/** A no-JS browser whose every request is counted, timed and has a deadline. */
class LoadClient extends HttpClient {
  readonly tally: Tally;

  constructor(base: string, tally: Tally) {
    super(base);
    this.tally = tally;
  }

  override async request(path: string, init: RequestInit = {}): Promise<Exchange> {
    const started = performance.now();
    const exchange = await super.request(path, { ...init, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
    this.tally.latenciesMs.push(performance.now() - started);
    this.tally.requests++;
    this.tally.byStatus[exchange.status] = (this.tally.byStatus[exchange.status] ?? 0) + 1;
    return exchange;
  }
}

/** The `p`-quantile (0..1) of `values`, nearest rank. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** The cart items a /cart page lists, in order. */
const cartItems = (html: string) => [...html.matchAll(/data-testid="item"[^>]*>([^<]*)/g)].map((match) => match[1]!.trim());

/** One simulated user: signs in, adds ITEMS items, reads every page after each; records what is wrong. */
async function simulateUser(base: string, n: number, tally: Tally): Promise<void> {
  const client = new LoadClient(base, tally);
  const account = ACCOUNTS[n % ACCOUNTS.length]!;
  const added: string[] = [];
  const problem = (what: string, seen: unknown) => tally.problems.push(`user ${n} (${account.username}): ${what}: ${JSON.stringify(seen)}`);
  const expectSame = (what: string, seen: unknown, expected: unknown) => {
    if (JSON.stringify(seen) !== JSON.stringify(expected)) problem(`${what}, expected ${JSON.stringify(expected)}`, seen);
  };
  const readMe = async () => {
    const me = await client.request("/api/me");
    const json = me.status === 200 ? (JSON.parse(me.body) as { userId: string; cart: string[] }) : { status: me.status };
    expectSame("/api/me", json, { ...json, userId: account.username, cart: added });
  };

  const login = await client.submit("/login", { username: account.username, password: account.password });
  expectSame("login status", login.status, 303);
  for (let i = 0; i < ITEMS; i++) {
    const item = `u${n}-${i}`;
    const post = await client.submit("/cart", { item }, 'name="item"');
    if (post.status >= 400) problem(`add ${item}`, post.status);
    added.push(item);
    const dashboard = await client.request("/dashboard");
    expectSame("/dashboard user", [dashboard.status, testId(dashboard.body, "user")], [200, account.name]);
    await readMe();
    const cart = await client.request("/cart");
    expectSame("/cart items", [cart.status, cartItems(cart.body)], [200, added]);
  }
  await readMe();
}

/** What app-example runs against for each store (it picks the store from the environment: app-example/lib/store.ts). */
const STORES = [
  { id: "cookie", label: "cookie store (sealed cookie, nothing to run)", start: async () => ({ env: {}, stop: async () => {} }) },
  {
    id: "kv",
    label: "kvStore, @vercel/kv over HTTP to the Upstash REST fixture + redis-server (loopback)",
    start: async () => {
      const kv = await startKvBackend();
      return { env: kv.env, stop: () => kv.stop() };
    },
  },
  {
    id: "redis",
    label: "redisStore, ioredis over TCP to redis-server (loopback)",
    start: async () => {
      const redis = await useRedis({ private: true });
      return { env: { REDIS_URL: redis.url, SESSION_KV_PREFIX: redis.prefix }, stop: () => redis.stop() };
    },
  },
] as const;

const runs: Array<Record<string, unknown>> = [];

afterAll(() => {
  if (runs.length === 0) return;
  const result = {
    app: "app-example (next start)",
    users: USERS,
    requestsPerUser: REQUESTS_PER_USER,
    runs,
    machine: { cpus: availableParallelism(), cpu: cpus()[0]?.model.trim(), node: process.version },
    date: new Date().toISOString(),
  };
  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  writeFileSync(join(ROOT, "test-results", "load.json"), `${JSON.stringify(result, null, 2)}\n`);
});

describe.each(STORES)("$id store", ({ id, label, start }) => {
  let backend: { env: Record<string, string>; stop(): Promise<void> } | undefined;
  let app: RunningApp | undefined;
  afterAll(async () => {
    await app?.stop();
    await backend?.stop();
  });

  it(`${USERS} concurrent users x ${REQUESTS_PER_USER} requests: no 5xx, no foreign data, no lost item`, async () => {
    backend = await start();
    app = await startApp(backend.env);
    const tally = newTally();
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: USERS }, (_, n) => simulateUser(app!.url, n, tally)));
    const durationMs = performance.now() - started;
    const failures = outcomes.flatMap((outcome, n) => (outcome.status === "rejected" ? [`user ${n}: ${String(outcome.reason)}`] : []));

    const requestsPerSecond = Math.round((tally.requests / durationMs) * 1000);
    const p99Ms = Math.round(quantile(tally.latenciesMs, 0.99));
    runs.push({
      store: id,
      storeLabel: label,
      requests: tally.requests,
      byStatus: tally.byStatus,
      durationMs: Math.round(durationMs),
      requestsPerSecond,
      p50Ms: Math.round(quantile(tally.latenciesMs, 0.5)),
      p99Ms,
      problems: tally.problems.length + failures.length,
    });
    console.log(`load (${id}): ${tally.requests} requests from ${USERS} concurrent users in ${(durationMs / 1000).toFixed(1)} s = ${requestsPerSecond} requests/s, p99 ${p99Ms} ms`, tally.byStatus);

    if (failures.length + tally.problems.length > 0) console.log(`next start, last lines:\n${app.logs().slice(-4_000)}`);
    expect(failures).toEqual([]);
    expect(tally.problems).toEqual([]);
    expect(tally.requests).toBe(USERS * REQUESTS_PER_USER);
    expect(Object.keys(tally.byStatus).filter((status) => Number(status) >= 500)).toEqual([]);
  }, 240_000);
});
