"use server";
import { redis } from "../../lib/redis";
import { countVisit } from "../../lib/count-visit";

export async function countRedisVisit() {
  await countVisit(redis);
}
