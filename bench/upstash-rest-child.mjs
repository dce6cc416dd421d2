// The Upstash REST fixture (test/support/upstash-rest.ts) as a child process of the bench, so its
// event loop does not share a core with autocannon's: `node upstash-rest-child.mjs <redisUrl>
// <token>` over an IPC channel; sends `{ url }` once listening, answers every message with its
// counters `{ requests, commands }`, and stops when the bench disconnects or sends SIGTERM.
import { startUpstashRest } from "../test/support/upstash-rest.ts";

const [redisUrl, token] = process.argv.slice(2);
const server = await startUpstashRest({ redisUrl, token });
process.on("message", () => process.send({ requests: server.requests, commands: server.commands }));
const stop = () => server.close().finally(() => process.exit(0));
process.once("disconnect", stop);
process.once("SIGTERM", stop);
process.send({ url: server.url });
