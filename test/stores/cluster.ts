/**
 * A private three-node Redis Cluster (no replicas) for the Cluster conformance runs: proves
 * the hash-tag layout and the scripts work where slots are enforced.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { answersPing, freePort } from "../support/redis.js";

export interface TestCluster {
  /** host:port of every master. */
  nodes: Array<{ host: string; port: number }>;
  /** Kills master `index` (SIGKILL): a node outage. */
  kill(index: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`test cluster: ${what} timed out`);
    await delay(50);
  }
}

/**
 * `fullCoverage: false` lets the surviving nodes keep serving their slots while one is down
 * (cluster-require-full-coverage no): a partial outage instead of a total one.
 */
export async function startCluster(options: { fullCoverage?: boolean } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "nsk-cluster-"));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = ports.map((port) =>
    spawn("redis-server", ["--port", String(port), "--bind", HOST, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--save", "", "--appendonly", "no", "--dir", dir, "--cluster-require-full-coverage", options.fullCoverage === false ? "no" : "yes"], { cwd: dir, stdio: "ignore" }),
  );
  const kill = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : (child.once("exit", resolve), child.kill("SIGKILL"))));
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => answersPing(HOST, port, 500), `node ${port}`);
    await promisify(execFile)("redis-cli", ["--cluster", "create", ...ports.map((port) => `${HOST}:${port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    // Every node, not just the first: a node that has not yet seen the whole slot map answers CLUSTERDOWN.
    const info = async (port: number) => (await promisify(execFile)("redis-cli", ["-p", String(port), "cluster", "info"])).stdout;
    for (const port of ports) await waitFor(async () => (await info(port)).includes("cluster_state:ok"), `cluster_state:ok on ${port}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: HOST, port })), kill: async (index) => void (await kill(children[index]!)), stop };
}
