// Shows what happens when a Server Component tries to write: a clear SessionReadOnlyError.
import { getSession } from "../../lib/session";

export default async function ReadOnly() {
  const session = await getSession();
  // Every call in one request returns the same object (one cookie read, one unseal).
  const shared = (await getSession()) === session;
  let message = "save() succeeded (unexpected in a Server Component)";
  try {
    session.set("notice", "written from a Server Component");
    await session.save();
  } catch (error) {
    message = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return (
    <>
      <h1>Writing from a Server Component</h1>
      <p className="error" data-testid="error">{message}</p>
      <p>
        Calls to getSession() in this request share one session: <span data-testid="shared">{String(shared)}</span>
      </p>
    </>
  );
}
