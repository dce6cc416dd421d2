import { headers } from "next/headers";
import { auth } from "../../lib/betterauth";
import { View } from "../../lib/view";

export default async function BetterAuth() {
  const session = await auth.api.getSession({ headers: await headers() });
  return <View variant="betterauth" user={session?.user} />;
}
