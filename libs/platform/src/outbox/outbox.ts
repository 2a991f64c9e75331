import { createEnvelope, HEADERS, type DataOf, type EventDefinition, type EventEnvelope, type ProducerName } from '@ddp/contracts';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { Clock } from '../clock/clock';
import { afterCommit } from '../database/after-commit';
import type { Literal, WritesAtCommit } from '../database/transaction-with';
import { binder, rowsInsertSql, type RowsInsert } from '../database/write-together';

/** The outbox row's columns, in the order of Outbox.rowValues, and the casts of its values. */
export const OUTBOX_COLUMNS = 'event_id, topic, message_key, event_type, payload, headers';
const OUTBOX_CASTS = ['', '', '', '', '::jsonb', '::jsonb'];

function outboxInsert(rows: unknown[][]): RowsInsert {
  return { into: `INSERT INTO outbox_message (${OUTBOX_COLUMNS})`, casts: OUTBOX_CASTS, rows };
}

export interface Causation {
  /** The referral id: Kafka key of the event. */
  key: string;
  correlationId: string;
  /** The event (or request) that caused this one. */
  causationId?: string | null;
}

/**
 * Writes events to the outbox inside the caller's transaction: the state change and
 * its events commit together or not at all. This is the only way the platform
 * publishes; the relay does the Kafka side.
 */
export class Outbox implements WritesAtCommit {
  private readonly listeners: Array<(withinMs?: number) => void> = [];
  /** Rows staged in transactions that write them with their COMMIT (holdIn), by transaction. */
  private readonly held = new WeakMap<QueryRunner, unknown[][]>();

  constructor(
    private readonly producer: ProducerName,
    private readonly clock: Clock,
  ) {}

  /** Validates `data` against its contract (throws ContractViolation) and stages it. */
  async publish<D extends EventDefinition>(manager: EntityManager, definition: D, data: DataOf<D>, causation: Causation): Promise<EventEnvelope<DataOf<D>>> {
    const envelope = this.envelope(definition, data, causation);
    await this.stage(manager, definition.topic, [envelope]);
    return envelope;
  }

  /** Builds and validates (throws ContractViolation) an event without staging it: stage many at once with stage(). */
  envelope<D extends EventDefinition>(definition: D, data: DataOf<D>, causation: Causation): EventEnvelope<DataOf<D>> {
    return createEnvelope(definition, data, {
      producer: this.producer,
      key: causation.key,
      correlationId: causation.correlationId,
      causationId: causation.causationId ?? null,
      occurredAt: this.clock.now(),
    });
  }

  /**
   * Stages already-built envelopes (one round trip for many; none in a transaction that
   * holds them for its COMMIT, see holdIn).
   */
  async stage(manager: EntityManager, topic: string, envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const rows = envelopes.map((e) => this.rowValues(topic, e));
    const held = this.heldAtTop(manager);
    if (held) {
      held.push(...rows);
      this.stagedIn(manager);
      return;
    }
    const values: unknown[] = [];
    await manager.query(rowsInsertSql(outboxInsert(rows), binder(values)), values);
    this.stagedIn(manager);
  }

  /**
   * The outbox rows of `envelopes`, for a caller that writes them together with its own rows
   * in one statement (writeTogether) on `manager`; it then calls stagedIn(manager). Rows this
   * transaction still holds for its COMMIT come first and are no longer held, so the
   * transaction's events keep the order they were staged in (the relay sends by row id).
   */
  rowsInsert(topic: string, envelopes: EventEnvelope[], manager: EntityManager): RowsInsert {
    const rows = envelopes.map((e) => this.rowValues(topic, e));
    return outboxInsert([...(this.heldAtTop(manager)?.splice(0) ?? []), ...rows]);
  }

  /**
   * What `manager`'s transaction holds for its COMMIT, when it holds rows and is not inside a
   * nested transaction (rows staged in a savepoint are written at once, so they roll back with it).
   */
  private heldAtTop(manager: EntityManager): unknown[][] | undefined {
    const runner = manager.queryRunner as (QueryRunner & { transactionDepth?: number }) | undefined;
    return runner?.isTransactionActive && runner.transactionDepth === 1 ? this.held.get(runner) : undefined;
  }

  /** transactionWith: rows staged in this transaction from now on are written with its COMMIT. */
  holdIn(runner: QueryRunner): void {
    this.held.set(runner, []);
  }

  /** The held rows as one INSERT with literal values (the simple protocol has no parameters), or null. */
  takeHeld(runner: QueryRunner, literal: Literal): string | null {
    const rows = this.held.get(runner);
    this.held.delete(runner);
    if (!rows?.length) return null;
    // rowValues gives strings only: ids, topic, key, type, and payload and headers as JSON text.
    return rowsInsertSql(outboxInsert(rows), (value) => literal(String(value)));
  }

  dropHeld(runner: QueryRunner): void {
    this.held.delete(runner);
  }

  /** Rows were staged in `manager`'s transaction: the relay hears of them when it commits. */
  stagedIn(manager: EntityManager): void {
    // When the caller's transaction commits, not before: a relay pass that runs earlier
    // finds nothing and the rows would wait for the next poll.
    afterCommit(manager, this.notify);
  }

  /**
   * The values of an envelope's outbox row, in the order of OUTBOX_COLUMNS (payload and
   * headers as JSON text): for a caller that writes the row inside a statement of its own,
   * so its change and its event still commit together. Call staged() once it committed.
   */
  rowValues(topic: string, e: EventEnvelope): unknown[] {
    const headers = {
      [HEADERS.eventType]: e.eventType,
      [HEADERS.eventVersion]: String(e.eventVersion),
      [HEADERS.eventId]: e.eventId,
      [HEADERS.correlationId]: e.correlationId,
    };
    return [e.eventId, topic, e.key, e.eventType, JSON.stringify(e), JSON.stringify(headers)];
  }

  /**
   * Tells the relay that rows written with rowValues() have committed: a pass at once, or
   * within `withinMs` for events no one waits on (rows staged close together then go in one pass).
   */
  staged(withinMs?: number): void {
    this.notify(withinMs);
  }

  /** Bound, so afterCommit sees the same callback and wakes the relay once per transaction. */
  private readonly notify = (withinMs?: number): void => {
    this.listeners.forEach((l) => l(withinMs));
  };

  /** The relay subscribes to hear that rows were staged (saves waiting for a poll). */
  onStaged(listener: (withinMs?: number) => void): void {
    this.listeners.push(listener);
  }
}
