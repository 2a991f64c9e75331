import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DEAD_LETTER_TOPICS, TOPICS, type EventEnvelope, type ReferralWithdrawnData } from '@ddp/contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { batchPattern, EventBatchContext, EventContext, PermanentError, PlatformModule, ServiceConfig, loadConfig, type Clock, type ServiceDefinition } from '../src';

/*
 * A throw-away service that exercises the platform plumbing in integration tests:
 * it consumes ReferralWithdrawn and records one row per effect. The reason code steers it:
 *   fail-permanent      throws a PermanentError (dead-letter at once)
 *   fail-always         throws a transient error every time (retries, then dead-letter)
 *   fail-twice          throws transiently on attempts 1 and 2, then succeeds
 *   fail-unstorable     writes a NUL byte, which PostgreSQL refuses (SQLSTATE 22021)
 *   fail-not-null       writes a null into a NOT NULL column (SQLSTATE 23502)
 *   fail-deadlock-once  PostgreSQL raises deadlock_detected (40P01) on attempt 1, then it succeeds
 * A batch handler takes runs without failing codes (rows marked via = 'batch'); a run with
 * one refuses, so it is taken event by event through the single handler (via = 'single').
 */
class CreateProbeEffect1763700009999 implements MigrationInterface {
  name = 'CreateProbeEffect1763700009999';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE probe_effect (id bigserial PRIMARY KEY, event_id text NOT NULL, referral_id text NOT NULL, attempt int NOT NULL, via text NOT NULL DEFAULT 'single')`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE probe_effect');
  }
}

@Controller()
class ProbeConsumer {
  @EventPattern('ReferralWithdrawn')
  async onWithdrawn(@Payload() event: EventEnvelope<ReferralWithdrawnData>, @Ctx() ctx: EventContext): Promise<void> {
    const code = event.data.reasonCode;
    if (code === 'fail-permanent') throw new PermanentError('the probe refuses this event');
    if (code === 'fail-always') throw new Error('transient failure that never clears');
    if (code === 'fail-twice' && ctx.attempt <= 2) throw new Error(`transient failure on attempt ${ctx.attempt}`);
    if (code === 'fail-deadlock-once' && ctx.attempt === 1) await ctx.manager.query(`DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = 'deadlock_detected'; END $$`);
    if (code === 'fail-unstorable' || code === 'fail-not-null') {
      const referralId = code === 'fail-unstorable' ? `Alex Smith\u0000${event.key}` : null;
      await ctx.manager.query('INSERT INTO probe_effect (event_id, referral_id, attempt) VALUES ($1, $2, $3)', [event.eventId, referralId, ctx.attempt]);
    }
    await ctx.manager.query('INSERT INTO probe_effect (event_id, referral_id, attempt) VALUES ($1, $2, $3)', [event.eventId, event.key, ctx.attempt]);
  }

  @EventPattern(batchPattern('ReferralWithdrawn'))
  async onWithdrawnBatch(@Payload() events: Array<EventEnvelope<ReferralWithdrawnData>>, @Ctx() ctx: EventBatchContext): Promise<void> {
    if (events.some((e) => e.data.reasonCode.startsWith('fail-'))) throw new Error('the probe takes failing events one by one');
    await ctx.manager.query(
      `INSERT INTO probe_effect (event_id, referral_id, attempt, via)
       SELECT e, r, 1, 'batch' FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(e, r, n) ORDER BY n`,
      [events.map((e) => e.eventId), events.map((e) => e.key)],
    );
  }
}

@Module({})
class ProbeModule {
  static register(config: ServiceConfig, clock?: Clock): DynamicModule {
    return {
      module: ProbeModule,
      imports: [PlatformModule.forService({ service: 'outcome', config, entities: [], migrations: [CreateProbeEffect1763700009999], clock })],
      controllers: [ProbeConsumer],
    };
  }
}

export function probeService(env: Record<string, string>, clock?: Clock): ServiceDefinition {
  const config = loadConfig(ServiceConfig, env, { PORT: 0, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_test_probe' });
  return {
    service: 'outcome',
    module: ProbeModule.register(config, clock) as never,
    config,
    consumer: { groupId: 'platform-probe', deadLetterTopic: DEAD_LETTER_TOPICS.outcome, subscriptions: [{ topic: TOPICS.referral }] },
  };
}
