import { getIronSession } from "iron-session";
import { cookies } from "next/headers";
import { ironOptions } from "../../lib/iron";
import { View } from "../../lib/view";

export default async function Iron() {
  const session = await getIronSession(await cookies(), ironOptions);
  return <View variant="iron" user={session.userId ? session : undefined} />;
}
