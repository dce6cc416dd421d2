import { auth } from "../../lib/authjs";
import { View } from "../../lib/view";

export default async function AuthJs() {
  const session = await auth();
  return <View variant="authjs" user={session?.user?.name ? session.user : undefined} />;
}
