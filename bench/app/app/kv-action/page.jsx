import { connection } from "next/server";
import { countKvVisit } from "./actions";

// The form whose Server Action the bench posts to (round trips of a read + save).
export default async function KvAction() {
  await connection();
  return <form action={countKvVisit}><button>count</button></form>;
}
