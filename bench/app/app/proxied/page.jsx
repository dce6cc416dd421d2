import { connection } from "next/server";
import { View } from "../../lib/view";

// Same page as /plain, but the proxy runs for it and does nothing (NextResponse.next()): the
// cost of having a proxy at all, which every session variant pays before any session work.
export default async function Proxied() {
  await connection();
  return <View variant="proxied" user={undefined} />;
}
