// What the Server Action routes do with a session: one change and a save (the Server Action
// round trips of issue 12 item 4: the proxy's read, handed to the action, plus the save).
export async function countVisit(sessions) {
  const session = await sessions.getSession();
  session.set("visits", (session.get("visits") ?? 0) + 1);
  await session.save();
}
