import type { LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { HEADERS, parseEnvelope, parseJson, type EventEnvelope } from '@ddp/contracts';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { Clock } from '../clock/clock';
import { describeError, isPermanentError } from '../errors/errors';
import { RequestContext } from '../logging/request-context';
import type { Outbox } from '../outbox/outbox';
import { EventContext } from './event-context';

/**
 * A topic this service consumes. Platform topics carry envelopes; an external topic
 * (police encounters) carries plain JSON that `raw` turns into a synthetic envelope.
 */
export interface Subscription {
  topic: string;
  raw?: {
    /** The handler pattern (@EventPattern) for its messages. */
    eventType: string;
    /** Validates the JSON; throws ContractViolation. */
    parse(value: unknown): object;
    /** Stable id of a message for the inbox, e.g. the encounter id. */
    idOf(data: object): string;
  };
  /**
   * After a dead-letter, hold back later messages with the same key (they are stored
   * in parked_message, in order) so one referral's events are never applied past a gap.
   * Default: true for envelopes, false for raw intake (each encounter stands alone).
   */
  parkOnDeadLetter?: boolean;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  /** Used only for dead letters (which must not wait on the database). */
  producer: Producer;
  dataSource: DataSource;
  outbox: Outbox;
  clock: Clock;
  logger: LoggerService;
  /** Consumer group id, used as given (no -server suffix). Also the inbox consumer name. */
  groupId: string;
  deadLetterTopic: string;
  subscriptions: Subscription[];
  maxAttempts: number;
  retryBaseMs: number;
  partitionsConsumedConcurrently?: number;
  /**
   * Up to this many consecutive clean messages of a partition are applied in one
   * transaction (one commit instead of one per event). If anything in the group fails,
   * the group is rolled back and its messages are processed one by one, with the usual
   * retries and dead letters. 1 turns grouping off.
   */
  groupSize?: number;
  /**
   * Where a group with no committed offsets starts: 'earliest' (production: nothing
   * published before the first start is missed) or 'latest' (tests on a shared broker:
   * no history is replayed). listen() returns after the first fetch, when the start
   * offsets are resolved, so nothing published after it returns is missed.
   */
  newGroupStart?: 'earliest' | 'latest';
}

type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead-lettered' | 'parked';

/**
 * A NestJS transport strategy over kafkajs with the guarantees @nestjs/microservices'
 * own Kafka transport lacks: each event runs in one database transaction with its inbox
 * row (a redelivery has no second effect), transient failures are retried a bounded
 * number of times with backoff, then the message is dead-lettered and the partition
 * moves on. Handlers are ordinary @EventPattern('<EventType>') methods.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | null = null;
  private readonly parkedKeys = new Set<string>();
  private readonly counters: Record<Outcome, number> = { processed: 0, duplicate: 0, ignored: 0, 'dead-lettered': 0, parked: 0 };
  private closing = false;
  private groupCommits = 0;

  constructor(private readonly options: EventConsumerOptions) {
    super();
  }

  get stats(): Readonly<Record<Outcome, number>> {
    return this.counters;
  }

  /** Transactions that applied a group of events at once (see groupSize). */
  get groupedCommits(): number {
    return this.groupCommits;
  }

  get isConnected(): boolean {
    return this.consumer !== null && !this.closing;
  }

  on(): void {
    // Status events are not used; health reads isConnected.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { kafka, groupId, subscriptions } = this.options;
      await this.loadParkedKeys();
      this.consumer = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30000,
        heartbeatInterval: 3000,
        maxWaitTimeInMs: 100,
      });
      await this.consumer.connect();
      const fromBeginning = this.options.newGroupStart !== 'latest';
      for (const s of subscriptions) await this.consumer.subscribe({ topic: s.topic, fromBeginning });
      const firstFetch = new Promise<void>((resolve) => {
        const remove = this.consumer!.on(this.consumer!.events.FETCH, () => {
          remove();
          resolve();
        });
      });
      await this.consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      await Promise.race([firstFetch, new Promise((resolve) => setTimeout(resolve, 30000).unref())]);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    // kafkajs lets the batch in hand finish before it leaves the group.
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const subscription = this.options.subscriptions.find((s) => s.topic === batch.topic);
    if (!subscription) return;
    const groupSize = Math.max(1, this.options.groupSize ?? 1);
    for (let start = 0; start < batch.messages.length; start += groupSize) {
      if (!isRunning() || isStale()) break;
      const chunk = batch.messages.slice(start, start + groupSize);
      const grouped = chunk.length > 1 && (await this.processGroup(subscription, batch.topic, batch.partition, chunk));
      if (!grouped) {
        for (const message of chunk) {
          if (!isRunning() || isStale()) return;
          await this.processMessage(subscription, batch.topic, batch.partition, message);
          resolveOffset(message.offset);
          await heartbeat();
        }
      } else {
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
    }
  }

  /**
   * Applies a run of messages in one transaction. Returns false (and changes nothing)
   * when the run holds anything unusual (a parked key, a message that does not decode)
   * or when any handler fails: the caller then takes the messages one by one.
   */
  private async processGroup(subscription: Subscription, topic: string, partition: number, messages: KafkaMessage[]): Promise<boolean> {
    const parks = subscription.parkOnDeadLetter ?? !subscription.raw;
    const decoded: Array<{ message: KafkaMessage; envelope: EventEnvelope }> = [];
    for (const message of messages) {
      const key = message.key?.toString() ?? '';
      if (parks && key && this.parkedKeys.has(key)) return false;
      try {
        decoded.push({ message, envelope: this.decode(subscription, message) });
      } catch {
        return false;
      }
    }
    const outcomes: Outcome[] = [];
    try {
      await this.options.dataSource.transaction(async (manager) => {
        for (const { message, envelope } of decoded) {
          const handler = this.getHandlerByPattern(envelope.eventType);
          if (!handler) {
            outcomes.push('ignored');
            continue;
          }
          const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType: envelope.eventType, referralId: envelope.key };
          await RequestContext.run(log, async () => {
            const inserted = await manager.query(
              'INSERT INTO inbox_event (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
              [this.options.groupId, envelope.eventId, envelope.eventType],
            );
            if (inserted.length === 0) {
              outcomes.push('duplicate');
              return;
            }
            const context = new EventContext({ envelope, manager, outbox: this.options.outbox, topic, partition, offset: message.offset, attempt: 1 });
            const result = await handler(envelope, context);
            await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
            outcomes.push('processed');
          });
        }
      });
    } catch (error) {
      this.options.logger.debug?.({ msg: 'group transaction failed; processing its messages one by one', size: messages.length, error: describeError(error) }, 'EventConsumer');
      return false;
    }
    outcomes.forEach((o) => this.count(o));
    this.groupCommits++;
    return true;
  }

  /** Decides what one message becomes; never throws for a bad message. */
  async processMessage(subscription: Subscription, topic: string, partition: number, message: KafkaMessage): Promise<Outcome> {
    const key = message.key?.toString() ?? '';
    const parks = subscription.parkOnDeadLetter ?? !subscription.raw;
    if (parks && key && this.parkedKeys.has(key)) return this.count(await this.park(key, topic, partition, message));

    let envelope: EventEnvelope;
    try {
      envelope = this.decode(subscription, message);
    } catch (error) {
      return this.count(await this.deadLetter(subscription, topic, partition, message, error, 1, 'contract-violation'));
    }

    const handler = this.getHandlerByPattern(envelope.eventType);
    if (!handler) return this.count('ignored');

    const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType: envelope.eventType, referralId: key };
    return RequestContext.run(log, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await this.options.dataSource.transaction(async (manager) => {
            const inserted = await manager.query(
              'INSERT INTO inbox_event (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
              [this.options.groupId, envelope.eventId, envelope.eventType],
            );
            if (inserted.length === 0) return 'duplicate' as const;
            const context = new EventContext({ envelope, manager, outbox: this.options.outbox, topic, partition, offset: message.offset, attempt });
            const result = await handler(envelope, context);
            await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
            return 'processed' as const;
          });
          return this.count(outcome);
        } catch (error) {
          if (isPermanentError(error) || attempt >= this.options.maxAttempts || this.closing) {
            if (this.closing && !isPermanentError(error)) throw error; // leave it uncommitted for the next owner
            return this.count(await this.deadLetter(subscription, topic, partition, message, error, attempt, isPermanentError(error) ? 'rejected' : 'retries-exhausted'));
          }
          const delay = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), 5000);
          this.options.logger.warn?.({ msg: 'event handling failed; retrying', attempt, delayMs: delay, error: describeError(error) }, 'EventConsumer');
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    });
  }

  private decode(subscription: Subscription, message: KafkaMessage): EventEnvelope {
    const json = parseJson(message.value, subscription.raw ? `message on ${subscription.topic}` : 'event envelope');
    if (!subscription.raw) return parseEnvelope(json);
    const data = subscription.raw.parse(json);
    const id = subscription.raw.idOf(data);
    // A police system's correlation id is kept when it fits the envelope's rule (1-100 chars).
    const header = headerValue(message.headers, HEADERS.correlationId);
    const correlationId = header && header.length <= 100 ? header : id.slice(0, 100);
    return {
      eventId: `${subscription.raw.eventType}:${id}`,
      eventType: subscription.raw.eventType,
      eventVersion: 1,
      occurredAt: new Date(Number(message.timestamp)).toISOString(),
      correlationId,
      causationId: null,
      producer: 'external',
      key: message.key?.toString() ?? id,
      data,
    };
  }

  private async deadLetter(subscription: Subscription, topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number, reason: string): Promise<Outcome> {
    const key = message.key?.toString() ?? null;
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [HEADERS.dlqReason]: reason,
      [HEADERS.dlqError]: describeError(error).slice(0, 2000),
      [HEADERS.dlqAttempts]: String(attempts),
      [HEADERS.dlqConsumer]: this.options.groupId,
      [HEADERS.dlqOriginalTopic]: topic,
      [HEADERS.dlqOriginalPartition]: String(partition),
      [HEADERS.dlqOriginalOffset]: message.offset,
      [HEADERS.dlqFailedAt]: this.options.clock.now().toISOString(),
    };
    // Sent straight to Kafka, not via the outbox: the database may be what failed.
    await this.options.producer.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: [{ key, value: message.value, headers }],
    });
    this.options.logger.error({ msg: 'message dead-lettered', reason, attempts, topic, partition, offset: message.offset, error: describeError(error) }, 'EventConsumer');
    if ((subscription.parkOnDeadLetter ?? !subscription.raw) && key) {
      await this.options.dataSource.query(
        'INSERT INTO parked_key (consumer, message_key, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [this.options.groupId, key, `${reason}: ${describeError(error)}`.slice(0, 1000)],
      );
      this.parkedKeys.add(key);
    }
    return 'dead-lettered';
  }

  private async park(key: string, topic: string, partition: number, message: KafkaMessage): Promise<Outcome> {
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? null]));
    await this.options.dataSource.query(
      `INSERT INTO parked_message (consumer, message_key, topic, kafka_partition, kafka_offset, headers, value)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING`,
      [this.options.groupId, key, topic, partition, message.offset, JSON.stringify(headers), message.value?.toString() ?? null],
    );
    this.options.logger.warn?.({ msg: 'message parked behind a dead-lettered one', referralId: key, topic, offset: message.offset }, 'EventConsumer');
    return 'parked';
  }

  /**
   * Replays a key's parked messages in order and lifts the hold (an operator's call,
   * after the dead-lettered event was dealt with). Returns what each replay became.
   */
  async releaseParkedKey(key: string): Promise<Outcome[]> {
    const rows: Array<{ id: string; topic: string; kafka_partition: number; kafka_offset: string; headers: Record<string, string | null>; value: string | null }> =
      await this.options.dataSource.query(
        'SELECT id, topic, kafka_partition, kafka_offset, headers, value FROM parked_message WHERE consumer = $1 AND message_key = $2 ORDER BY topic, kafka_partition, kafka_offset::bigint',
        [this.options.groupId, key],
      );
    await this.options.dataSource.query('DELETE FROM parked_key WHERE consumer = $1 AND message_key = $2', [this.options.groupId, key]);
    this.parkedKeys.delete(key);
    const outcomes: Outcome[] = [];
    for (const row of rows) {
      const subscription = this.options.subscriptions.find((s) => s.topic === row.topic);
      if (!subscription) continue;
      const message = {
        key: Buffer.from(key), value: row.value === null ? null : Buffer.from(row.value), offset: row.kafka_offset,
        timestamp: String(Date.now()), attributes: 0, headers: Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, v ?? undefined])),
      } as KafkaMessage;
      outcomes.push(await this.processMessage(subscription, row.topic, row.kafka_partition, message));
      await this.options.dataSource.query('DELETE FROM parked_message WHERE id = $1', [row.id]);
    }
    return outcomes;
  }

  private async loadParkedKeys(): Promise<void> {
    const rows: Array<{ message_key: string }> = await this.options.dataSource.query('SELECT message_key FROM parked_key WHERE consumer = $1', [this.options.groupId]);
    this.parkedKeys.clear();
    rows.forEach((r) => this.parkedKeys.add(r.message_key));
  }

  private count(outcome: Outcome): Outcome {
    this.counters[outcome]++;
    return outcome;
  }
}

function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0]?.toString() : value.toString();
}
