import type { JobsOptions, Queue } from 'bullmq';
import { Clock, ControllableClock } from '../clock/clock';

/** Every deadline job carries when it is due by the service clock. */
export interface DeadlineJobData {
  dueAt: string;
}

/** Retries with backoff; completed jobs kept a week (their ids stop a redelivered event adding them again), failed ones kept. */
const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: false,
} satisfies JobsOptions;

/**
 * Adds a delayed job due at `dueAt` by the service clock. The job id is deterministic
 * (e.g. `assessment-deadline-<appointmentId>`: BullMQ 6 refuses custom ids with a single ':'): adding it again on a redelivered event
 * is a no-op, and the job survives restarts because it lives in Redis.
 */
export async function scheduleAt<T extends DeadlineJobData>(queue: Queue, clock: Clock, name: string, jobId: string, data: T, options: JobsOptions = {}): Promise<void> {
  const delay = Math.max(0, Date.parse(data.dueAt) - clock.now().getTime());
  await queue.add(name, data, { ...JOB_DEFAULTS, jobId, delay, ...options });
}

/** Adds many jobs in one round trip (BullMQ addBulk); an id already present is left as it is, as with scheduleAt. */
export async function scheduleManyAt<T extends DeadlineJobData>(queue: Queue, clock: Clock, jobs: Array<{ name: string; jobId: string; data: T }>, options: JobsOptions = {}): Promise<void> {
  if (jobs.length === 0) return;
  const now = clock.now().getTime();
  await queue.addBulk(jobs.map(({ name, jobId, data }) => ({ name, data, opts: { ...JOB_DEFAULTS, ...options, jobId, delay: Math.max(0, Date.parse(data.dueAt) - now) } })));
}

/** Moves a deadline: removes the delayed job (if it has not run) and schedules it anew. */
export async function reschedule<T extends DeadlineJobData>(queue: Queue, clock: Clock, name: string, jobId: string, data: T): Promise<void> {
  await cancel(queue, jobId);
  await scheduleAt(queue, clock, name, jobId, data);
}

/** Cancels a job that has not run yet; returns false when it was not waiting. */
export async function cancel(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  if (state === 'delayed' || state === 'waiting' || state === 'prioritized') {
    await job.remove();
    return true;
  }
  return false;
}

/** Delayed jobs read at a time when a clock move promotes them: memory stays flat however many wait. */
const PROMOTE_PAGE = 500;

/**
 * With a controllable clock, a jump forward must fire the jobs it made due: Redis
 * counts real milliseconds, so promote every delayed job whose dueAt has passed.
 */
export function promoteDueJobsWhenClockMoves(clock: Clock, queues: Queue[]): () => void {
  if (!(clock instanceof ControllableClock)) return () => undefined;
  return clock.onMoved(async (now) => {
    for (const queue of queues) await promoteDueJobs(queue, now.getTime());
  });
}

/**
 * Promotes the delayed jobs of `queue` whose dueAt is at or before `nowMs`, a page at a
 * time (a backlog of delayed jobs read at once ran a service out of heap). Promoted jobs
 * leave the delayed set, so the next page starts after those left behind. Returns how many.
 */
export async function promoteDueJobs(queue: Queue, nowMs: number): Promise<number> {
  let promoted = 0;
  for (let start = 0; ; ) {
    const page = await queue.getDelayed(start, start + PROMOTE_PAGE - 1);
    const due = page.filter((job) => {
      const dueAt = Date.parse((job?.data as DeadlineJobData)?.dueAt ?? '');
      return !Number.isNaN(dueAt) && dueAt <= nowMs;
    });
    // Sent together: one pipelined round trip per page instead of one per job.
    const results = await Promise.all(due.map((job) => job.promote().then(() => true, () => false)));
    const promotedNow = results.filter(Boolean).length;
    promoted += promotedNow;
    if (page.length < PROMOTE_PAGE) return promoted;
    start += page.length - promotedNow;
  }
}
