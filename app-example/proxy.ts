// Next 16 proxy: renews live sessions, purges dead ones, and guards the private pages.
import { NextResponse } from "next/server";
import { proxy } from "./lib/session";

const PRIVATE = ["/dashboard", "/devices"];

export default proxy((request, session) => {
  const { pathname, search } = request.nextUrl;
  if (!PRIVATE.some((path) => pathname === path || pathname.startsWith(`${path}/`))) return;
  // The store is down, or a newer deployment sealed the cookie: the visitor may well be signed
  // in, so say "try again" rather than sending them to the login page (and never serve the
  // page: it trusts this gate).
  if (session.unavailable) {
    return new NextResponse("Sessions are unavailable for a moment; please try again.", { status: 503, headers: { "Retry-After": "5" } });
  }
  if (!session.get("userId")) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", pathname + search);
    return NextResponse.redirect(login);
  }
});

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
