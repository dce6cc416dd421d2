import { connection } from "next/server";
import { countRedisVisit } from "./actions";

// The form whose Server Action the bench posts to (round trips of a read + save).
export default async function RedisAction() {
  await connection();
  return <form action={countRedisVisit}><button>count</button></form>;
}
