import type { LoggerService } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Pool, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { infrastructureOutage } from '../errors/infrastructure-errors';
import type { Outbox } from './outbox';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

export interface OutboxRelayOptions {
  batchSize: number;
  pollMs: number;
  /** Test hook: runs after a batch reached Kafka and before it is marked sent. */
  afterSendBeforeMark?: (rows: number) => Promise<void>;
}

// One relay per service database at a time: it keeps each key's events in commit order
// even with several replicas (the others wait for their turn; none sends out of order).
const RELAY_LOCK = 7_420_002;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and marks them sent in the
 * same transaction that locked them. A crash between send and mark re-sends that batch
 * on restart: delivery is at least once, and consumers' inboxes (keyed by event id)
 * make the effect exactly once.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires (ms since epoch). */
  private timerDueAt = 0;
  private running: Promise<void> | null = null;
  private wanted = false;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions,
    private readonly logger?: LoggerService,
    outbox?: Outbox,
  ) {
    if (outbox) {
      outbox.onStaged((withinMs = 0) => this.nudgeWithin(withinMs));
    }
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling, then sends what is still pending (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.flush().catch((error) => this.logger?.warn?.({ msg: 'outbox flush at shutdown failed', error: String(error) }, 'OutboxRelay'));
  }

  /**
   * Asks for a pass within `ms` (0: at once). Events no one waits on (a delivery's
   * NotificationSent) use a few ms: those staged close together go in one pass (2 round trips
   * and one send) instead of one pass each.
   */
  nudgeWithin(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.wanted = true;
      return;
    }
    if (this.timer && this.timerDueAt <= Date.now() + ms) return;
    this.schedule(ms);
  }

  /** Sends until nothing is pending; returns how many rows were sent. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.relayOnce();
      total += sent;
      if (sent < this.options.batchSize) return total;
    }
  }

  /** Number of rows not yet sent (health and benchmarks). */
  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query('SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL');
    return row.n;
  }

  /**
   * One batch: lock, read, send, mark, commit. Returns rows sent (0 if another replica holds
   * the lock). Two round trips to Postgres (the relay is on every hop's path): "BEGIN; lock
   * and read" and "mark; COMMIT" each go as one simple-protocol query on a pooled client;
   * the only values written into them are numbers (the batch size, the lock key, row ids).
   */
  async relayOnce(): Promise<number> {
    const client = await this.pool().connect();
    let broken: Error | undefined;
    // A checked-out client that loses its connection (Postgres restarting during the Kafka
    // send) emits 'error'; unheard, that would kill the process. Heard, the next query fails.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      const [, selected] = (await client.query(
        `BEGIN; WITH relay AS (SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS locked)
         SELECT o.id, o.topic, o.message_key, o.payload, o.headers FROM relay, outbox_message o
          WHERE relay.locked AND o.published_at IS NULL ORDER BY o.id LIMIT ${Math.trunc(this.options.batchSize)}`,
      )) as unknown as [QueryResult, QueryResult<OutboxRow>];
      const rows = selected.rows;
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.message_key, value: JSON.stringify(row.payload), headers: row.headers });
        byTopic.set(row.topic, messages);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      if (this.options.afterSendBeforeMark) await this.options.afterSendBeforeMark(rows.length);
      const ids = rows.map((r) => String(r.id));
      if (!ids.every((id) => /^\d+$/.test(id))) throw new Error('outbox ids must be integers');
      await client.query(`UPDATE outbox_message SET published_at = now() WHERE id = ANY('{${ids.join(',')}}'::bigint[]); COMMIT`);
      return rows.length;
    } catch (error) {
      // Nothing is marked sent: the next pass sends the same rows again. A client that cannot roll back is dropped.
      await client.query('ROLLBACK').catch((e: Error) => (broken ??= e));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** The pg pool behind the DataSource (TypeORM's Postgres driver keeps it as `master`). */
  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref?.();
  }

  private async pass(): Promise<void> {
    this.timer = null;
    if (this.running) return;
    let again = false;
    this.running = (async () => {
      try {
        this.wanted = false;
        const sent = await this.relayOnce();
        again = sent >= this.options.batchSize || this.wanted;
      } catch (error) {
        // Nothing was marked sent (the transaction rolled back): the next pass sends the same rows again.
        const outage = infrastructureOutage(error);
        if (outage) this.logger?.warn?.({ msg: 'outbox relay waiting for a dependency; will retry', dependency: outage.dependency, reason: outage.reason }, 'OutboxRelay');
        else this.logger?.error({ msg: 'outbox relay pass failed; will retry', error: String(error) }, 'OutboxRelay');
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(again ? 0 : this.options.pollMs);
  }
}
