import { connection } from "next/server";
import { View } from "../../lib/view";

// No session, no proxy: the baseline. connection() makes it dynamic like the session pages.
export default async function Plain() {
  await connection();
  return <View variant="plain" user={undefined} />;
}
