import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import {
  Clock, JsonLogger, SERVICE_CONFIG, cancel, createJobQueue, createJobWorker, promoteDueJobsWhenClockMoves, scheduleAt, type DeadlineJobData,
} from '@ddp/platform';
import type { OutcomeConfig } from '../outcome.config';

export const REVIEW_WINDOW_QUEUE = 'outcome-review-window';
export const REVIEW_WINDOW_JOB = 'review-window';

export interface ReviewWindowJobData extends DeadlineJobData {
  reviewId: string;
  referralId: string;
}

/**
 * Job id of a review's window. Deterministic, so scheduling twice is a no-op. BullMQ 6
 * refuses custom ids with exactly one ':' ("Custom Id cannot contain :"), so the
 * `review-window:<reviewId>` form the platform guide suggests cannot be used.
 */
export const reviewWindowJobId = (reviewId: string) => `review-window-${reviewId}`;

/**
 * The show-cause windows as BullMQ delayed jobs, due at the deadline plus the grace
 * period (business time, from the Clock). The job carries ids only; the worker re-reads
 * the review in a transaction and decides (see ComplianceService.closeWindow).
 */
@Injectable()
export class ReviewWindowJobs implements OnApplicationShutdown {
  readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: OutcomeConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {
    this.queue = createJobQueue(REVIEW_WINDOW_QUEUE, config, logger, 'ReviewWindowJobs');
    promoteDueJobsWhenClockMoves(clock, [this.queue]);
  }

  async schedule(reviewId: string, referralId: string, decideAt: Date): Promise<void> {
    const data: ReviewWindowJobData = { dueAt: decideAt.toISOString(), reviewId, referralId };
    await scheduleAt(this.queue, this.clock, REVIEW_WINDOW_JOB, reviewWindowJobId(reviewId), data);
  }

  /**
   * Moves a review's decision to a later time (its show-cause notice was confirmed late). The
   * new job has its own id, since the old one may be running or retained as completed; the old
   * one, if it still runs, finds the review not due and does nothing.
   */
  async moveTo(reviewId: string, referralId: string, decideAt: Date): Promise<void> {
    await cancel(this.queue, reviewWindowJobId(reviewId)).catch(() => false);
    const data: ReviewWindowJobData = { dueAt: decideAt.toISOString(), reviewId, referralId };
    await scheduleAt(this.queue, this.clock, REVIEW_WINDOW_JOB, `${reviewWindowJobId(reviewId)}-${decideAt.getTime()}`, data);
  }

  /**
   * Makes sure an open review has a live job (boot sweep, and after Redis lost its data): adds it when missing,
   * retries it when it failed, re-adds it when a finished one is still retained.
   */
  async ensure(reviewId: string, referralId: string, decideAt: Date): Promise<'scheduled' | 'present' | 'retried'> {
    const job = await this.queue.getJob(reviewWindowJobId(reviewId));
    if (job) {
      const state = await job.getState();
      if (state === 'failed') {
        await job.retry('failed');
        return 'retried';
      }
      if (state !== 'completed') return 'present';
      await job.remove();
    }
    await this.schedule(reviewId, referralId, decideAt);
    return 'scheduled';
  }

  /** Best effort, after the review was closed and committed; the job is harmless if it still runs. */
  async cancel(reviewId: string): Promise<void> {
    await cancel(this.queue, reviewWindowJobId(reviewId)).catch(() => false);
  }

  /** Starts this replica's worker. The processor throws on failure so BullMQ retries. */
  start(process: (data: ReviewWindowJobData) => Promise<string>): void {
    if (this.worker) return;
    this.worker = createJobWorker<ReviewWindowJobData, string>(
      REVIEW_WINDOW_QUEUE,
      async (job: Job<ReviewWindowJobData>) => process(job.data),
      this.config,
      this.logger,
      'ReviewWindowJobs',
      { concurrency: this.config.REVIEW_WINDOW_CONCURRENCY },
    );
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'review window job failed', reviewId: job?.data.reviewId, attempt: job?.attemptsMade, error: error.message }, 'ReviewWindowJobs'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    this.worker = null;
    await this.queue.close().catch(() => undefined);
  }
}
