/**
 * OpenTelemetry spans for session work: one per store call and one per proxy run, with the
 * store kind, the outcome and the duration as attributes; never an id, a digest or data.
 *
 * `@opentelemetry/api` is an optional peer: it is imported lazily, once, at the first traced
 * call, and the bundler is told to leave that import alone, so an app without the package
 * builds and runs exactly as before (no span, nothing loaded). Where the runtime cannot load
 * it (a missing package, a sandbox without package resolution) tracing is simply off. Nothing
 * here imports `node:`.
 */
import type { Tracer } from "@opentelemetry/api";
import { SessionError, SessionStoreError } from "./errors.js";
import type { LoadedRecord, SessionStore, TouchRequest } from "./stores/types.js";

/**
 * What a traced operation ended in. Store calls: hit, miss, saved, renewed (extended, also
 * inside a load), deleted. Proxy runs: hit (a live session), new (none came), renewed, purged,
 * refused (the origin check's 403).
 * Either: store-error.
 */
export type Outcome = "hit" | "miss" | "new" | "saved" | "renewed" | "deleted" | "purged" | "refused" | "store-error";

const SCOPE = "next-session-kit";
const ATTRIBUTE = {
  kind: "next_session_kit.store.kind",
  outcome: "next_session_kit.outcome",
  durationMs: "next_session_kit.duration_ms",
} as const;

type Api = typeof import("@opentelemetry/api");

/** `undefined` until the first traced call has tried to load the API; `null` when it is absent. */
let api: Api | null | undefined;
let loading: Promise<void> | undefined;

function loadApi(): Promise<void> {
  // The comments keep webpack and Turbopack from resolving the optional peer at build time.
  loading ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@opentelemetry/api").then(
    (loaded: Api) => void (api = loaded),
    () => void (api = null),
  );
  return loading;
}

/**
 * One tracer for the process: the API's tracer forwards to whatever provider is registered,
 * also one registered later, so asking for it on every call (as this did) only cost time.
 */
let cachedTracer: Tracer | undefined;

function tracer(): Tracer | undefined {
  return api ? (cachedTracer ??= api.trace.getTracer(SCOPE)) : undefined;
}

/** `work()`, with a synchronous throw turned into a rejection as an async function would. */
function attempt<T>(work: () => Promise<T>): Promise<T> {
  try {
    return work();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Runs `work` inside a span named `name` (the active one while it runs, so store calls of a
 * proxy run are its children); `outcomeOf` names the result. Errors end the span as
 * `store-error` when `isStoreError` says so, and are rethrown unchanged.
 *
 * With the API installed but no tracer provider registered (Next apps often have the package
 * without an SDK), the span is the API's no-op one with no trace context: there is nothing to
 * record or propagate, so `work` runs as is, without activating a context around it (which
 * cost a few microseconds per call, three calls per request).
 */
export function traced<T>(name: string, kind: string, work: () => Promise<T>, outcomeOf: (result: T) => Outcome, isStoreError: (error: unknown) => boolean): Promise<T> {
  if (api === undefined) return loadApi().then(() => traced(name, kind, work, outcomeOf, isStoreError));
  const active = tracer();
  if (!api || !active) return attempt(work);
  const span = active.startSpan(name, { attributes: { [ATTRIBUTE.kind]: kind } });
  if (!span.isRecording() && !api.trace.isSpanContextValid(span.spanContext())) return attempt(work);
  const errorCode = api.SpanStatusCode.ERROR;
  const started = performance.now();
  const end = (outcome: Outcome | undefined, error?: unknown) => {
    if (outcome) span.setAttribute(ATTRIBUTE.outcome, outcome);
    span.setAttribute(ATTRIBUTE.durationMs, performance.now() - started);
    // Only the error's class: its message may quote a command, a key or a value.
    if (error !== undefined) span.setStatus({ code: errorCode, message: (error as Error)?.name ?? "error" });
    span.end();
  };
  return api.context.with(api.trace.setSpan(api.context.active(), span), async () => {
    try {
      const result = await work();
      end(outcomeOf(result));
      return result;
    } catch (error) {
      end(isStoreError(error) ? "store-error" : undefined, error);
      throw error;
    }
  });
}

/** A store method's outcome, from its name and result (custom methods: `hit`). */
function storeOutcome(method: string, result: unknown, args: unknown[]): Outcome {
  if (method === "load") {
    const touch = args[1] as TouchRequest | undefined;
    if (result === undefined) return "miss";
    return touch && (result as LoadedRecord).touched ? "renewed" : "hit";
  }
  if (method === "save") return "saved";
  if (method === "delete" || method === "revokeSessions") return "deleted";
  if (result === undefined || result === false) return "miss";
  return method === "update" ? "saved" : method === "touch" || method === "renew" ? "renewed" : method === "revokeSession" ? "deleted" : "hit";
}

/** What the engine counts as the store failing (not a refusal such as a too-large session). */
function isStoreFailure(error: unknown): boolean {
  return error instanceof SessionStoreError || !(error instanceof SessionError);
}

/**
 * `store` with a span around each method call (`next-session-kit.store.<method>`). A Proxy,
 * so that methods a store adds later are traced too and calls keep their own `this`.
 */
export function tracedStore(store: SessionStore): SessionStore {
  const kind = store.kind ?? "custom";
  // One wrapper per method (made at its first call), not a new closure per property read.
  const wrapped = new Map<string, { method: unknown; traced: (...args: unknown[]) => Promise<unknown> }>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (property === "init" || typeof property !== "string") return method.bind(target);
      const known = wrapped.get(property);
      if (known?.method === method) return known.traced;
      const traceCall = (...args: unknown[]) =>
        traced(`${SCOPE}.store.${property}`, kind, () => method.apply(target, args), (result) => storeOutcome(property, result, args), isStoreFailure);
      wrapped.set(property, { method, traced: traceCall });
      return traceCall;
    },
  });
}
