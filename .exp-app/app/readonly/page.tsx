// Shows what happens when a Server Component tries to write: a clear SessionReadOnlyError.
import { getSession } from "../../lib/session";

export default async function ReadOnly() {
  const session = await getSession();
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
    </>
  );
}
