import { redisOptions } from '@ddp/platform';
import { Redis } from 'ioredis';

/**
 * Redis losing its data, for one suite only: every key under its prefix goes (the jobs
 * sentinel too), in one command, as a restart without persistence loses everything at once
 * (a watch check between two batches of deletes would see half a job). Returns how many.
 */
export async function loseRedisData(prefix: string, url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<number> {
  const redis = new Redis(redisOptions(url, 'probe'));
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length <= 10_000) return keys.length ? await redis.unlink(...keys) : 0;
    let removed = 0; // a large leftover (a long run) in chunks, so no single command is huge
    for (let i = 0; i < keys.length; i += 10_000) removed += await redis.unlink(...keys.slice(i, i + 10_000));
    return removed;
  } finally {
    redis.disconnect();
  }
}
