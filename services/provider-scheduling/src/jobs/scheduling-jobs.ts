import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, type Queue, type Worker } from 'bullmq';
import {
  Clock, ControllableClock, JsonLogger, SERVICE_CONFIG, cancel, createJobQueue, createJobWorker, promoteDueJobsWhenClockMoves, scheduleAt, scheduleManyAt, type DeadlineJobData,
} from '@ddp/platform';
import type { JobPlan } from '../common/unit-of-work';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';

export const SCHEDULING_QUEUE = 'provider-scheduling-deadlines';

export const JOB_NAMES = {
  assessmentDeadline: 'assessment-deadline',
  attendanceReminder: 'attendance-reminder',
} as const;
export type SchedulingJobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

/*
 * Deterministic job ids: adding the same job again (a redelivered event, a boot sweep) is a
 * no-op. BullMQ 6 refuses a custom id with exactly one ':' ("Custom Id cannot contain :"),
 * so the `assessment-deadline:<id>` form of the platform guide is written with a '-'.
 */
export const assessmentDeadlineJobId = (appointmentId: string) => `${JOB_NAMES.assessmentDeadline}-${appointmentId}`;
export const attendanceReminderJobId = (appointmentId: string) => `${JOB_NAMES.attendanceReminder}-${appointmentId}`;

export interface SchedulingJobData extends DeadlineJobData {
  appointmentId: string;
  referralId: string;
}

/** What a processor found: 'done' (it acted), a no-op reason, or 'early' (not due yet by the clock). */
export type JobOutcome = 'done' | 'nothing-to-do' | 'stray' | 'early';
export type JobProcessor = (data: SchedulingJobData, job: Job<SchedulingJobData>) => Promise<JobOutcome>;

/** A job whose appointment is still invisible after this long belongs to a rolled-back transaction. */
const STRAY_AFTER_MS = 60_000;

/**
 * The service's BullMQ queue and worker: assessment deadlines and attendance reminders.
 * Jobs carry ids only; processors reload state from the database in a transaction and
 * throw on failure (BullMQ retries with backoff). Jobs live in Redis, so they survive a
 * restart of the service; the boot sweep and RedisLossWatch re-add any that Redis lost.
 */
@Injectable()
export class SchedulingJobs implements OnApplicationShutdown {
  readonly queue: Queue<SchedulingJobData>;
  private worker: Worker<SchedulingJobData> | null = null;
  private readonly processors = new Map<string, JobProcessor>();
  private closed = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {
    this.queue = createJobQueue<SchedulingJobData>(SCHEDULING_QUEUE, config, logger, 'SchedulingJobs');
    promoteDueJobsWhenClockMoves(this.clockForPromotion(), [this.queue as Queue]);
  }

  /** Each job name's processor (registered by the feature services). */
  register(name: SchedulingJobName, processor: JobProcessor): void {
    this.processors.set(name, processor);
  }

  async add(name: SchedulingJobName, jobId: string, data: Omit<SchedulingJobData, 'dueAt'>, dueAt: Date): Promise<void> {
    await scheduleAt(this.queue as Queue, this.clock, name, jobId, { ...data, dueAt: dueAt.toISOString() });
  }

  /** Adds the planned jobs (called last in the transaction: a failure here rolls it back). */
  async applySchedules(plan: JobPlan): Promise<void> {
    await scheduleManyAt(this.queue as Queue, this.clock, plan.toSchedule.map((job) => ({
      name: job.name, jobId: job.jobId, data: { appointmentId: job.appointmentId, referralId: job.referralId, dueAt: job.dueAt.toISOString() },
    })));
  }

  /** Removes planned cancellations that have not run (best effort: processors no-op on stale jobs). */
  async applyCancels(plan: JobPlan): Promise<void> {
    for (const jobId of plan.toCancel) {
      await cancel(this.queue as Queue, jobId).catch((error) =>
        this.logger.warn({ msg: 'could not cancel a job (it will find nothing to do)', jobId, error: String(error) }, 'SchedulingJobs'),
      );
    }
  }

  /**
   * Makes sure a job exists for an open appointment (boot sweep): adds it when missing,
   * retries it when it failed. Returns what it did.
   */
  async ensure(name: SchedulingJobName, jobId: string, data: Omit<SchedulingJobData, 'dueAt'>, dueAt: Date): Promise<'scheduled' | 'present' | 'retried'> {
    const job = await this.queue.getJob(jobId);
    if (job) {
      const state = await job.getState();
      if (state === 'failed') {
        await job.retry('failed');
        return 'retried';
      }
      if (state !== 'completed') return 'present';
      await job.remove();
    }
    await this.add(name, jobId, data, dueAt);
    return 'scheduled';
  }

  /** Starts this replica's worker; with a controllable clock, first promotes what is already due. */
  async start(): Promise<void> {
    if (this.worker || this.closed) return;
    if (this.clock instanceof ControllableClock) await this.promoteDue(this.clock.now());
    this.worker = createJobWorker<SchedulingJobData, JobOutcome>(SCHEDULING_QUEUE, (job, token) => this.process(job, token), this.config, this.logger, 'SchedulingJobs', {
      concurrency: this.config.JOB_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'scheduling job failed', job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, error: error.message }, 'SchedulingJobs'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.worker?.close().catch(() => undefined);
    this.worker = null;
    await this.queue.close().catch(() => undefined);
  }

  private async process(job: Job<SchedulingJobData>, token?: string): Promise<JobOutcome> {
    const processor = this.processors.get(job.name);
    if (!processor) throw new Error(`no processor for job ${job.name}`);
    const outcome = await processor(job.data, job);
    if (outcome === 'stray' && Date.now() - job.timestamp < STRAY_AFTER_MS) {
      // The appointment may belong to a transaction that has not committed yet: try again.
      throw new Error(`appointment ${job.data.appointmentId} not found (yet)`);
    }
    if (outcome === 'early' && token) {
      // Due later by the service clock (it was moved back, or Redis ran fast): wait again.
      const remaining = Math.max(1000, Date.parse(job.data.dueAt) - this.clock.now().getTime());
      await job.moveToDelayed(Date.now() + remaining, token);
      throw new DelayedError();
    }
    return outcome;
  }

  /** Promotes delayed jobs already due by the service clock (the platform helper does this on each move). */
  private async promoteDue(now: Date): Promise<void> {
    const delayed = await this.queue.getDelayed(0, -1);
    for (const job of delayed) {
      const dueAt = Date.parse(job.data?.dueAt ?? '');
      if (!Number.isNaN(dueAt) && dueAt <= now.getTime()) await job.promote().catch(() => undefined);
    }
  }

  /**
   * ControllableClock keeps its listeners for ever; a test that stops this service and
   * starts another on the same clock would otherwise have the closed queue promote jobs.
   * The platform helper gets a view of the clock whose listeners go quiet once closed.
   */
  private clockForPromotion(): Clock {
    const clock = this.clock;
    if (!(clock instanceof ControllableClock)) return clock;
    const view = Object.create(clock) as ControllableClock;
    view.onMoved = (listener) =>
      clock.onMoved(async (now) => {
        if (!this.closed) await listener(now);
      });
    return view;
  }
}
