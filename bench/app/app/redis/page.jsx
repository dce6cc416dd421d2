import { connection } from "next/server";
import { redis } from "../../lib/redis";
import { View } from "../../lib/view";

export default async function RedisPage() {
  await connection();
  if (!redis) return <View variant="redis (unavailable)" user={undefined} />;
  const session = await redis.getSession();
  return <View variant="redis" user={session.get("userId") ? session.data : undefined} />;
}
