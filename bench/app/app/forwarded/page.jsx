import { connection } from "next/server";
import { View } from "../../lib/view";

// Same page as /plain; the proxy passes it through forwarding the request headers
// (NextResponse.next({ request: { headers } }), what the library proxy returns): the cost of that.
export default async function Forwarded() {
  await connection();
  return <View variant="forwarded" user={undefined} />;
}
