import { randomUUID } from 'node:crypto';
import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { createEnvelope, DEAD_LETTER_TOPICS, HEADERS, ReferralWithdrawn, TOPICS, type EventEnvelope, type ReferralWithdrawnData } from '@ddp/contracts';
import { EventTap, queryDatabase, sleep, startTestService, testProducer, testServiceEnv, waitUntil } from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EventContext, PlatformModule, ServiceConfig, loadConfig, type RunningService, type ServiceDefinition } from '../index';

/*
 * A dependency that is down is not the message's fault: a handler that keeps failing with
 * a refused connection is retried past CONSUMER_MAX_ATTEMPTS, applied once the
 * dependency answers, and never dead-lettered. The refusals are real: the handler
 * connects to a port nobody listens on (as pg does when Postgres is restarting).
 */

const MAX_ATTEMPTS = 2;
const OUTAGE_TRIES = 6; // well past MAX_ATTEMPTS

class CreateOutageEffect1763700009998 implements MigrationInterface {
  name = 'CreateOutageEffect1763700009998';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE outage_effect (id bigserial PRIMARY KEY, event_id text NOT NULL, referral_id text NOT NULL, attempt int NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outage_effect');
  }
}

/** Calls per event id, so each event has its own outage. */
const calls = new Map<string, number>();

@Controller()
class OutageProbeConsumer {
  @EventPattern('ReferralWithdrawn')
  async onWithdrawn(@Payload() event: EventEnvelope<ReferralWithdrawnData>, @Ctx() ctx: EventContext): Promise<void> {
    const n = (calls.get(event.eventId) ?? 0) + 1;
    calls.set(event.eventId, n);
    if (event.data.reasonCode === 'database-down' && n <= OUTAGE_TRIES) {
      await new Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 }).connect(); // ECONNREFUSED
    }
    if (event.data.reasonCode === 'bug') throw new TypeError('a real handler failure');
    await ctx.manager.query('INSERT INTO outage_effect (event_id, referral_id, attempt) VALUES ($1, $2, $3)', [event.eventId, event.key, ctx.attempt]);
  }
}

@Module({})
class OutageProbeModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: OutageProbeModule,
      imports: [PlatformModule.forService({ service: 'outcome', config, entities: [], migrations: [CreateOutageEffect1763700009998] })],
      controllers: [OutageProbeConsumer],
    };
  }
}

function outageProbeService(env: Record<string, string>): ServiceDefinition {
  const config = loadConfig(ServiceConfig, env, { PORT: 0, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_test_outage_probe' });
  return {
    service: 'outcome',
    module: OutageProbeModule.register(config) as never,
    config,
    consumer: { groupId: 'platform-outage-probe', deadLetterTopic: DEAD_LETTER_TOPICS.outcome, subscriptions: [{ topic: TOPICS.referral }] },
  };
}

const withdrawn = (referralId: string, reasonCode: string): EventEnvelope =>
  createEnvelope(ReferralWithdrawn, { referralId, reasonCode, withdrawnBy: 'test', withdrawnAt: new Date().toISOString() }, {
    producer: 'referral', key: referralId, correlationId: randomUUID(), occurredAt: new Date(),
  });

describe('consumer during a dependency outage (real Kafka and Postgres)', () => {
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;
  const env = testServiceEnv('platform_outage_probe', { CONSUMER_MAX_ATTEMPTS: String(MAX_ATTEMPTS), CONSUMER_RETRY_BASE_MS: '20' });
  const db = env.DATABASE_URL;

  beforeAll(async () => {
    tap = await EventTap.start([DEAD_LETTER_TOPICS.outcome]);
    producer = await testProducer();
    service = await startTestService(outageProbeService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const effects = async (keys: string[]) =>
    queryDatabase<{ event_id: string; attempt: number }>(db, 'SELECT event_id, attempt FROM outage_effect WHERE referral_id = ANY($1) ORDER BY id', [keys]);

  it('keeps retrying a message whose handler cannot reach its database, applies it once, never dead-letters it', async () => {
    const event = withdrawn(randomUUID(), 'database-down');
    const deadBefore = service.consumer!.stats['dead-lettered'];
    await producer.send({ topic: TOPICS.referral, messages: [{ key: event.key, value: JSON.stringify(event) }] });
    await waitUntil(async () => (await effects([event.key])).length === 1, 'the event applied once the dependency answered');
    const rows = await effects([event.key]);
    expect(calls.get(event.eventId)).toBe(OUTAGE_TRIES + 1);
    // Outage retries are not attempts: the handler saw its first attempt succeed.
    expect(rows).toEqual([{ event_id: event.eventId, attempt: 1 }]);
    await sleep(300);
    expect(tap.messages.filter((m) => m.key === event.key)).toEqual([]);
    expect(service.consumer!.stats['dead-lettered']).toBe(deadBefore);
  });

  it('waits out an outage inside a group without losing order, and still dead-letters a real failure', async () => {
    const ok1 = withdrawn(randomUUID(), 'fine');
    const down = withdrawn(randomUUID(), 'database-down');
    const bug = withdrawn(randomUUID(), 'bug');
    const ok2 = withdrawn(randomUUID(), 'fine');
    const burst = [ok1, down, bug, ok2];
    // One partition, one send: the consumer gets them as one batch and tries them as a group.
    await producer.send({ topic: TOPICS.referral, messages: burst.map((e) => ({ key: e.key, value: JSON.stringify(e), partition: 5 })) });
    const keys = [ok1.key, down.key, ok2.key];
    await waitUntil(async () => (await effects(keys)).length === 3, 'the three good events applied');
    const dead = await tap.waitForMessage((m) => m.key === bug.key, 'the failing event dead-lettered');
    expect(dead.headers[HEADERS.dlqReason]).toBe('retries-exhausted');
    expect(dead.headers[HEADERS.dlqAttempts]).toBe(String(MAX_ATTEMPTS));
    await sleep(300);
    expect((await effects(keys)).map((r) => r.event_id)).toEqual([ok1.eventId, down.eventId, ok2.eventId]);
    expect(tap.messages.filter((m) => m.key === down.key)).toEqual([]);
  });
});
