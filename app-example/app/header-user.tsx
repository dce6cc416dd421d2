"use client";
// The signed-in name in the header: a Client Component reading what the root layout picked from
// the session (no fetch: the values arrive with the page, and again after each Server Action).
import Link from "next/link";
import { useSession } from "next-session-kit/client";
import type { ClientSession } from "../lib/session";

export function HeaderUser() {
  const { name } = useSession<ClientSession>();
  // Signed in: the name; otherwise (or while the store is down) the way to sign in.
  return name ? <span data-testid="header-user">{name}</span> : <Link href="/login">Log in</Link>;
}
