/** Removes everything a test queue left in Redis (CI's Redis is shared by every test file). */
import type { Redis } from "ioredis";

export async function cleanQueue(client: Redis, queueName: string): Promise<void> {
  for (const pattern of [`gliner-ts:${queueName}:*`, `gliner-ts:${queueName}-results-*`, `gliner-ts-batch:${queueName}:*`]) {
    let cursor = "0";
    do {
      const [next, found] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
      if (found.length > 0) await client.del(...found);
      cursor = next;
    } while (cursor !== "0");
  }
}
