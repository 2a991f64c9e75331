import type { DataOf, EventDefinition } from '@ddp/contracts';
import type { EntityManager } from 'typeorm';

/** Which referral an event belongs to: its Kafka key and the correlation id of its story. */
export interface ReferralRef {
  referralId: string;
  correlationId: string;
}

export interface PlannedJob {
  name: string;
  jobId: string;
  appointmentId: string;
  referralId: string;
  dueAt: Date;
}

/**
 * Redis side effects of one unit of work. They are applied once the database work has
 * succeeded: new jobs are added just before the commit (so a committed appointment always
 * has its job; a job whose appointment rolled back finds nothing and does nothing), and
 * jobs are cancelled after the commit where the caller controls it (workers reload state
 * from the database, so a job left behind is a no-op anyway).
 */
export class JobPlan {
  readonly toSchedule: PlannedJob[] = [];
  readonly toCancel: string[] = [];

  schedule(job: PlannedJob): void {
    this.toSchedule.push(job);
  }

  cancel(jobId: string): void {
    this.toCancel.push(jobId);
  }
}

/**
 * One transaction's worth of work: the manager every write must use, the instant it runs
 * at (from the injected Clock), the acting caseworker or system, a publisher that stages
 * events in the outbox in the same transaction, and the jobs to add or cancel.
 */
export interface UnitOfWork {
  readonly manager: EntityManager;
  readonly now: Date;
  /** Caseworker id from x-actor-id, or 'system:<what>' for events and jobs. */
  readonly actor: string;
  readonly jobs: JobPlan;
  publish<D extends EventDefinition>(definition: D, data: DataOf<D>, referral: ReferralRef): Promise<unknown>;
}

/** rows of a raw UPDATE/DELETE … RETURNING (TypeORM gives [rows, count] for those, rows for the rest). */
export function returnedRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result as T[]) ?? [];
}
