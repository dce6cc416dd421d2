// A Route Handler that changes the session: what a cross-site form could abuse (CSRF) without
// the proxy's Origin check. Accepts a form post or JSON: { "item": "tea" }.
import { SessionTooLargeError } from "next-session-kit";
import { getSession } from "../../../lib/session";

export async function POST(request: Request) {
  const session = await getSession();
  if (!session.get("userId")) return Response.json({ error: "not signed in" }, { status: 401 });
  const body = request.headers.get("content-type")?.includes("json") ? await request.json() : Object.fromEntries(await request.formData());
  const item = String(body?.item ?? "").trim();
  if (!item) return Response.json({ error: "no item" }, { status: 400 });
  const cart = [...(session.get("cart") ?? []), item];
  session.set("cart", cart);
  try {
    await session.save();
  } catch (error) {
    // The cookie store keeps the session in every request's Cookie header, within a budget
    // (cookie.maxBytes): past it the session is kept as it was and the item refused.
    if (error instanceof SessionTooLargeError) return Response.json({ error: "the cart is full" }, { status: 413 });
    throw error;
  }
  return Response.json({ cart });
}
