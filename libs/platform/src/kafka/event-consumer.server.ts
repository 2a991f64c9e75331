import type { LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { HEADERS, parseEnvelope, parseJson, type EventEnvelope } from '@ddp/contracts';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock/clock';
import { describeError, isPermanentError } from '../errors/errors';
import { infrastructureOutage, isInfrastructureOutage, type InfrastructureOutage } from '../errors/infrastructure-errors';
import { RequestContext } from '../logging/request-context';
import { LatencyWindow } from '../metrics/latency-window';
import type { Outbox } from '../outbox/outbox';
import { batchPattern, EventBatchContext, EventContext } from './event-context';

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
   * no history is replayed). listen() returns once partitions are assigned and their start
   * offsets resolved, so nothing published after it returns is missed.
   */
  newGroupStart?: 'earliest' | 'latest';
}

type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead-lettered' | 'parked';

/** Where the consumer stands, for /health/ready: only 'ready' consumes. */
export type ConsumerState = 'starting' | 'ready' | 'restarting' | 'down' | 'stopped';

/**
 * The batch a message is handled in: a long wait (an outage) keeps the group membership
 * alive with heartbeats and gives up when the partition was taken away or the consumer stops.
 */
interface Lease {
  heartbeat(): Promise<void>;
  isActive(): boolean;
}

/** A message left unhandled and uncommitted (its partition moved, or the consumer stops). */
const ABANDONED = 'abandoned' as const;

/** Longest pause between two tries while a dependency is down (below the 30 s session timeout). */
const OUTAGE_MAX_DELAY_MS = 5000;
/** How often listen() says it is still waiting for its partitions. */
const READINESS_LOG_EVERY_MS = 30000;

