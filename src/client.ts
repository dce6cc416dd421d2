/**
 * `next-session-kit/client`: session values for Client Components, seeded by the server.
 *
 * The session cookie is HttpOnly and `getSession()` runs only on the server, so a Server
 * Component (usually the root layout) reads the session and hands `<SessionProvider>` the few
 * values the browser may see; Client Components read them with `useSession()`. The values are
 * in the first HTML (no loading state), and after a Server Action that changes the session Next
 * re-renders the layout, so the provider receives the new values with the action's response:
 * no fetch, no API route. The provider never takes the `Session` itself (React refuses to send
 * a class instance to the browser anyway): what reaches the client is what the app picked.
 *
 * Nothing here is imported by the server entry (`next-session-kit`), and this module imports
 * nothing of the library: it is React context and nothing else.
 */
"use client";
import { createContext, createElement, useContext, type ReactNode } from "react";

/** Marks "no provider above": distinguishes a forgotten provider from a value of `undefined`. */
const NO_PROVIDER = Symbol("next-session-kit/no-provider");

const SessionContext = createContext<unknown>(NO_PROVIDER);

/** Props of `SessionProvider`: `value` is whatever plain, serialisable values the server picked. */
export interface SessionProviderProps<T> {
  value: T;
  children?: ReactNode;
}

/**
 * Render it from a Server Component with values picked from the session, e.g.
 * `<SessionProvider value={{ name: session.get("name") }}>`. Pick only what the browser may
 * see: these values are part of the page's HTML and payload.
 */
export function SessionProvider<T>({ value, children }: SessionProviderProps<T>): ReactNode {
  return createElement(SessionContext, { value }, children);
}

/**
 * The values of the nearest `SessionProvider`, typed by the caller:
 * `useSession<{ name?: string }>()`. Throws when no provider is above (a forgotten provider
 * would otherwise look like a logged-out user).
 */
export function useSession<T = Record<string, unknown>>(): T {
  const value = useContext(SessionContext);
  if (value === NO_PROVIDER) {
    throw new Error(
      "next-session-kit: useSession() needs a <SessionProvider value={…}> above it: render one in a Server Component (e.g. the root layout) with the values picked from `await getSession()`.",
    );
  }
  return value as T;
}
