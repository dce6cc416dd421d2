// The header's session part. It lives in a parallel route slot because a slot's catch-all page
// is rendered again on every navigation, while a layout is not: a name seeded by the root layout
// would stay on screen after the session ended in another tab (logout, revocation, expiry).
import { SessionStoreError } from "next-session-kit";
import { SessionProvider } from "next-session-kit/client";
import { getSession, type ClientSession } from "../../lib/session";
import { HeaderUser } from "../header-user";

export default async function Header() {
  // Only what Client Components may see goes to the browser: the display name, not the session.
  // While the store is down the header shows no name rather than failing every page with it
  // (the login page the proxy sends such visitors to included).
  const client: ClientSession = await getSession().then(
    (session) => ({ name: session.get("name") }),
    (error: unknown) => {
      if (error instanceof SessionStoreError) return {};
      throw error;
    },
  );
  return (
    <SessionProvider value={client}>
      <HeaderUser />
    </SessionProvider>
  );
}
