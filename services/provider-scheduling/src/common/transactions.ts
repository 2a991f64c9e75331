import { HttpException, Inject, Injectable } from '@nestjs/common';
import { IllegalTransitionError } from '@ddp/domain';
import type { EventEnvelope } from '@ddp/contracts';
import { Clock, EventBatchContext, EventContext, JsonLogger, Outbox } from '@ddp/platform';
import { DataSource } from 'typeorm';
import { SchedulingJobs } from '../jobs/scheduling-jobs';
import { ApiError, conflict } from './api-error';
import { JobPlan, type UnitOfWork } from './unit-of-work';

/**
 * Runs a unit of work in one database transaction with its outbox events, then its Redis
 * jobs: for the API and for the job workers (causation: none, correlation: the referral's),
 * and inside a consumed event's transaction (causation: that event).
 */
@Injectable()
export class Transactions {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SchedulingJobs) private readonly jobs: SchedulingJobs,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  /** A transaction of its own (API requests, job workers). */
  async run<T>(actor: string, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const plan = new JobPlan();
    const result = await this.dataSource.transaction(async (manager) => {
      const uow: UnitOfWork = {
        manager, now: this.clock.now(), actor, jobs: plan,
        publish: (definition, data, referral) =>
          this.outbox.publish(manager, definition, data, { key: referral.referralId, correlationId: referral.correlationId, causationId: null }),
      };
      const value = await work(uow);
      await this.jobs.applySchedules(plan);
      return value;
    });
    await this.jobs.applyCancels(plan);
    return result;
  }

  /**
   * An API request: like run(), and a refusal from the domain (IllegalTransitionError) or
   * a concurrent duplicate caught by a unique constraint answers 409; nothing is kept.
   */
  async http<T>(actor: string, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.run(actor, work);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      if (error instanceof IllegalTransitionError) throw new ApiError(409, 'illegal-transition', error.message);
      const pg = error as { code?: string; constraint?: string };
      if (pg.code === '23505') throw conflict('already-recorded', `A concurrent request recorded this first (${pg.constraint ?? 'unique constraint'}); reload and try again`);
      if (pg.code === '40P01') throw conflict('busy', 'The booking collided with another one; try again');
      this.logger.error({ msg: 'provider API request failed', error: String(error) }, 'Transactions');
      throw error;
    }
  }

  /**
   * Inside the transaction of a run of consumed events (a batch handler): `uowFor(event)`
   * is the unit of work of one of them (what it publishes is caused by it). Events are
   * staged in the outbox and jobs added all at once when `work` is done: a few round trips
   * for the run instead of some per event.
   */
  async inEventBatch<T>(ctx: EventBatchContext, actor: string, work: (uowFor: (event: EventEnvelope) => UnitOfWork) => Promise<T>): Promise<T> {
    const plan = new JobPlan();
    const now = this.clock.now();
    const staged = new Map<string, EventEnvelope[]>();
    const uowFor = (event: EventEnvelope): UnitOfWork => ({
      manager: ctx.manager, now, actor, jobs: plan,
      publish: async (definition, data, referral) => {
        const envelope = this.outbox.envelope(definition, data, { key: referral.referralId, correlationId: event.correlationId, causationId: event.eventId });
        const onTopic = staged.get(definition.topic) ?? [];
        onTopic.push(envelope);
        staged.set(definition.topic, onTopic);
        return envelope;
      },
    });
    const value = await work(uowFor);
    for (const [topic, envelopes] of staged) await this.outbox.stage(ctx.manager, topic, envelopes);
    await this.jobs.applySchedules(plan);
    await this.jobs.applyCancels(plan);
    return value;
  }

  /** Inside a consumed event's transaction: events are caused by it; jobs are added before it commits. */
  async inEvent<T>(ctx: EventContext, actor: string, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const plan = new JobPlan();
    const uow: UnitOfWork = {
      manager: ctx.manager, now: this.clock.now(), actor, jobs: plan,
      publish: (definition, data, referral) => ctx.publish(definition, data, referral.referralId),
    };
    const value = await work(uow);
    await this.jobs.applySchedules(plan);
    // Cancelled jobs would only find nothing to do; removing them is hygiene.
    await this.jobs.applyCancels(plan);
    return value;
  }
}
