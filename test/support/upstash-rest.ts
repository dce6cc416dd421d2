/**
 * A local stand-in for Upstash's REST API in front of a REAL Redis, so that `@upstash/redis`
 * and `@vercel/kv` can be tested over real HTTP without a cloud account.
 *
 * Protocol implemented (exactly what those clients use):
 * - every request is `POST` with `Authorization: Bearer <token>` and a JSON body;
 * - `POST /`            body `["set","k","v","ex",60]`        -> `{"result": …}` or 400 `{"error": …}`;
 * - `POST /pipeline`    body `[["get","a"],["incr","b"]]`     -> `[{"result": …}, {"error": …}]`;
 * - `POST /multi-exec`  same body, run inside MULTI/EXEC      -> same shape (400 if EXEC aborts);
 * - `Upstash-Encoding: base64` request header: every string in a result is base64 of the raw
 *   bytes Redis returned (recursively through arrays); numbers, null and errors are not encoded.
 *
 * Fault injection (`server.fault`) lets client-side timeout/retry/error handling be tested.
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** `echo-500`: a 500 whose error echoes the request body, as proxies and gateways sometimes do. */
export type UpstashFault = "none" | "500" | "echo-500" | "hang" | "malformed-json" | "reset";

export type UpstashRestServer = {
  /** `http://127.0.0.1:<port>` — pass as `url` to the clients. */
  url: string;
  token: string;
  /** Settable at runtime; takes effect for requests that arrive (or are hanging) afterwards. */
  fault: UpstashFault;
  /** When set, the fault hits only requests whose body it accepts (e.g. the write carrying a value). */
  faultFilter: ((body: string) => boolean) | undefined;
  /** HTTP requests received, including rejected and faulted ones. */
  requests: number;
  /** Redis commands forwarded (a pipeline of 3 counts 3; MULTI/EXEC themselves are not counted). */
  commands: number;
  /** Extra: authorized requests per endpoint ("/", "/pipeline", "/multi-exec"), to see what clients send. */
  requestsByPath: Record<string, number>;
  /** Stops listening, ends hanging requests and open sockets, closes the Redis connection. */
  close(): Promise<void>;
  /**
   * Parks every request carrying a command that `matches` until `count` such commands have
   * arrived (a client's pipeline may batch several into one request), then lets them all go at
   * once: concurrent app requests then race in a known interleaving (each has done everything
   * before that command). Resolves once they are let go.
   */
  hold(matches: (command: string[]) => boolean, count: number): Promise<void>;
  /** The REST server goes away (connections refused) until `start()`; Redis stays up. */
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`. */
  start(): Promise<void>;
};

export type StartUpstashRestOptions = { redisUrl: string; token?: string };

type Arg = string | number | boolean;
type CommandResult = { result: unknown } | { error: string };

/**
 * Commands that would change the state of the single shared Redis connection (and so corrupt
 * every other request) are refused, as a hosted REST endpoint also has to.
 */
const CONNECTION_STATE_COMMANDS = new Set([
  "multi", "exec", "discard", "watch", "unwatch", "select", "swapdb", "auth", "hello", "reset",
  "quit", "monitor", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe",
  "sunsubscribe",
]);

/** Raised for requests the protocol does not accept; mapped to an HTTP status + error body. */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Starts the server on a free 127.0.0.1 port and resolves once it is listening. */
export async function startUpstashRest(options: StartUpstashRestOptions): Promise<UpstashRestServer> {
  const server = new UpstashRestFixture(options.redisUrl, options.token ?? randomBytes(16).toString("hex"));
  await server.listen();
  return server;
}

class UpstashRestFixture implements UpstashRestServer {
  url = "";
  requests = 0;
  commands = 0;
  requestsByPath: Record<string, number> = {};
  private currentFault: UpstashFault = "none";
  faultFilter: ((body: string) => boolean) | undefined = undefined;
  private closing = false;
  /** The pending `hold()`, if any. */
  private holding: { matches: (command: string[]) => boolean; count: number; seen: number; parked: Array<() => void>; released: () => void } | undefined;
  /** Resolvers of requests parked by the "hang" fault. */
  private readonly hanging = new Set<() => void>();
  private readonly redis: Redis;
  private readonly http: http.Server;

  readonly token: string;

  constructor(redisUrl: string, token: string) {
    this.token = token;
    // Fail fast while Redis is down (outage tests want a quick 500, not a stalled request).
    this.redis = new Redis(redisUrl, {
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 50, 250),
      connectionName: "nsk-test-upstash-rest",
    });
    this.redis.on("error", () => {});
    this.http = http.createServer((req, res) => void this.handle(req, res));
  }

  get fault(): UpstashFault {
    return this.currentFault;
  }

  /** Clearing "hang" releases the parked requests, which are then answered normally. */
  set fault(value: UpstashFault) {
    this.currentFault = value;
    if (value !== "hang") this.releaseHanging();
  }

  listen(port = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, "127.0.0.1", () => {
        const address = this.http.address();
        if (typeof address !== "object" || !address) return reject(new Error("no address"));
        this.url = `http://127.0.0.1:${address.port}`;
        resolve();
      });
    });
  }

  hold(matches: (command: string[]) => boolean, count: number): Promise<void> {
    return new Promise((released) => {
      this.holding = { matches, count, seen: 0, parked: [], released };
    });
  }

  /** Waits while a `hold()` parks this request's commands. */
  private async park(body: string): Promise<void> {
    const holding = this.holding;
    if (!holding) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    const commands = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
    const matching = commands.filter((command) => Array.isArray(command) && holding.matches(command.map(String))).length;
    if (matching === 0) return;
    const parked = new Promise<void>((resolve) => holding.parked.push(resolve));
    holding.seen += matching;
    if (holding.seen >= holding.count) {
      this.holding = undefined;
      for (const release of holding.parked) release();
      holding.released();
    }
    await parked;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }

  start(): Promise<void> {
    return this.listen(Number(new URL(this.url).port));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.releaseHanging();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
    this.redis.disconnect(false);
  }

  private releaseHanging(): void {
    for (const release of this.hanging) release();
    this.hanging.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests++;
    try {
      const body = await readBody(req);
      await this.park(body);
      if (await this.injectFault(req, res, body)) return;
      const [status, payload] = await this.route(req, body);
      sendJson(res, status, payload);
    } catch (error) {
      if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
      else sendJson(res, 500, { error: `ERR ${errorMessage(error)}` });
    }
  }

  /** Applies the current fault; returns true when the request has been dealt with. */
  private async injectFault(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<boolean> {
    if (this.faultFilter && !this.faultFilter(body)) return false;
    while (this.currentFault === "hang" && !this.closing) {
      await new Promise<void>((resolve) => this.hanging.add(resolve));
    }
    if (this.closing) {
      req.socket.destroy();
      return true;
    }
    switch (this.currentFault) {
      case "500":
        sendJson(res, 500, { error: "ERR injected fault: internal server error" });
        return true;
      case "echo-500":
        sendJson(res, 500, { error: `ERR cannot run ${body}` });
        return true;
      case "malformed-json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"result": "truncated');
        return true;
      case "reset":
        req.socket.destroy();
        return true;
      default:
        return false;
    }
  }

  /** Auth, then dispatch on the path. Returns [status, JSON payload]. */
  private async route(req: http.IncomingMessage, body: string): Promise<[number, unknown]> {
    if (req.method !== "POST") throw new HttpError(405, "Method not allowed");
    if (req.headers.authorization !== `Bearer ${this.token}`) throw new HttpError(401, "Unauthorized");
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/+$/, "$1");
    this.requestsByPath[pathname] = (this.requestsByPath[pathname] ?? 0) + 1;
    const parsed = parseJson(body);
    switch (pathname) {
      case "/": {
        const outcome = await this.single(toCommand(parsed), base64);
        return "error" in outcome ? [400, outcome] : [200, outcome];
      }
      case "/pipeline":
        return [200, await this.pipeline(toCommandList(parsed), base64)];
      case "/multi-exec":
        return [200, await this.multiExec(toCommandList(parsed), base64)];
      default:
        throw new HttpError(404, "Not found");
    }
  }

  private async single(command: string[], base64: boolean): Promise<CommandResult> {
    this.commands++;
    try {
      const reply = await this.redis.callBuffer(...asCall(command));
      return { result: toJsonReply(reply, base64) };
    } catch (error) {
      if (isReplyError(error)) return { error: error.message };
      throw error;
    }
  }

  /** Plain pipelining on the shared connection: in order, not atomic, errors per command. */
  private async pipeline(commands: string[][], base64: boolean): Promise<CommandResult[]> {
    this.commands += commands.length;
    const pipeline = this.redis.pipeline();
    for (const command of commands) pipeline.callBuffer(...asCall(command));
    return toResultList((await pipeline.exec()) ?? [], base64);
  }

  /**
   * ioredis writes MULTI, the commands and EXEC back to back on one connection, so concurrent
   * requests cannot interleave. A queue-time error aborts the whole transaction (EXECABORT),
   * which is reported as a 400 for the request, like a failing single command.
   */
  private async multiExec(commands: string[][], base64: boolean): Promise<CommandResult[]> {
    this.commands += commands.length;
    const transaction = this.redis.multi();
    for (const command of commands) transaction.callBuffer(...asCall(command));
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await transaction.exec();
    } catch (error) {
      if (isReplyError(error)) throw new HttpError(400, error.message);
      throw error;
    }
    if (!replies) throw new HttpError(400, "EXECABORT Transaction discarded");
    return toResultList(replies, base64);
  }
}

