import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
import type { LoggerService } from '@nestjs/common';
import type { ServiceConfig } from '../config/service-config';
import { fixKafkajsIdleLoop } from './kafkajs-idle-loop-fix';

fixKafkajsIdleLoop();

/**
 * The only place the platform builds kafkajs objects. kafkajs 2.2.4 has had no release
 * since 2023: keeping it behind this file makes a later switch of client one change.
 */
export function createKafka(brokers: string, clientId: string, logger?: LoggerService, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(',').map((b) => b.trim()),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      const line = { msg: `kafkajs: ${message}`, namespace: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) logger.error(line);
      else logger.warn?.(line);
    },
    ...extra,
  });
}

export type KafkaSecuritySettings = Pick<ServiceConfig, 'KAFKA_SECURITY_PROTOCOL' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SSL_CA_FILE'>;

/** The TLS and SASL part of a client's settings (createKafka's `extra`), from validated configuration. */
export function kafkaSecurity(config: KafkaSecuritySettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (config.KAFKA_SECURITY_PROTOCOL !== 'sasl_ssl') return {};
  return {
    ssl: config.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] } : true,
    sasl: { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME!, password: config.KAFKA_SASL_PASSWORD! },
  };
}

/**
 * An idempotent producer (no duplicates from the client's own retries) that waits for
 * every in-sync replica. The default partitioner (murmur2 on the key) keeps one
 * referral on one partition. It survives a broker restart: see SelfHealingProducer.
 */
export function createProducer(kafka: Kafka, logger?: LoggerService): Producer {
  const build = () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  return new SelfHealingProducer(build, logger) as unknown as Producer;
}

/**
 * Broker answers after which kafkajs' idempotent producer never sends again: the broker
 * lost (restart, expiry) or no longer accepts the producer id and sequence numbers it
 * holds (kafkajs issue #598). Only a new producer (a new producer id) gets past them.
 */
const PRODUCER_SESSION_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export function isProducerSessionLost(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && PRODUCER_SESSION_LOST.has(e.type)) return true;
  }
  return false;
}

/**
 * A kafkajs producer that replaces itself when the broker no longer accepts its
 * idempotent session, then sends once more. The send that failed had not been
 * acknowledged, so sending it again is at-least-once, which the outbox and dead-letter
 * paths already promise (consumers' inboxes drop the duplicates). Connection losses need
 * nothing of this: kafkajs reconnects on the next request.
 */
export class SelfHealingProducer {
  private current: Producer;
  private connected = false;
  private replacing: Promise<void> | null = null;

  constructor(
    private readonly build: () => Producer,
    private readonly log?: LoggerService,
  ) {
    this.current = build();
  }

  get events(): Producer['events'] {
    return this.current.events;
  }

  async connect(): Promise<void> {
    await this.current.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.replacing?.catch(() => undefined);
    await this.current.disconnect();
  }

  isIdempotent(): boolean {
    return this.current.isIdempotent();
  }

  on(...args: Parameters<Producer['on']>): ReturnType<Producer['on']> {
    return (this.current.on as (...a: unknown[]) => ReturnType<Producer['on']>)(...args);
  }

  logger(): ReturnType<Producer['logger']> {
    return this.current.logger();
  }

  transaction(): ReturnType<Producer['transaction']> {
    return this.current.transaction();
  }

  send(record: Parameters<Producer['send']>[0]): ReturnType<Producer['send']> {
    return this.healing((p) => p.send(record));
  }

  sendBatch(batch: Parameters<Producer['sendBatch']>[0]): ReturnType<Producer['sendBatch']> {
    return this.healing((p) => p.sendBatch(batch));
  }

  private async healing<T>(operation: (producer: Producer) => Promise<T>): Promise<T> {
    const used = this.current;
    try {
      return await operation(used);
    } catch (error) {
      if (!isProducerSessionLost(error) || !this.connected) throw error;
      await this.replace(used, error);
      return operation(this.current);
    }
  }

  /** One replacement for all the sends that failed on the same producer. */
  private async replace(failed: Producer, error: unknown): Promise<void> {
    if (this.current !== failed) return this.replacing ?? undefined;
    this.replacing ??= (async () => {
      this.log?.warn?.({ msg: 'the broker no longer accepts this producer session; starting a new producer', error: String((error as Error)?.message ?? error) }, 'KafkaProducer');
      const next = this.build();
      await next.connect();
      this.current = next;
      await failed.disconnect().catch(() => undefined);
    })().finally(() => {
      this.replacing = null;
    });
    return this.replacing;
  }
}
