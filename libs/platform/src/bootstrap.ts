import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ProducerName } from '@ddp/contracts';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Clock } from './clock/clock';
import { ConfigError, type ServiceConfig } from './config/service-config';
import { ConsumerRegistry } from './consumer-registry';
import { checkServerMaintenance, ensureDatabase, runMigrations } from './database/database';
import { retryTransient } from './errors/retry-transient';
import { ClientErrorResponder, JSON_BODY_LIMIT_BYTES } from './http/client-errors';
import { createValidationPipe } from './http/validation';
import { EventConsumerServer, type Subscription } from './kafka/event-consumer.server';
import { ensureTopics } from './kafka/topics';
import { JsonLogger } from './logging/json-logger';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { KAFKA, KAFKA_PRODUCER } from './platform.tokens';

export interface ServiceDefinition {
  service: ProducerName;
  /** The service's root module; it imports PlatformModule.forService(...). */
  module: Type<unknown>;
  config: ServiceConfig;
  consumer?: { groupId: string; deadLetterTopic: string; subscriptions: Subscription[] };
  openApi?: { title: string; description: string };
  /** Extra setup after the app exists and before it listens (e.g. workers). */
  configure?: (app: INestApplication) => Promise<void> | void;
}

export interface RunningService {
  app: INestApplication;
  url: string;
  consumer: EventConsumerServer | null;
  relay: OutboxRelay;
  /** Graceful stop: consumer first (in-flight events finish), then the relay flushes, then HTTP and connections. */
  stop(): Promise<void>;
}

/**
 * Starts one service: database (created if missing, migrated), topics, HTTP with
 * validation and OpenAPI at /docs, the event consumer, and the outbox relay.
 * Used by each main.ts and by integration tests, so tests run the real wiring.
 */
export async function startService(definition: ServiceDefinition): Promise<RunningService> {
  const { config } = definition;
  // Start-up work rides out what is transient (PostgreSQL still starting, a deadlock) instead of exiting.
  const retrying = { logger: new JsonLogger(definition.service, config.LOG_LEVEL), context: 'Bootstrap' };
  await retryTransient('creating the database', () => ensureDatabase(config.DATABASE_URL), retrying);
  // The body parser is placed here, not by Nest at listen, so the client-error answer can follow it.
  const app = await NestFactory.create<NestExpressApplication>(definition.module, { bufferLogs: true, abortOnError: false, bodyParser: false });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES });
  app.use(new ClientErrorResponder(logger).middleware());
  app.useGlobalPipes(createValidationPipe());

  if (config.MIGRATE_ON_START === 'true') {
    const started = Date.now();
    const applied = await retryTransient('migrating the database', () => runMigrations(app.get(DataSource)), retrying);
    if (applied.length) logger.log({ msg: 'migrations applied', migrations: applied, ms: Date.now() - started }, 'Bootstrap');
  }
  const maintenance = await checkServerMaintenance(app.get(DataSource)).catch(() => null);
  if (maintenance) logger.warn({ msg: maintenance }, 'Bootstrap');
  await ensureTopics(app.get<Kafka>(KAFKA));

  if (definition.openApi) {
    const document = SwaggerModule.createDocument(
      app,
      // addBearerAuth: the scheme @Roles routes name (auth/auth.decorators.ts).
      new DocumentBuilder().setTitle(definition.openApi.title).setDescription(definition.openApi.description).setVersion('1').addBearerAuth().build(),
    );
    SwaggerModule.setup('docs', app, document);
  }

  await definition.configure?.(app);

  let consumer: EventConsumerServer | null = null;
  if (definition.consumer) {
    consumer = new EventConsumerServer({
      kafka: app.get<Kafka>(KAFKA),
      producer: app.get<Producer>(KAFKA_PRODUCER),
      dataSource: app.get(DataSource),
      outbox: app.get(Outbox),
      clock: app.get(Clock),
      logger,
      groupId: definition.consumer.groupId + config.KAFKA_GROUP_SUFFIX,
      deadLetterTopic: definition.consumer.deadLetterTopic,
      subscriptions: definition.consumer.subscriptions,
      maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
      retryBaseMs: config.CONSUMER_RETRY_BASE_MS,
      newGroupStart: config.KAFKA_NEW_GROUP_START,
      groupSize: config.CONSUMER_GROUP_SIZE,
      partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
      offsetCommitIntervalMs: config.CONSUMER_COMMIT_INTERVAL_MS,
    });
    // inheritAppConfig: the global filter that keeps handler errors intact applies here too.
    app.connectMicroservice<MicroserviceOptions>({ strategy: consumer }, { inheritAppConfig: true });
    app.get(ConsumerRegistry).server = consumer;
  }

  const relay = app.get(OutboxRelay);
  relay.start();
  // HTTP first: the API (an officer's encounter, a caseworker's attendance) needs no consumer,
  // and a restarted service may wait for its group (up to the session timeout of the member
  // it replaces). /health/ready stays false until the consumer has its partitions.
  await app.listen(config.PORT, config.HOST);
  await app.startAllMicroservices();
  // PORT=0 (tests) picks a free port: report the real one.
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  logger.log({ msg: `${definition.service} service listening`, url }, 'Bootstrap');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await consumer?.close();
      await relay.stop();
      await app.close();
    })());
  return { app, url, consumer, relay, stop };
}

/**
 * MIGRATE_ON_START=only: create the database if missing and run the pending migrations, then
 * stop. The app is created but never initialised, so no consumer, relay, worker or HTTP starts.
 */
async function migrateOnly(definition: ServiceDefinition): Promise<void> {
  await ensureDatabase(definition.config.DATABASE_URL);
  const app = await NestFactory.create(definition.module, { bufferLogs: true, abortOnError: false });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  try {
    const started = Date.now();
    const applied = await runMigrations(app.get(DataSource));
    logger.log({ msg: 'migrations applied (MIGRATE_ON_START=only): exiting', migrations: applied, ms: Date.now() - started }, 'Bootstrap');
  } finally {
    await app.close();
  }
}

/** main.ts entry: start, stop cleanly on SIGTERM/SIGINT, exit non-zero on a failed start. */
export function runService(build: () => ServiceDefinition): void {
  let definition: ServiceDefinition;
  try {
    definition = build();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (definition.config.MIGRATE_ON_START === 'only') {
    migrateOnly(definition).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(JSON.stringify({ level: 'fatal', service: definition.service, msg: 'migrations failed', error: String(error), stack: (error as Error)?.stack }) + '\n');
        process.exit(1);
      },
    );
    return;
  }
  startService(definition).then(
    (running) => {
      const shutdown = (signal: string) => {
        process.stdout.write(JSON.stringify({ level: 'log', service: definition.service, msg: `received ${signal}; shutting down` }) + '\n');
        running.stop().then(
          () => process.exit(0),
          (error) => {
            process.stderr.write(`shutdown failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    },
    (error) => {
      process.stderr.write(JSON.stringify({ level: 'fatal', service: definition.service, msg: 'start failed', error: String(error), stack: (error as Error)?.stack }) + '\n');
      process.exit(1);
    },
  );
}
