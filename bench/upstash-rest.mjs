// A local stand-in for Upstash's REST API (what @vercel/kv and @upstash/redis speak) in front of
// a real Redis: a plain-JS port of test/support/upstash-rest.ts without the fault injection.
//   POST /           ["cmd", ...args]            -> {"result": ...} | 400 {"error": ...}
//   POST /pipeline   [["cmd", ...], ...]         -> [{"result"}|{"error"}, ...]
//   POST /multi-exec same, inside MULTI/EXEC
//   header `Upstash-Encoding: base64`: every string in a result is base64 (recursively).
// Bench-only extras: GET /__bench/stats -> {requests, commands, byPath}; POST /__bench/reset.
// Run as a child process (`node upstash-rest.mjs <redisUrl> <token>`, prints `READY <url>`), so
// its event loop does not share a core with autocannon's.
import http from "node:http";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";

const REFUSED = new Set(["multi", "exec", "discard", "watch", "unwatch", "select", "swapdb", "auth", "hello", "reset", "quit", "monitor", "subscribe", "psubscribe", "ssubscribe"]);

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function startUpstashRest({ redisUrl, token }) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectionName: "nsk-bench-upstash-rest" });
  redis.on("error", () => {});
  const stats = { requests: 0, commands: 0, byPath: {} };
  const reset = () => Object.assign(stats, { requests: 0, commands: 0, byPath: {} });

  const run = async (pathname, body, base64) => {
    switch (pathname) {
      case "/": {
        const command = toCommand(body);
        stats.commands++;
        try {
          return [200, { result: toJson(await redis.callBuffer(...asCall(command)), base64) }];
        } catch (error) {
          if (error?.name === "ReplyError") return [400, { error: error.message }];
          throw error;
        }
      }
      case "/pipeline":
      case "/multi-exec": {
        const commands = toCommandList(body);
        stats.commands += commands.length;
        const batch = pathname === "/pipeline" ? redis.pipeline() : redis.multi();
        for (const command of commands) batch.callBuffer(...asCall(command));
        let replies;
        try {
          replies = await batch.exec();
        } catch (error) {
          if (error?.name === "ReplyError") throw new HttpError(400, error.message);
          throw error;
        }
        if (!replies) throw new HttpError(400, "EXECABORT Transaction discarded");
        return [200, replies.map(([error, reply]) => (error ? { error: error.message } : { result: toJson(reply, base64) }))];
      }
      default:
        throw new HttpError(404, "Not found");
    }
  };

  const server = http.createServer(async (req, res) => {
    try {
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/+$/, "$1");
      if (pathname === "/__bench/stats") return send(res, 200, stats);
      if (pathname === "/__bench/reset") return send(res, 200, reset());
      stats.requests++;
      const text = await readBody(req);
      if (req.method !== "POST") throw new HttpError(405, "Method not allowed");
      if (req.headers.authorization !== `Bearer ${token}`) throw new HttpError(401, "Unauthorized");
      stats.byPath[pathname] = (stats.byPath[pathname] ?? 0) + 1;
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, "ERR failed to parse command");
      }
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      const [status, payload] = await run(pathname, body, base64);
      send(res, status, payload);
    } catch (error) {
      send(res, error instanceof HttpError ? error.status : 500, { error: error instanceof HttpError ? error.message : `ERR ${error?.message ?? error}` });
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    token,
    stats,
    reset,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      redis.disconnect(false);
    },
  };
}

const asCall = ([name = "", ...args]) => [name.toUpperCase(), ...args];

function toJson(reply, base64) {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  if (reply instanceof Error) return reply.message;
  return reply;
}

function toCommand(value) {
  const ok = Array.isArray(value) && value.length > 0 && value.every((arg) => ["string", "number", "boolean"].includes(typeof arg));
  if (!ok) throw new HttpError(400, "ERR failed to parse command");
  const command = value.map(String);
  if (REFUSED.has(command[0].toLowerCase())) throw new HttpError(400, `ERR command is not allowed: ${command[0]}`);
  return command;
}

function toCommandList(value) {
  if (!Array.isArray(value) || value.length === 0) throw new HttpError(400, "ERR failed to parse pipeline request");
  return value.map(toCommand);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function send(res, status, payload) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

// CLI: a child process of the bench. Stops when its parent goes away (stdin closes).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [redisUrl, token] = process.argv.slice(2);
  const server = await startUpstashRest({ redisUrl, token });
  process.stdout.write(`READY ${server.url}\n`);
  const stop = () => server.close().finally(() => process.exit(0));
  process.stdin.on("end", stop).on("close", stop).resume();
  process.on("SIGTERM", stop);
}
