/**
 * OpenTelemetry spans, recorded by the SDK's real in-memory exporter, for proxy runs over a real
 * Redis (a private redis-server, stopped for the outage): one span per proxy run and per store
 * call, with the store kind, the outcome and the duration, and nothing that identifies a session.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { parseSetCookie } from "cookie";
import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleOf } from "../support/names.js";
import { proxyFactory, type ProxyHandler } from "../../src/next/proxy.js";
import { startBackend, type Backend } from "../stores/backends.js";
import { PASSWORD, setup } from "./kit.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const ATTRIBUTES = ["next_session_kit.store.kind", "next_session_kit.outcome", "next_session_kit.duration_ms"];

let backend: Backend;
beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()); // as SDKs do: parent spans follow async calls
  backend = await startBackend("ioredis", { timeoutMs: 1000 });
});
afterAll(async () => {
  await backend?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** A proxy over Redis (renewal due after 1 s) and one browser's cookie jar. */
function proxyOverRedis() {
  const { engine } = setup({ store: backend.makeStore(), idleTimeout: 600, renewal: { policy: "on-every-request", updateAge: 1 } });
  const proxy = proxyFactory(() => engine);
  const cookies = new Map<string, string>();
  const send = async (handler?: ProxyHandler<Record<string, unknown>>) => {
    const headers = new Headers(cookies.size ? { cookie: [...cookies].map(([n, v]) => `${n}=${v}`).join("; ") } : {});
    const response = await proxy(handler)(new NextRequest("https://app.example.com/dashboard", { headers }));
    for (const cookie of response.headers.getSetCookie().map((line) => parseSetCookie(line))) {
      if (cookie.maxAge === 0) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value!);
    }
    return response;
  };
  /** Logs in (a save in the proxy's handler) and returns the session id; clears the recorded spans. */
  const logIn = async () => {
    let id: string | undefined;
    await send(async (_request, session) => {
      await session.set("userId", "ada-lovelace-1815").save();
      id = session.id;
    });
    exporter.reset();
    return id!;
  };
  return { engine, cookies, send, logIn };
}

/** Each finished span as name, outcome and kind, in the order they ended. */
const summary = () =>
  exporter.getFinishedSpans().map((span) => [span.name, span.attributes["next_session_kit.outcome"], span.attributes["next_session_kit.store.kind"]]);

/** No span carries anything but the three attributes, and none names the session, its digest, its cookie or its data. */
async function expectNothingIdentifying(spans: ReadableSpan[], id: string, cookie: string | undefined) {
  const secrets = [id, await handleOf(id, PASSWORD), cookie, "ada-lovelace-1815"].filter(Boolean) as string[];
  for (const span of spans) {
    expect(Object.keys(span.attributes).sort()).toEqual([...ATTRIBUTES].sort());
    expect(span.attributes["next_session_kit.duration_ms"]).toBeTypeOf("number");
    const text = JSON.stringify({ name: span.name, attributes: span.attributes, status: span.status, events: span.events });
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe("spans (with @opentelemetry/api installed and a tracer provider registered)", () => {
  it("a renewal-due request: the load renews in Redis (one store span) inside a renewed proxy span", async () => {
    const { cookies, send, logIn } = proxyOverRedis();
    const id = await logIn();
    await send(); // not due yet
    expect(summary()).toEqual([
      ["next-session-kit.store.load", "hit", "redis"],
      ["next-session-kit.proxy", "hit", "redis"],
    ]);
    exporter.reset();
    await sleep(1_500); // updateAge is 1 s
    await send();
    expect(summary()).toEqual([
      ["next-session-kit.store.load", "renewed", "redis"],
      ["next-session-kit.proxy", "renewed", "redis"],
    ]);
    const [load, run] = exporter.getFinishedSpans();
    expect(load!.parentSpanContext?.spanId).toBe(run!.spanContext().spanId); // the store call is the run's child
    expect(run!.status.code).toBe(SpanStatusCode.UNSET);
    await expectNothingIdentifying(exporter.getFinishedSpans(), id, cookies.get("session"));
  });

  it("a purge: a revoked session's next request misses in the store and the proxy run is purged", async () => {
    const { engine, cookies, send, logIn } = proxyOverRedis();
    const id = await logIn();
    const cookie = cookies.get("session");
    await engine.store.delete(id); // revoked elsewhere
    expect(summary()).toEqual([["next-session-kit.store.delete", "deleted", "redis"]]);
    exporter.reset();
    await send();
    expect(cookies.has("session")).toBe(false);
    expect(summary()).toEqual([
      ["next-session-kit.store.load", "miss", "redis"],
      ["next-session-kit.proxy", "purged", "redis"],
    ]);
    await expectNothingIdentifying(exporter.getFinishedSpans(), id, cookie);
  });

  it("a store outage (redis-server stopped): the store span and the proxy run end as store-error; the cookie stays", async () => {
    const { cookies, send, logIn } = proxyOverRedis();
    const id = await logIn();
    const cookie = cookies.get("session");
    await backend.redis.kill!();
    try {
      const response = await send();
      expect(response.status).toBe(200);
      expect(cookies.get("session")).toBe(cookie);
    } finally {
      await backend.redis.start!();
    }
    expect(summary()).toEqual([
      ["next-session-kit.store.load", "store-error", "redis"],
      ["next-session-kit.proxy", "store-error", "redis"],
    ]);
    const [load] = exporter.getFinishedSpans();
    expect(load!.status).toEqual({ code: SpanStatusCode.ERROR, message: "SessionStoreError" });
    await expectNothingIdentifying(exporter.getFinishedSpans(), id, cookie);
  });
});
