import { connection } from "next/server";
import { kv } from "../../lib/kv";
import { View } from "../../lib/view";

export default async function Kv() {
  await connection();
  if (!kv) return <View variant="kv (unavailable)" user={undefined} />;
  const session = await kv.getSession();
  return <View variant="kv" user={session.get("userId") ? session.data : undefined} />;
}
