// A Route Handler: the session as JSON, 401 when logged out.
import { getSession } from "../../../lib/session";

export async function GET() {
  const session = await getSession();
  if (!session.get("userId")) return Response.json({ error: "not signed in" }, { status: 401 });
  return Response.json({
    userId: session.get("userId"),
    name: session.get("name"),
    cart: session.get("cart") ?? [],
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
  });
}
