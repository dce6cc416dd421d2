import Link from "next/link";
import { getSession } from "../lib/session";
import { logout } from "./actions";

export default async function Home() {
  const session = await getSession();
  const name = session.get("name");
  return (
    <>
      <h1>next-session-kit example</h1>
      {name ? (
        <>
          <p>
            Signed in as <strong data-testid="user">{name}</strong>.
          </p>
          <form action={logout}>
            <button type="submit">Log out</button>
          </form>
        </>
      ) : (
        <p>
          You are not signed in. <Link href="/login">Log in</Link> as <code>ada</code> / <code>lovelace</code>.
        </p>
      )}
    </>
  );
}
