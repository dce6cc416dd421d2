// Next 16 proxy: renews live sessions, purges dead ones, and guards the private pages.
import { NextResponse } from "next/server";
import { proxy } from "./lib/session";

const PRIVATE = ["/dashboard", "/devices"];

export default proxy((request, session) => {
  const { pathname, search } = request.nextUrl;
  if (!session.get("userId") && PRIVATE.some((path) => pathname === path || pathname.startsWith(`${path}/`))) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", pathname + search);
    return NextResponse.redirect(login);
  }
});

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