/**
 * Sends the command name upper-cased on purpose: ioredis keys its reply transformers by the
 * exact name, and the lower-case "hgetall" one would turn the flat array into an object.
 */
function asCall(command: string[]): [string, ...string[]] {
  const [name = "", ...args] = command;
  return [name.toUpperCase(), ...args];
}

/**
 * Redis error replies become per-command `{error}` entries; anything else (connection lost,
 * Redis down) fails the whole request with a 500, as an unreachable backend would.
 */
function toResultList(replies: [Error | null, unknown][], base64: boolean): CommandResult[] {
  return replies.map(([error, reply]) => {
    if (!error) return { result: toJsonReply(reply, base64) };
    if (isReplyError(error)) return { error: error.message };
    throw error;
  });
}

/**
 * Maps an ioredis buffer reply to Upstash JSON: bulk/status strings -> string (base64 of the raw
 * bytes if asked for), integers -> numbers, nil -> null, arrays recursively.
 */
function toJsonReply(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  if (Array.isArray(reply)) return reply.map((item) => toJsonReply(item, base64));
  if (reply instanceof Error) return reply.message;
  return reply;
}

/** An error reply from Redis ("ERR …", "WRONGTYPE …", "NOSCRIPT …"), passed through verbatim. */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, "ERR failed to parse command");
  }
}

/** A command is a non-empty array of strings/numbers/booleans; non-strings are stringified. */
function toCommand(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isArg)) {
    throw new HttpError(400, "ERR failed to parse command");
  }
  const command = value.map((arg: Arg) => String(arg));
  const name = command[0]?.toLowerCase() ?? "";
  if (CONNECTION_STATE_COMMANDS.has(name)) {
    throw new HttpError(400, `ERR command is not allowed: ${name}`);
  }
  return command;
}

function toCommandList(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, "ERR failed to parse pipeline request");
  }
  return value.map(toCommand);
}

function isArg(value: unknown): value is Arg {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}
