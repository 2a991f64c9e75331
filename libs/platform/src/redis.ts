import { Redis, type RedisOptions } from 'ioredis';

/**
 * What a connection is for, which decides how long a command waits for Redis to come back:
 * - `worker`: BullMQ workers block on Redis and must never fail a command because a
 *   reconnect took a while (BullMQ requires maxRetriesPerRequest: null for them);
 * - `queue`: producers (Queue.add, getJob) wait out a short outage (a restart), then fail,
 *   so a Kafka handler's transaction rolls back and the consumer retries the event;
 * - `probe`: health checks and the sentinel of RedisLossWatch answer "down" at once.
 */
export type RedisUse = 'worker' | 'queue' | 'probe';

/** Reconnect attempts a queued `queue` command waits for: about five seconds (see reconnectDelayMs). */
export const QUEUE_COMMAND_RECONNECTS = 6;

/**
 * Reconnect for ever: quickly at first, then every 2 s, so a restarted Redis is picked up
 * within seconds (BullMQ's own default grows to 20 s).
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

/** ioredis options for a URL and a use (default `worker`, the strictest for BullMQ). */
export function redisOptions(url: string, use: RedisUse = 'worker'): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    username: u.username || undefined,
    password: u.password || undefined,
    maxRetriesPerRequest: use === 'worker' ? null : use === 'queue' ? QUEUE_COMMAND_RECONNECTS : 1,
    retryStrategy: reconnectDelayMs,
    connectTimeout: 5000,
    enableReadyCheck: true,
  };
}

/**
 * A plain client (health checks): fails a command fast while Redis is away. An 'error'
 * listener is always attached (ioredis otherwise prints every reconnect failure); the
 * health check reports the outage, so the default listener stays quiet.
 */
export function createRedis(url: string, onError: (error: Error) => void = () => undefined): Redis {
  const redis = new Redis(redisOptions(url, 'probe'));
  redis.on('error', onError);
  return redis;
}
