import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis options for a URL. BullMQ workers need maxRetriesPerRequest: null (they block
 * on Redis and must not fail a command because a reconnect took a while).
 */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    username: u.username || undefined,
    password: u.password || undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  };
}

export function createRedis(url: string): Redis {
  return new Redis(redisOptions(url));
}
