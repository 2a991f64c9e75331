// Implicit conversion reads design-time types: the metadata polyfill must be loaded.
import 'reflect-metadata';
import { plainToInstance, Transform, type ClassConstructor } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, validateSync, ValidateIf } from 'class-validator';
import { IsReadableFile } from './readable-file';
import { databaseUrlFromParts } from './database-url';

/**
 * Environment variables every service reads. A service extends this class with its own;
 * `loadConfig` validates them at boot and fails fast naming each bad variable.
 * Defaults fit `npm start` on one machine; every one can be overridden.
 */
export class ServiceConfig {
  /** HTTP port; 0 picks a free one (tests). */
  @IsInt() @Min(0) @Max(65535) PORT: number;

  /** Address the HTTP server binds to: loopback here, 0.0.0.0 in a container. */
  @IsString() HOST = '127.0.0.1';

  @Matches(/^postgres(ql)?:\/\/.+\/[A-Za-z0-9_]+$/, { message: 'DATABASE_URL must be postgres://user@host:port/database' })
  DATABASE_URL: string;

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /**
   * `sasl_ssl`: TLS to the brokers and a SCRAM login as this service's principal (its ACLs:
   * libs/platform/src/kafka/kafka-acls.ts). `plaintext` is the local development broker's.
   */
  @IsIn(['plaintext', 'sasl_ssl']) KAFKA_SECURITY_PROTOCOL: 'plaintext' | 'sasl_ssl' = 'plaintext';

  @IsIn(['scram-sha-512']) KAFKA_SASL_MECHANISM = 'scram-sha-512' as const;

  /** No defaults: a service on a secured broker names its principal and its secret. */
  @ValidateIf((c: ServiceConfig) => c.KAFKA_SECURITY_PROTOCOL === 'sasl_ssl')
  @IsString() @IsNotEmpty({ message: 'KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: ServiceConfig) => c.KAFKA_SECURITY_PROTOCOL === 'sasl_ssl')
  @IsString() @IsNotEmpty({ message: 'KAFKA_SASL_PASSWORD is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl' })
  KAFKA_SASL_PASSWORD?: string;

  /** PEM file of the CA that signed the brokers' certificates (a local CA); else the system's CAs. */
  @IsOptional() @IsReadableFile() KAFKA_SSL_CA_FILE?: string;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be redis://host:port[/db]' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of Redis keys (BullMQ queues), so several stacks can share one Redis. */
  @IsString() @Matches(/^[a-z0-9-]+$/) REDIS_PREFIX = 'ddp';

  @IsIn(['verbose', 'debug', 'log', 'warn', 'error', 'fatal']) LOG_LEVEL: 'verbose' | 'debug' | 'log' | 'warn' | 'error' | 'fatal' = 'log';

  /** 'controllable' lets tests move time via the admin clock endpoint; never in production. */
  @IsIn(['system', 'controllable']) CLOCK_MODE: 'system' | 'controllable' = 'system';

  /**
   * With CLOCK_MODE=controllable: start this many ms away from the real time, so a test
   * stack that restarts one service (after kill -9) keeps it in step with the others.
   */
  @Transform(({ value }) => Number(value)) @IsInt() CLOCK_OFFSET_MS = 0;

  /** How often (ms) a running service checks that Redis still holds its jobs (jobs/redis-loss-watch.ts). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(50) @Max(600_000) REDIS_LOSS_CHECK_MS = 5000;

  /** Attempts at a consumed event before it is dead-lettered (transient errors only). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(20) CONSUMER_MAX_ATTEMPTS = 5;

  /** First retry delay; doubles each attempt up to 5 s. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(60000) CONSUMER_RETRY_BASE_MS = 200;

  /**
   * Events applied in one transaction: a partition's consecutive events, or the heads of a
   * fetch's partitions of one topic together (1 = one transaction per event). 200 rather
   * than 50: a 2,000-encounter burst was decided 20-30 % faster (bench, 2026-11-29) at the
   * same resident memory; a bad message costs no more (it is taken alone).
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(1000) CONSUMER_GROUP_SIZE = 200;

  /**
   * Partitions applied one by one at the same time, for what a fetch's merged groups left
   * (a bad message and what follows it, a group whose handler failed). Normally every batch
   * of a fetch goes into transactions shared across the topic's partitions (applyMerged):
   * with one broker kafkajs fetches again only when all of them are done.
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(64) CONSUMER_PARTITIONS_CONCURRENTLY = 3;

  /**
   * Longest wait before processed offsets are committed to Kafka (one commit per interval,
   * not per fetch; a dead-letter is committed at once). After a crash this much is read again
   * and skipped by the inbox.
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(60000) CONSUMER_COMMIT_INTERVAL_MS = 1000;

  /** How often the outbox relay looks for rows another replica or a crash left behind. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(10) @Max(60000) OUTBOX_POLL_MS = 250;

  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(10000) OUTBOX_BATCH_SIZE = 500;

  /** Suffix on consumer group ids: lets a test run its own groups on a shared broker. */
  @IsString() @Matches(/^[a-z0-9-]*$/) KAFKA_GROUP_SUFFIX = '';

  /** Where a consumer group with no committed offsets starts (tests use 'latest'). */
  @IsIn(['earliest', 'latest']) KAFKA_NEW_GROUP_START: 'earliest' | 'latest' = 'earliest';

  /**
   * Run checked-in migrations at boot (under an advisory lock, so replicas take turns);
   * `only`: migrate and exit (a deployment's migration Job, infra/kubernetes), `false`: leave them to it.
   */
  @IsIn(['true', 'false', 'only']) MIGRATE_ON_START: 'true' | 'false' | 'only' = 'true';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads `env` into an instance of `cls` (defaults from the class, numbers converted)
 * and validates it. Throws ConfigError listing every missing or invalid variable.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Record<string, string | undefined> = process.env, defaults: Partial<Record<keyof T, unknown>> = {}): T {
  const source: Record<string, unknown> = { ...defaults };
  if (typeof source.DATABASE_URL === 'string' && !env.DATABASE_URL) source.DATABASE_URL = databaseUrlFromParts(source.DATABASE_URL, env);
  for (const [name, value] of Object.entries(env)) {
    // Only upper-case names: the process environment, not stray lower-case shell variables.
    if (value !== undefined && value !== '' && /^[A-Z][A-Z0-9_]*$/.test(name)) source[name] = value;
  }
  const config = plainToInstance(cls, source, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config as object, { validationError: { target: false } });
  if (errors.length > 0) {
    const problems = errors.map((e) => {
      const value = (source as Record<string, unknown>)[e.property];
      const shown = value === undefined ? 'missing' : `got ${JSON.stringify(String(value).slice(0, 60))}`;
      return `${e.property} (${shown}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(problems);
  }
  return config;
}
