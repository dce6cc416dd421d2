/**
 * Races on one session (issue 7, item 4), at the library level against a real Redis: the engine
 * as createSessions builds it, on kvStore (@vercel/kv over the Upstash REST fixture) and on
 * redisStore (ioredis, node-redis), each with its own private redis-server. app-example's
 * actions all change the same key, so the interleavings are driven here, deterministically:
 * every racing request has loaded the session before any of them writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend, type Backend, type ClientKind } from "../stores/backends.js";
import { TestJar } from "../unit/jar.js";
import { setup } from "../unit/kit.js";

const KINDS: ClientKind[] = ["@vercel/kv", "ioredis", "node-redis"];

describe.each(KINDS)("races on one session, %s", (kind) => {
  let backend: Backend;
  let kit: ReturnType<typeof setup>;
  let users = 0;
  beforeAll(async () => {
    backend = await startBackend(kind);
    kit = setup({ store: backend.makeStore() });
  });
  afterAll(() => backend?.close());

  /** A signed-in session of a user no other test uses: the user and the browser's cookies. */
  const signIn = async () => {
    const userId = `racer-${++users}`;
    return { userId, jar: await kit.seed({ userId }) };
  };
  /** `n` requests arriving together with the same cookies, each past its load. */
  const together = (jar: TestJar, n: number) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const request = new TestJar(jar.cookies);
        return { request, ...(await kit.open(request)) };
      }),
    );
  const sessionsOf = (userId: string) => kit.engine.store.listSessions!(userId);
  /** What the browser's next request, after `request`'s response, opens. */
  const after = async (request: TestJar) => (await kit.open(request.next())).session;

  it.each([2, 8])("%i concurrent requests changing different keys keep every change", async (n) => {
    const { userId, jar } = await signIn();
    const requests = await together(jar, n);
    requests.forEach(({ session }, i) => session.set(`key${i}`, i));
    await Promise.all(requests.map(({ session }) => session.save()));
    expect(requests.map(({ session }) => session.status)).toEqual(requests.map(() => "changed"));
    for (const { request } of requests) {
      expect((await after(request)).data).toEqual({ userId, ...Object.fromEntries(requests.map((_, i) => [`key${i}`, i])) });
    }
    expect(await sessionsOf(userId)).toHaveLength(1);
  });

  it("a logout racing a slower save stays logged out", async () => {
    const { userId, jar } = await signIn();
    const [slow, logout] = await together(jar, 2);
    const id = slow!.session.id!;
    await logout!.session.destroy();
    slow!.session.set("cart", ["tea"]);
    await slow!.session.save();
    expect(slow!.session.status).toBe("purged");
    // The loser of the race sends no removal cookie (it could overwrite a winner's fresh one);
    // the logout's own response removes the cookie, and the dead id is purged on its next use.
    expect(slow!.request.removed).toEqual([]);
    expect(logout!.request.removed).toEqual(["session"]);
    expect(await kit.engine.store.load(id)).toBeUndefined();
    expect(await sessionsOf(userId)).toEqual([]);
    const hash = (await kit.engine.names.session(id))!;
    expect((await backend.dump!()).filter((line) => line.includes(hash))).toEqual([]);
    // A third request is anonymous: after either response, and even replaying the old cookie.
    for (const request of [slow!.request, logout!.request]) expect((await after(request)).isNew).toBe(true);
    const replayed = await kit.open(new TestJar(jar.cookies));
    expect({ isNew: replayed.session.isNew, stale: replayed.stale }).toEqual({ isNew: true, stale: true });
  });

  it("5 concurrent renew() calls leave exactly one live id", async () => {
    const { userId, jar } = await signIn();
    const requests = await together(jar, 5);
    await Promise.all(requests.map(({ session }) => session.renew()));
    const statuses = requests.map(({ session }) => session.status).sort();
    expect(statuses).toEqual(["purged", "purged", "purged", "purged", "renewed"]);
    const listed = await sessionsOf(userId);
    expect(listed).toHaveLength(1);
    const winner = requests.find(({ session }) => session.status === "renewed")!;
    expect(listed[0]!.handle).toBe(await kit.engine.names.session(winner.session.id!));
    // Of the five responses' cookies only the winner's opens; the old cookie is dead.
    const opened = await Promise.all(requests.map(async ({ request }) => (await after(request)).get("userId")));
    expect(opened.filter((user) => user !== undefined)).toEqual([userId]);
    expect((await kit.open(new TestJar(jar.cookies))).session.isNew).toBe(true);
  });
});
