#!/usr/bin/env node
/**
 * `npx next-session-kit secret`: prints a new `SESSION_PASSWORD` and where it goes, so that
 * nobody has to invent one (the seal format derives its keys with a single PBKDF2 iteration,
 * so a guessable password is a guessable key). `--rotate` prints the same as a new entry of
 * the password map. Runs only from the command line: nothing imports this module.
 */
import { randomBytes } from "node:crypto";

const USAGE = `Usage: npx next-session-kit secret [--rotate]

  secret            a new SESSION_PASSWORD (32 random bytes, base64url) and its .env.local line
  secret --rotate   a new password as an extra entry of the password map, for rotation
`;

/** 32 bytes from the OS CSPRNG: 256 bits, 43 characters, safe in any .env file or shell. */
function newPassword(): string {
  return randomBytes(32).toString("base64url");
}

function secret(password: string): string {
  return `${password}

Put this line in .env.local (never commit it), or in your host's environment settings:
SESSION_PASSWORD=${password}
`;
}

function rotation(password: string): string {
  return `${password}

Rotation: keep the current password and add this one under a higher id. The highest id seals
new cookies and every listed id still opens old ones, so nobody is logged out; drop the old
entry once the longest session has ended (absoluteTimeout).

.env.local (keep SESSION_PASSWORD as it is):
SESSION_PASSWORD_2=${password}

lib/session.ts (the password map entry; if your map already has id 2, use the next free id):
  password: { 2: process.env.SESSION_PASSWORD_2!, 1: process.env.SESSION_PASSWORD! },
`;
}

function main(args: string[]): number {
  const [command, ...flags] = args;
  if (command === "secret" && flags.length === 0) {
    process.stdout.write(secret(newPassword()));
    return 0;
  }
  if (command === "secret" && flags.length === 1 && flags[0] === "--rotate") {
    process.stdout.write(rotation(newPassword()));
    return 0;
  }
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`Unknown command: ${args.join(" ")}\n\n${USAGE}`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));
