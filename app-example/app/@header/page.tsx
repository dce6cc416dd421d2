// The header's session part. It lives in a parallel route slot because a slot's catch-all page
// is rendered again on every navigation, while a layout is not: a name seeded by the root layout
// would stay on screen after the session ended in another tab (logout, revocation, expiry).
import { SessionProvider } from "next-session-kit/client";
import { getSession, type ClientSession } from "../../lib/session";
import { HeaderUser } from "../header-user";

export default async function Header() {
  const session = await getSession();
  // Only what Client Components may see goes to the browser: the display name, not the session.
  const client: ClientSession = { name: session.get("name") };
  return (
    <SessionProvider value={client}>
      <HeaderUser />
    </SessionProvider>
  );
}
