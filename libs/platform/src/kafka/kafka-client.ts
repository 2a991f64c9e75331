import { Kafka, logLevel, Partitioners, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
import type { LoggerService } from '@nestjs/common';

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

/**
 * An idempotent producer (no duplicates from the client's own retries) that waits for
 * every in-sync replica. The default partitioner (murmur2 on the key) keeps one
 * referral on one partition.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
