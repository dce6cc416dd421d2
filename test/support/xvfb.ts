/**
 * A private X display (Xvfb) for browsers that need one (WebKitGTK's MiniBrowser), started from
 * the test itself so that `vitest` runs unwrapped (no `xvfb-run` around `npm test`).
 */
import { spawn } from "node:child_process";

export const XVFB_PATH = "/usr/bin/Xvfb";

export interface Display {
  /** The value for DISPLAY, e.g. ":3". */
  name: string;
  stop(): void;
}

/** Starts Xvfb on the first free display number (Xvfb picks it and writes it to fd 3). */
export async function startXvfb(): Promise<Display> {
  const child = spawn(XVFB_PATH, ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x800x24"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (chunk) => (errors += chunk));
  const number = await new Promise<string>((resolve, reject) => {
    child.stdio[3]!.once("data", (chunk) => resolve(String(chunk).trim()));
    child.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}:\n${errors}`)));
  });
  return { name: `:${number}`, stop: () => void child.kill() };
}
