import { Inject, Injectable } from '@nestjs/common';
import { Clock, JsonLogger, SERVICE_CONFIG, afterCommit, cancel, retryTransient, scheduleManyAt, transactionWith, type WritesAtCommit } from '@ddp/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationConfig } from '../notification.config';
import { CHANNELS } from '../templates/catalogue';
import { DeliveryQueues } from './delivery-queues';

/** Statuses whose row must have a job: due, retrying, or held for quiet hours. */
const PENDING_STATUSES = ['scheduled', 'queued', 'held-quiet-hours'];
const PENDING_STATUSES_SQL = `(${PENDING_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/** Rows one pass takes; another pass follows at once only when it took this many. */
const SYNC_BATCH = 100;
/** Rows one statement of markPendingForSync walks through. */
const MARK_PAGE = 1000;

interface SyncRow {
  id: string;
  channel: string;
  template: string;
  status: string;
  due_at: Date;
}

/**
 * Brings BullMQ in line with the delivery log, after the transaction that changed the
 * log has committed: rows marked `needs_sync` get their job added (a delayed job for a
 * reminder) or removed (cancelled). Job ids are notification ids, so adding twice is a
 * no-op and a crash between "add" and "mark" loses nothing. The same idea as the
 * outbox, for jobs: a job never runs for a row that was rolled back.
 */
@Injectable()
export class JobDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DeliveryQueues) private readonly queues: DeliveryQueues,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  /** Starts polling; first re-marks every pending row, so jobs lost with Redis come back. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.markPendingForSync();
    this.schedule(0);
  }

  /**
   * After Redis lost its data: every pending row gets its job again (same id, same due
   * time; adding one that is still there is a no-op). A pass that fails leaves its rows
   * marked, so the polling loop keeps trying. Returns how many rows were re-marked.
   */
  async resync(): Promise<number> {
    if (this.stopped) return 0;
    const marked = await this.markPendingForSync();
    await this.runNow();
    return marked;
  }

  /**
   * Marks every pending row for sync, walking the table a page at a time in id order: one
   * statement over a large backlog held all its rows' locks at once and deadlocked with
   * deliveries settling theirs. A page is a plain primary-key range (cheap whatever the
   * statistics say); only its pending rows are locked and marked. A page that fails
   * transiently (a deadlock all the same) is tried again.
   */
  private async markPendingForSync(): Promise<number> {
    let marked = 0;
    for (let after = ''; ; ) {
      const [page]: Array<{ scanned: number; marked: number; last: string | null }> = await retryTransient(
        'marking pending notifications for a job sync',
        () =>
          this.dataSource.query(
            `WITH page AS (SELECT id FROM notification WHERE id > $1 ORDER BY id LIMIT ${MARK_PAGE}),
                  marked AS (UPDATE notification n SET needs_sync = true FROM page
                              WHERE n.id = page.id AND n.status IN ${PENDING_STATUSES_SQL} AND NOT n.needs_sync RETURNING 1)
             SELECT (SELECT count(*) FROM page)::int AS scanned, (SELECT count(*) FROM marked)::int AS marked, (SELECT max(id) FROM page) AS last`,
            [after],
          ),
        { logger: this.logger, context: 'JobDispatcher' },
      );
      marked += page.marked;
      if (page.scanned < MARK_PAGE || page.last === null) return marked;
      after = page.last;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** A handler changed rows in `manager`'s transaction: one pass once it has committed (before, the pass would not see them). */
  wakeAfterCommit(manager: EntityManager): void {
    afterCommit(manager, this.wake);
  }

  /** One function, so afterCommit runs it once per transaction however many chunks woke it. */
  private readonly wake = (): void => void this.runNow();

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule(this.config.DISPATCH_POLL_MS));
    }, ms);
    this.timer.unref();
  }

  /** One pass (tests await it); passes never overlap. */
  async runNow(): Promise<number> {
    if (this.stopped) return 0;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          let n: number;
          do {
            n = await this.syncBatch();
            total += n;
          } while (n === SYNC_BATCH && !this.stopped);
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logger.warn({ msg: 'job dispatch failed; will retry', error: (error as Error).message }, 'JobDispatcher');
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  /**
   * Two round trips: the rows' lock with the START TRANSACTION, and their needs_sync mark
   * with the COMMIT (a pass per consumed batch, so the dispatcher was one of the notification
   * service's busiest Postgres clients).
   */
  private async syncBatch(): Promise<number> {
    let synced: string[] = [];
    const markSynced: WritesAtCommit = {
      holdIn: () => undefined,
      takeHeld: (_runner, literal) => (synced.length ? `UPDATE notification SET needs_sync = false WHERE id IN (${synced.map(literal).join(', ')})` : null),
      dropHeld: () => (synced = []),
    };
    return transactionWith(
      this.dataSource,
      () => `SELECT id, channel, template, status, due_at FROM notification WHERE needs_sync ORDER BY due_at LIMIT ${SYNC_BATCH} FOR UPDATE SKIP LOCKED`,
      async (_manager, found) => {
        const rows = found as unknown as SyncRow[];
        // The rows stay locked until the commit and a worker may take a job the moment it is
        // added (then wait for that lock): one addBulk per channel keeps the wait short.
        const due = new Map<string, SyncRow[]>();
        for (const row of rows) {
          if (row.status === 'cancelled') {
            // The row may have moved between channels: remove a waiting job wherever it is.
            for (const channel of CHANNELS) await cancel(this.queues.queue(channel), row.id);
          } else if (PENDING_STATUSES.includes(row.status)) {
            due.set(row.channel, [...(due.get(row.channel) ?? []), row]);
          }
        }
        for (const [channel, pending] of due) {
          const jobs = pending.map((row) => ({ name: row.template, jobId: row.id, data: { notificationId: row.id, dueAt: new Date(row.due_at).toISOString() } }));
          await scheduleManyAt(this.queues.queue(channel), this.clock, jobs, this.queues.jobOptions());
        }
        synced = rows.map((r) => r.id);
        return rows.length;
      },
      markSynced,
    );
  }
}