/**
 * A NestJS transport strategy over kafkajs with the guarantees @nestjs/microservices'
 * own Kafka transport lacks: each event runs in one database transaction with its inbox
 * row (a redelivery has no second effect), transient failures are retried a bounded
 * number of times with backoff, then the message is dead-lettered and the partition
 * moves on. A dependency that is down (Postgres, Redis, Kafka) is waited out instead:
 * it says nothing about the message. Handlers are ordinary @EventPattern('<EventType>')
 * methods; a handler may also take a whole group at once (batchPattern).
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | null = null;
  private readonly parkedKeys = new Set<string>();
  private readonly counters: Record<Outcome, number> = { processed: 0, duplicate: 0, ignored: 0, 'dead-lettered': 0, parked: 0 };
  private closing = false;
  private groupCommits = 0;
  private readonly batched: Record<string, number> = {};
  /** From a message's Kafka timestamp to the start of its processing: fetch and queueing. */
  private readonly waitTimes = new LatencyWindow();
  /** Applying a run of a partition's messages (a group transaction, or one by one). */
  private readonly applyTimes = new LatencyWindow();
  private consumerState: ConsumerState = 'starting';
  private lastCrash: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartAttempts = 0;
  private readyWaiters: Array<() => void> = [];

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

  /** Events applied through a batch handler (batchPattern), by type, since start. */
  get batchedEvents(): Readonly<Record<string, number>> {
    return this.batched;
  }

  /** Where a consumed event's time goes: waiting to be processed, and being applied (ms). */
  get latency() {
    return { waitMs: this.waitTimes.summary(), applyMs: this.applyTimes.summary() };
  }

  /** True while the consumer is in its group with partitions assigned and fetching. */
  get isConnected(): boolean {
    return this.consumerState === 'ready' && !this.closing;
  }

  get state(): ConsumerState {
    return this.consumerState;
  }

  /** For /health/ready: why the consumer is not ready, if it is not. */
  get health(): { state: ConsumerState; lastCrash: string | null } {
    return { state: this.consumerState, lastCrash: this.lastCrash };
  }

  on(): void {
    // Status events are not used; health reads state.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /**
   * Resolves once the group has been joined, partitions assigned and their start offsets
   * resolved (kafkajs GROUP_JOIN, then the first FETCH, which comes after the offsets are
   * resolved for every assigned partition). With KAFKA_NEW_GROUP_START=latest anything
   * produced after that is consumed; before it, a new group's "latest" could still move
   * past it. There is no time limit: a join that takes long is logged every 30 s and the
   * service stays not ready (it does not serve HTTP yet), instead of claiming readiness
   * it does not have; a crash during the join is restarted like any other.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.loadParkedKeys();
      const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
      await this.startConsumer();
      const started = Date.now();
      const reminder = setInterval(() => {
        this.options.logger.warn?.(
          { msg: 'consumer still waiting for its partitions before the service reports ready', state: this.consumerState, waitedMs: Date.now() - started, lastCrash: this.lastCrash },
          'EventConsumer',
        );
      }, READINESS_LOG_EVERY_MS);
      reminder.unref();
      try {
        await ready;
      } finally {
        clearInterval(reminder);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    // kafkajs lets the batch in hand finish before it leaves the group.
    await this.consumer?.disconnect();
    this.consumer = null;
    this.consumerState = 'stopped';
    this.readyWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Creates, subscribes and runs a kafkajs consumer; its events drive `state`. */
  private async startConsumer(): Promise<void> {
    const { kafka, groupId, subscriptions, logger } = this.options;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      // kafkajs fetches up to 10 MB (1 MB per partition) by default; a service reading 18
      // partitions held 7-12 MB of buffers. Smaller fetches keep it within its memory budget.
      maxBytes: 2 * 1024 * 1024,
      maxBytesPerPartition: 256 * 1024,
      retry: {
        retries: 5,
        // kafkajs asks this only for retriable crashes (e.g. the broker gone longer than its
        // retries); restarting is always right for a service whose job is to consume.
        restartOnFailure: async (error) => {
          logger.error({ msg: 'consumer crashed; kafkajs restarts it', error: describeError(error) }, 'EventConsumer');
          return true;
        },
      },
    });
    this.consumer = consumer;
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (!joined || this.consumer !== consumer || this.consumerState === 'ready') return;
      this.consumerState = 'ready';
      this.restartAttempts = 0;
      this.readyWaiters.splice(0).forEach((resolve) => resolve());
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.closing || this.consumer !== consumer) return;
      joined = false;
      this.lastCrash = describeError(event.payload.error);
      if (event.payload.restart) {
        this.consumerState = 'restarting';
        return;
      }
      // A crash kafkajs does not restart (a non-retriable error) would leave the service
      // silently not consuming: start a fresh consumer instead.
      this.consumerState = 'down';
      logger.error({ msg: 'consumer crashed and kafkajs will not restart it; starting a new one', error: this.lastCrash }, 'EventConsumer');
      this.scheduleRestart();
    });
    try {
      await consumer.connect();
      const fromBeginning = this.options.newGroupStart !== 'latest';
      for (const s of subscriptions) await consumer.subscribe({ topic: s.topic, fromBeginning });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (error) {
      // The broker is not reachable yet (or went away while joining): keep trying.
      if (this.closing) return;
      this.consumerState = 'down';
      this.lastCrash = describeError(error);
      logger.error({ msg: 'consumer could not start; trying again', error: this.lastCrash }, 'EventConsumer');
      await consumer.disconnect().catch(() => undefined);
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.closing || this.restartTimer) return;
    this.restartAttempts++;
    const delay = Math.min(this.options.retryBaseMs * 2 ** Math.min(this.restartAttempts - 1, 16), OUTAGE_MAX_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.closing) return;
        await this.startConsumer();
      })();
    }, delay);
    this.restartTimer.unref?.();
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const subscription = this.options.subscriptions.find((s) => s.topic === batch.topic);
    if (!subscription) return;
    const lease: Lease = { heartbeat, isActive: () => isRunning() && !isStale() && !this.closing };
    const groupSize = Math.max(1, this.options.groupSize ?? 1);
    let waitRecorded = 0;
    for (let start = 0; start < batch.messages.length; ) {
      if (!lease.isActive()) break;
      let chunk = batch.messages.slice(start, start + groupSize);
      const startedAt = Date.now();
      for (; waitRecorded < start + chunk.length; waitRecorded++) this.waitTimes.add(startedAt - Number(batch.messages[waitRecorded].timestamp));
      let grouped = false;
      while (chunk.length > 1 && !grouped) {
        const result = await this.applyGroup(subscription, batch.topic, batch.partition, chunk, lease);
        if (result === ABANDONED) return;
        if (result === 'applied') grouped = true;
        else if (typeof result === 'number') chunk = chunk.slice(0, Math.max(1, result)); // the clean run before an unusual message, or that message alone
        else break; // a handler failed: one by one
      }
      if (!grouped) {
        for (const message of chunk) {
          if (!lease.isActive()) return;
          const outcome = await this.processMessage(subscription, batch.topic, batch.partition, message, lease);
          if (outcome === ABANDONED) return;
          resolveOffset(message.offset);
          await heartbeat();
        }
      } else {
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
      start += chunk.length;
      this.applyTimes.add(Date.now() - startedAt);
    }
  }

  /** processGroup, waiting out an outage of a dependency (then the whole group is tried again: one by one would be slower and no safer). */
  private async applyGroup(subscription: Subscription, topic: string, partition: number, chunk: KafkaMessage[], lease: Lease): Promise<'applied' | 'fallback' | number | typeof ABANDONED> {
    for (let outageWaits = 1; ; outageWaits++) {
      const result = await this.processGroup(subscription, topic, partition, chunk);
      if (typeof result !== 'object') return result;
      if (!(await this.waitOutOutage(result, outageWaits, lease))) return ABANDONED;
    }
  }

  /**
   * Applies a run of messages in one transaction: one inbox statement for the run, then
   * each consecutive stretch of one event type through its batch handler if the service
   * has one, else event by event. Nothing changes when the run holds something unusual (a
   * parked key, a message that does not decode): its index is returned, and the caller
   * groups the clean run before it and takes it alone. 'fallback' when a handler failed:
   * the caller takes the messages one by one. An outage is returned as such.
   */
  private async processGroup(subscription: Subscription, topic: string, partition: number, messages: KafkaMessage[]): Promise<'applied' | 'fallback' | number | InfrastructureOutage> {
    const parks = subscription.parkOnDeadLetter ?? !subscription.raw;
    const envelopes: EventEnvelope[] = [];
    for (const [index, message] of messages.entries()) {
      const key = message.key?.toString() ?? '';
      if (parks && key && this.parkedKeys.has(key)) return index;
      try {
        envelopes.push(this.decode(subscription, message));
      } catch {
        return index;
      }
    }
    const outcomes: Outcome[] = [];
    const batchedNow: Record<string, number> = {};
    try {
      await this.options.dataSource.transaction(async (manager) => {
        const handled = envelopes.map((e) => this.hasHandler(e.eventType));
        const fresh = await this.claimInbox(manager, envelopes, handled);
        for (let i = 0; i < envelopes.length; ) {
          if (!handled[i]) {
            outcomes.push('ignored');
            i++;
            continue;
          }
          if (!fresh[i]) {
            outcomes.push('duplicate');
            i++;
            continue;
          }
          const eventType = envelopes[i].eventType;
          const batchHandler = this.getHandlerByPattern(batchPattern(eventType));
          if (batchHandler) {
            // The stretch of new events of this type; duplicates inside it are skipped, which keeps the order of what is applied.
            const stretch: EventEnvelope[] = [];
            let j = i;
            for (; j < envelopes.length && envelopes[j].eventType === eventType; j++) {
              if (fresh[j]) stretch.push(envelopes[j]);
              outcomes.push(fresh[j] ? 'processed' : 'duplicate');
            }
            const context = new EventBatchContext({ envelopes: stretch, manager, outbox: this.options.outbox, topic, partition });
            await lastValueFrom(this.transformToObservable(await batchHandler(stretch, context)), { defaultValue: undefined });
            batchedNow[eventType] = (batchedNow[eventType] ?? 0) + stretch.length;
            i = j;
            continue;
          }
          const envelope = envelopes[i];
          const handler = this.getHandlerByPattern(eventType)!;
          const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType, referralId: envelope.key };
          await RequestContext.run(log, async () => {
            const context = new EventContext({ envelope, manager, outbox: this.options.outbox, topic, partition, offset: messages[i].offset, attempt: 1 });
            await lastValueFrom(this.transformToObservable(await handler(envelope, context)), { defaultValue: undefined });
          });
          outcomes.push('processed');
          i++;
        }
      });
    } catch (error) {
      const outage = isPermanentError(error) ? null : infrastructureOutage(error);
      if (outage) return outage;
      this.options.logger.debug?.({ msg: 'group transaction failed; processing its messages one by one', size: messages.length, error: describeError(error) }, 'EventConsumer');
      return 'fallback';
    }
    outcomes.forEach((o) => this.count(o));
    for (const [type, n] of Object.entries(batchedNow)) this.batched[type] = (this.batched[type] ?? 0) + n;
    this.groupCommits++;
    return 'applied';
  }

  private hasHandler(eventType: string): boolean {
    return Boolean(this.getHandlerByPattern(eventType) ?? this.getHandlerByPattern(batchPattern(eventType)));
  }

  /**
   * Inbox rows of a group in one statement. Returns, per envelope, whether this is its
   * first delivery (false for one already processed, or repeated earlier in the group).
   */
  private async claimInbox(manager: EntityManager, envelopes: EventEnvelope[], handled: boolean[]): Promise<boolean[]> {
    const ids: string[] = [];
    const types: string[] = [];
    envelopes.forEach((e, i) => {
      if (!handled[i]) return;
      ids.push(e.eventId);
      types.push(e.eventType);
    });
    if (ids.length === 0) return envelopes.map(() => false);
    const rows: Array<{ event_id: string }> = await manager.query(
      `INSERT INTO inbox_event (consumer, event_id, event_type)
       SELECT $1, e.id, e.type FROM unnest($2::text[], $3::text[]) AS e(id, type)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.groupId, ids, types],
    );
    const claimed = new Set(rows.map((r) => r.event_id));
    return envelopes.map((e, i) => handled[i] && claimed.delete(e.eventId));
  }

  /**
   * Decides what one message becomes; never throws for a bad message. Returns 'abandoned'
   * when it had to stop waiting for a dependency (the partition was reassigned): the
   * message stays uncommitted for the next owner.
   */
  async processMessage(subscription: Subscription, topic: string, partition: number, message: KafkaMessage, lease: Lease = this.standaloneLease()): Promise<Outcome | typeof ABANDONED> {
    const key = message.key?.toString() ?? '';
    const parks = subscription.parkOnDeadLetter ?? !subscription.raw;
    if (parks && key && this.parkedKeys.has(key)) return this.count(await this.untilAvailable(lease, () => this.park(key, topic, partition, message)));

    let envelope: EventEnvelope;
    try {
      envelope = this.decode(subscription, message);
    } catch (error) {
      return this.count(await this.deadLetter(subscription, topic, partition, message, error, 1, 'contract-violation', lease));
    }

    const handler = this.getHandlerByPattern(envelope.eventType);
    if (!handler) return this.count('ignored');

    const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType: envelope.eventType, referralId: key };
    return RequestContext.run(log, async () => {
      let outageWaits = 0;
      for (let attempt = 1; ; ) {
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
          const permanent = isPermanentError(error);
          if (this.closing && !permanent) throw error; // leave it uncommitted for the next owner
          // A dependency that is down says nothing about the message: wait, without spending its attempts.
          const outage = permanent ? null : infrastructureOutage(error);
          if (outage) {
            if (!(await this.waitOutOutage(outage, ++outageWaits, lease))) return ABANDONED;
            continue;
          }
          outageWaits = 0;
          if (permanent || attempt >= this.options.maxAttempts) {
            return this.count(await this.deadLetter(subscription, topic, partition, message, error, attempt, permanent ? 'rejected' : 'retries-exhausted', lease));
          }
          const delay = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), 5000);
          this.options.logger.warn?.({ msg: 'event handling failed; retrying', attempt, delayMs: delay, error: describeError(error) }, 'EventConsumer');
          await new Promise((resolve) => setTimeout(resolve, delay));
          attempt++;
        }
      }
    });
  }

  /**
   * One pause while a dependency is down: capped exponential backoff, heartbeats so the
   * group keeps the partition, a warning naming the cause. False when the lease ended.
   */
  private async waitOutOutage(outage: InfrastructureOutage, waits: number, lease: Lease): Promise<boolean> {
    if (!lease.isActive()) return false;
    const delay = Math.min(this.options.retryBaseMs * 2 ** Math.min(waits - 1, 16), OUTAGE_MAX_DELAY_MS);
    this.options.logger.warn?.(
      { msg: 'a dependency is unavailable; waiting for it (the message is not failed)', dependency: outage.dependency, reason: outage.reason, waits, delayMs: delay },
      'EventConsumer',
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await lease.heartbeat();
    } catch (error) {
      // The broker itself may be what is down; a rebalance, though, ends this batch.
      if (!isInfrastructureOutage(error)) throw error;
    }
    return lease.isActive();
  }

  /** Runs `work` until it gets through an outage (dead letters, parking); other errors propagate. */
  private async untilAvailable<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    for (let waits = 1; ; waits++) {
      try {
        return await work();
      } catch (error) {
        const outage = infrastructureOutage(error);
        if (!outage || this.closing) throw error;
        if (!(await this.waitOutOutage(outage, waits, lease))) throw error;
      }
    }
  }

  /** Parked-message replays run outside any batch: only stopping ends their waits. */
  private standaloneLease(): Lease {
    return { heartbeat: async () => undefined, isActive: () => !this.closing };
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

  private async deadLetter(subscription: Subscription, topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number, reason: string, lease: Lease): Promise<Outcome> {
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
    await this.untilAvailable(lease, () =>
      this.options.producer.send({
        topic: this.options.deadLetterTopic,
        acks: -1,
        messages: [{ key, value: message.value, headers }],
      }),
    );
    this.options.logger.error({ msg: 'message dead-lettered', reason, attempts, topic, partition, offset: message.offset, error: describeError(error) }, 'EventConsumer');
    if ((subscription.parkOnDeadLetter ?? !subscription.raw) && key) {
      await this.untilAvailable(lease, () =>
        this.options.dataSource.query(
          'INSERT INTO parked_key (consumer, message_key, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [this.options.groupId, key, `${reason}: ${describeError(error)}`.slice(0, 1000)],
        ),
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
  async releaseParkedKey(key: string): Promise<Array<Outcome | typeof ABANDONED>> {
    const rows: Array<{ id: string; topic: string; kafka_partition: number; kafka_offset: string; headers: Record<string, string | null>; value: string | null }> =
      await this.options.dataSource.query(
        'SELECT id, topic, kafka_partition, kafka_offset, headers, value FROM parked_message WHERE consumer = $1 AND message_key = $2 ORDER BY topic, kafka_partition, kafka_offset::bigint',
        [this.options.groupId, key],
      );
    await this.options.dataSource.query('DELETE FROM parked_key WHERE consumer = $1 AND message_key = $2', [this.options.groupId, key]);
    this.parkedKeys.delete(key);
    const outcomes: Array<Outcome | typeof ABANDONED> = [];
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
