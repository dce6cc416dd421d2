// `npm run example`: builds and starts app-example on http://localhost:$PORT (default 3000).
// Without SESSION_PASSWORD it makes a throwaway one for this run and says so, so that a fresh
// clone runs with nothing else to set up; sessions then end when the server stops. It serves
// plain http, so it asks for cookies without Secure (example-env.mjs): Safari logs in too.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { plainHttpEnv } from "./example-env.mjs";

const env = { ...process.env, ...plainHttpEnv };
console.log("[example] serving plain http on localhost: the session cookie is not Secure (production must be).");
if (!env.SESSION_PASSWORD) {
  env.SESSION_PASSWORD = randomBytes(32).toString("base64url");
  console.log("[example] SESSION_PASSWORD is not set: using a random one for this run.");
}
const next = (...args) => {
  const result = spawnSync("next", args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
next("build", "app-example");
next("start", "app-example", "--port", env.PORT ?? "3000");
