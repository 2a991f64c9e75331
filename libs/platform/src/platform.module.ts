import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ProducerName } from '@ddp/contracts';
import type { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AdminController } from './admin.controller';
import { Clock, ControllableClock, SystemClock } from './clock/clock';
import type { ServiceConfig } from './config/service-config';
import { ConsumerRegistry } from './consumer-registry';
import { dataSourceOptions } from './database/database';
import { HealthController } from './health/health.controller';
import { HEALTH_CHECKS, HealthService, type HealthCheck } from './health/health.service';
import { createKafka, createProducer, kafkaSecurity } from './kafka/kafka-client';
import { JsonLogger } from './logging/json-logger';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { KAFKA, KAFKA_PRODUCER, REDIS, SERVICE_CONFIG, SERVICE_NAME } from './platform.tokens';
import { createRedis } from './redis';
import { PlatformExceptionsFilter } from './exceptions.filter';

export interface PlatformOptions {
  service: ProducerName;
  config: ServiceConfig;
  entities: Function[];
  migrations: Function[];
  /** A shared clock (tests pass a ControllableClock); default from CLOCK_MODE. */
  clock?: Clock;
  logger?: JsonLogger;
}

@Injectable()
class PlatformShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.redis.disconnect();
  }
}

/**
 * Everything a service needs from the platform, in one import: config, clock, logger,
 * database (TypeORM, migrations only), Kafka producer, outbox and relay, Redis, health
 * and admin endpoints. Global, so feature modules just inject what they use.
 */
@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    const clock = options.clock ?? (config.CLOCK_MODE === 'controllable' ? new ControllableClock(new Date(Date.now() + config.CLOCK_OFFSET_MS)) : new SystemClock());
    const logger = options.logger ?? new JsonLogger(service, config.LOG_LEVEL);
    return {
      module: PlatformModule,
      global: true,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(config.DATABASE_URL, options.entities, options.migrations))],
      controllers: [HealthController, AdminController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_NAME, useValue: service },
        { provide: Clock, useValue: clock },
        { provide: JsonLogger, useValue: logger },
        { provide: KAFKA, useFactory: () => createKafka(config.KAFKA_BROKERS, `${service}-service`, logger, kafkaSecurity(config)) },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            const producer = createProducer(kafka, logger);
            await producer.connect();
            return producer;
          },
        },
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL) },
        { provide: Outbox, useFactory: () => new Outbox(service, clock) },
        {
          provide: OutboxRelay,
          inject: [DataSource, KAFKA_PRODUCER, Outbox],
          useFactory: (dataSource: DataSource, producer: Producer, outbox: Outbox) =>
            new OutboxRelay(dataSource, producer, { batchSize: config.OUTBOX_BATCH_SIZE, pollMs: config.OUTBOX_POLL_MS }, logger, outbox),
        },
        ConsumerRegistry,
        {
          provide: HEALTH_CHECKS,
          inject: [DataSource, KAFKA, REDIS, OutboxRelay, ConsumerRegistry],
          useFactory: (dataSource: DataSource, kafka: Kafka, redis: Redis, relay: OutboxRelay, consumers: ConsumerRegistry): HealthCheck[] => [
            { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
            { name: 'redis', check: async () => ({ reply: await redis.ping() }) },
            {
              name: 'kafka',
              check: async () => {
                const admin = kafka.admin();
                await admin.connect();
                try {
                  const cluster = await admin.describeCluster();
                  return { brokers: cluster.brokers.length, consumerConnected: consumers.server ? consumers.server.isConnected : 'n/a' };
                } finally {
                  await admin.disconnect();
                }
              },
            },
            { name: 'outbox', check: async () => ({ backlog: await relay.backlog() }) },
          ],
        },
        HealthService,
        PlatformShutdown,
        { provide: APP_FILTER, useClass: PlatformExceptionsFilter },
      ],
      exports: [SERVICE_CONFIG, SERVICE_NAME, Clock, JsonLogger, KAFKA, KAFKA_PRODUCER, REDIS, Outbox, OutboxRelay, ConsumerRegistry, HealthService],
    };
  }
}
