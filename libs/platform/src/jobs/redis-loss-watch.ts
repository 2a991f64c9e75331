import type { OnModuleDestroy, OnModuleInit, Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { ServiceConfig } from '../config/service-config';
import { describeError } from '../errors/errors';
import { JsonLogger } from '../logging/json-logger';
import { SERVICE_CONFIG, SERVICE_NAME } from '../platform.tokens';
import { redisOptions } from '../redis';
import { redisErrorLogger } from './job-connections';

const CONTEXT = 'RedisLossWatch';

/** Re-creates a service's jobs from its database; must be idempotent (deterministic job ids). */
export type JobResync = () => Promise<unknown>;

/** What one check found. */
export type RedisLossCheck = 'intact' | 'resynced' | 'resync-failed' | 'deferred' | 'unreachable' | 'stopped';

/**
 * A key the service writes at start. Redis here runs without persistence: when the key is
 * gone, everything else under the prefix (every BullMQ job) is gone too.
 */
export interface RedisSentinel {
  write(): Promise<void>;
  /** Writes the sentinel only if it is missing (SET NX); true when it was missing. */
  restoreIfMissing(): Promise<boolean>;
  /** Called each time the connection is ready again after a drop. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export interface RedisLossWatchOptions {
  /** How often the sentinel is checked while the connection stays up. */
  checkEveryMs: number;
  /** Wait after a reconnect before checking, so a flapping connection gives one check. */
  settleMs: number;
  /** Least time between the starts of two resyncs (a Redis restarting in a loop). */
  minResyncGapMs: number;
}

export function redisLossWatchOptions(config: ServiceConfig): RedisLossWatchOptions {
  const checkEveryMs = config.REDIS_LOSS_CHECK_MS;
  return { checkEveryMs, settleMs: Math.min(500, checkEveryMs), minResyncGapMs: checkEveryMs };
}

export const redisSentinelKey = (prefix: string, service: string) => `${prefix}:jobs-sentinel:${service}`;

/**
 * Lets a running service notice that Redis lost its data and re-derive its jobs from the
 * database (the source of truth; BullMQ is a schedule derived from it). The sentinel is
 * written at start (before the boot sweeps) and checked every `checkEveryMs` and soon after
 * each reconnect. When it is missing, it is written again (SET NX: of several replicas,
 * one resyncs) and every registered resync runs, one after the other. Checks never
 * overlap; a failed resync is logged and run again at the next check.
 */
export class RedisLossWatch implements OnModuleInit, OnModuleDestroy {
  private readonly resyncs = new Map<string, JobResync>();
  /** Resyncs owed since the last detected loss (a failed one stays owed). */
  private readonly owed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = Infinity;
  private running: Promise<RedisLossCheck> | null = null;
  private checkAgain = false;
  private lastResyncAt = -Infinity;
  private reachable = true;
  private stopped = true;

  constructor(
    private readonly sentinel: RedisSentinel,
    private readonly logger: JsonLogger,
    private readonly options: RedisLossWatchOptions,
  ) {}

  /** Registers a service's resync (one per service or job family; names are unique). */
  register(name: string, resync: JobResync): void {
    if (this.resyncs.has(name)) throw new Error(`a job resync named "${name}" is already registered`);
    this.resyncs.set(name, resync);
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.sentinel.onReconnect(() => this.checkWithin(this.options.settleMs));
    try {
      await this.sentinel.write();
    } catch (error) {
      // The first check will find it missing and resync: redundant after the boot sweeps, harmless.
      this.logger.warn({ msg: 'could not write the Redis sentinel at start', error: describeError(error) }, CONTEXT);
    }
    this.checkWithin(this.options.checkEveryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.sentinel.close().catch(() => undefined);
  }

  /**
   * Checks now. A call during a check gets that check's answer and one more check after it
   * (the loss it was called about may have happened after the first one looked).
   */
  check(): Promise<RedisLossCheck> {
    if (this.running) {
      this.checkAgain = true;
      return this.running;
    }
    this.running = (async () => {
      let outcome: RedisLossCheck = 'stopped';
      do {
        this.checkAgain = false;
        outcome = await this.checkOnce();
      } while (this.checkAgain && !this.stopped);
      return outcome;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Plans a check at most `ms` from now; an earlier planned one stands. */
  private checkWithin(ms: number): void {
    if (this.stopped) return;
    const dueAt = Date.now() + ms;
    if (this.timer && this.timerDueAt <= dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDueAt = Infinity;
      void this.check().finally(() => this.checkWithin(this.options.checkEveryMs));
    }, ms);
    this.timer.unref();
  }

  private async checkOnce(): Promise<RedisLossCheck> {
    if (this.stopped) return 'stopped';
    try {
      if (await this.sentinel.restoreIfMissing()) {
        for (const name of this.resyncs.keys()) this.owed.add(name);
        this.logger.warn({ msg: 'Redis lost its data (sentinel missing): re-deriving jobs from the database', resyncs: [...this.owed] }, CONTEXT);
      }
      if (!this.reachable) this.logger.log({ msg: 'Redis reachable again' }, CONTEXT);
      this.reachable = true;
    } catch (error) {
      if (this.reachable) this.logger.warn({ msg: 'cannot check the Redis sentinel; will check again', error: describeError(error) }, CONTEXT);
      this.reachable = false;
      return 'unreachable';
    }
    if (this.owed.size === 0) return 'intact';

    const wait = this.lastResyncAt + this.options.minResyncGapMs - Date.now();
    if (wait > 0) {
      this.checkWithin(wait);
      return 'deferred';
    }
    this.lastResyncAt = Date.now();
    for (const name of [...this.owed]) {
      const resync = this.resyncs.get(name);
      if (this.stopped || !resync) break;
      const started = Date.now();
      try {
        const result = await resync();
        this.owed.delete(name);
        this.logger.log({ msg: 'jobs re-derived after Redis lost its data', resync: name, result, ms: Date.now() - started }, CONTEXT);
      } catch (error) {
        this.logger.error({ msg: 'job resync failed; will run again at the next check', resync: name, error: describeError(error) }, CONTEXT);
      }
    }
    return this.owed.size ? 'resync-failed' : 'resynced';
  }
}

/** The sentinel as a key under the service's prefix, on a connection of its own. */
export class IoredisSentinel implements RedisSentinel {
  private readonly redis: Redis;

  constructor(url: string, readonly key: string, logger: JsonLogger) {
    // 'probe': a check during an outage fails at once instead of queueing behind the reconnect.
    this.redis = new Redis(redisOptions(url, 'probe'));
    this.redis.on('error', redisErrorLogger(logger, CONTEXT, 'sentinel connection'));
  }

  async write(): Promise<void> {
    await this.redis.set(this.key, this.value());
  }

  async restoreIfMissing(): Promise<boolean> {
    return (await this.redis.set(this.key, this.value(), 'NX')) === 'OK';
  }

  onReconnect(listener: () => void): void {
    let wasReady = this.redis.status === 'ready';
    this.redis.on('ready', () => {
      if (wasReady) listener();
      wasReady = true;
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private value(): string {
    return JSON.stringify({ writtenAt: new Date().toISOString(), by: `${hostname()}:${process.pid}` });
  }
}

/** Add to a service module's providers; the service's job classes inject RedisLossWatch and register their resync. */
export const REDIS_LOSS_WATCH_PROVIDER: Provider = {
  provide: RedisLossWatch,
  inject: [SERVICE_CONFIG, SERVICE_NAME, JsonLogger],
  useFactory: (config: ServiceConfig, service: string, logger: JsonLogger) =>
    new RedisLossWatch(new IoredisSentinel(config.REDIS_URL, redisSentinelKey(config.REDIS_PREFIX, service), logger), logger, redisLossWatchOptions(config)),
};
