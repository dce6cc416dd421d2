// A Route Handler that changes the session: what a cross-site form could abuse (CSRF) without
// the proxy's Origin check. Accepts a form post or JSON: { "item": "tea" }.
import { getSession } from "../../../lib/session";

export async function POST(request: Request) {
  const session = await getSession();
  if (!session.get("userId")) return Response.json({ error: "not signed in" }, { status: 401 });
  const body = request.headers.get("content-type")?.includes("json") ? await request.json() : Object.fromEntries(await request.formData());
  const item = String(body?.item ?? "").trim();
  if (!item) return Response.json({ error: "no item" }, { status: 400 });
  const cart = [...(session.get("cart") ?? []), item];
  session.set("cart", cart);
  await session.save();
  return Response.json({ cart });
}
