"use server";
import { kv } from "../../lib/kv";
import { countVisit } from "../../lib/count-visit";

export async function countKvVisit() {
  await countVisit(kv);
}
