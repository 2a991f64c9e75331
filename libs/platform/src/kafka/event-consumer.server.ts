import type { LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isUtf8 } from 'node:buffer';
import { ContractViolation, HEADERS, parseEnvelope, parseJson, type EventEnvelope } from '@ddp/contracts';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock/clock';
import { describeError, describeErrorSafely, isPermanentError } from '../errors/errors';
import { infrastructureOutage, isInfrastructureOutage, type InfrastructureOutage } from '../errors/infrastructure-errors';
import { transactionWith } from '../database/transaction-with';
import { RequestContext } from '../logging/request-context';
import { LatencyWindow } from '../metrics/latency-window';
import type { Outbox } from '../outbox/outbox';
import { deadLetterOf, deadLetterReason, type Failure } from './dead-letters';
import { batchPattern, EventBatchContext, EventContext } from './event-context';
import { OffsetCommits } from './offset-commits';

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
   * Processed offsets wait up to this long to be committed (default 1 s; see OffsetCommits):
   * after a crash or rebalance that much is read again and skipped by the inbox.
   */
  offsetCommitIntervalMs?: number;
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

/** A partition's batch being applied: its messages from `next` on are still to do. */
interface PartitionRun {
  subscription: Subscription;
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  next: number;
  /** Messages whose wait (Kafka timestamp to processing) was recorded. */
  waitRecorded: number;
  lease: Lease;
  /** kafkajs' resolveOffset, and the offset noted for the next commit. */
  resolveOffset(offset: string): void;
  offsets: OffsetCommits;
}

/** One message of a group transaction, with where it came from. */
interface GroupEntry {
  subscription: Subscription;
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** A message left unhandled and uncommitted (its partition moved, or the consumer stops). */
const ABANDONED = 'abandoned' as const;

/** More than the partitions a service is assigned (6 per topic), so no batch of a fetch waits for a kafkajs worker. */
const KAFKAJS_WORKERS = 64;

/** Longest pause between two tries while a dependency is down (below the 10 s session timeout). */
const OUTAGE_MAX_DELAY_MS = 5000;
/** Longest wait for the batches in hand when the consumer closes. */
const CLOSE_WAIT_MS = 10_000;
/** Default of EventConsumerOptions.offsetCommitIntervalMs. */
const OFFSET_COMMIT_INTERVAL_MS = 1000;
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
  /** Group transactions that took the heads of several partitions at once (applyMerged). */
  private mergedCommits = 0;
  /** Non-empty batches kafkajs handed over, and offset commit requests that succeeded. */
  private readonly kafkaCounts = { batches: 0, offsetCommits: 0 };
  /** The running consumer's processed offsets, committed once per interval (OffsetCommits). */
  private commits: OffsetCommits | null = null;
  /** eachBatch calls in progress (close waits for them before the last commit). */
  private activeBatches = 0;
  /** Batches of a topic handed over by kafkajs in the same turn, waiting to be merged. */
  private readonly gathering = new Map<string, { runs: PartitionRun[]; done: Promise<void> }>();
  /** Envelopes already decoded (and validated) for a group, or null for a message that does not decode. */
  private readonly decoded = new WeakMap<KafkaMessage, EventEnvelope | null>();
  /** Handlers by pattern (see getHandlerByPattern). */
  private readonly handlerLookups = new Map<string, MessageHandler | null>();
  /** Partitions applied alone at the same time (partitionsConsumedConcurrently). */
  private readonly aloneSlots: Slots;
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
    this.aloneSlots = new Slots(options.partitionsConsumedConcurrently ?? 3);
  }

  get stats(): Readonly<Record<Outcome, number>> {
    return this.counters;
  }

  /** Transactions that applied a group of events at once (see groupSize). */
  get groupedCommits(): number {
    return this.groupCommits;
  }

  /** Group transactions that took the heads of several partitions' batches at once. */
  get mergedGroupCommits(): number {
    return this.mergedCommits;
  }

  /** Batches received and offset commits made (at most one per offsetCommitIntervalMs, and one after each dead-letter). */
  get kafkaRequests(): Readonly<{ batches: number; offsetCommits: number }> {
    return this.kafkaCounts;
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

  /**
   * Nest's lookup JSON-parses every pattern first, and an event type is not JSON: each call
   * built and threw a SyntaxError (with its stack), several times per event (1-2 % of a
   * service's CPU). Handlers are registered before the consumer starts, so each pattern is
   * looked up once; registering a handler forgets the answers.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    let handler = this.handlerLookups.get(pattern);
    if (handler === undefined) {
      handler = super.getHandlerByPattern(pattern) ?? null;
      this.handlerLookups.set(pattern, handler);
    }
    return handler;
  }

  override addHandler(...args: Parameters<Server['addHandler']>): void {
    this.handlerLookups.clear();
    super.addHandler(...args);
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
   * service stays not ready (/health/ready; its HTTP API already answers), instead of claiming readiness
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
    // Batches see `closing` and stop at their next message; what they finished is committed
    // while the consumer is still in its group, so the next start does not read it again.
    const waitUntil = Date.now() + CLOSE_WAIT_MS;
    while (this.activeBatches > 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.commits?.commitNow();
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
      // A member killed without leaving holds its partitions until this runs out, and a
      // restarted service joins only then (measured: 30 s with 30 s). Heartbeats go every 3 s
      // and after every merged round and outage pause, so 10 s is still three missed beats.
      sessionTimeout: 10000,
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
    const commits = new OffsetCommits(
      (offsets) => consumer.commitOffsets(offsets),
      this.options.offsetCommitIntervalMs ?? OFFSET_COMMIT_INTERVAL_MS,
      (error) => logger.warn?.({ msg: 'offset commit failed; trying again', error: describeError(error) }, 'EventConsumer'),
    );
    this.commits = commits;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
      commits.forget();
    });
    consumer.on(consumer.events.FETCH, () => {
      if (!joined || this.consumer !== consumer || this.consumerState === 'ready') return;
      this.consumerState = 'ready';
      this.restartAttempts = 0;
      this.readyWaiters.splice(0).forEach((resolve) => resolve());
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, () => {
      this.kafkaCounts.offsetCommits++;
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
        // Offsets are committed by OffsetCommits, once per interval, not after every fetch.
        autoCommit: false,
        // kafkajs hands every batch of a fetch over at once (gather merges them); how many
        // partitions are then applied alone at the same time is aloneSlots' business.
        partitionsConsumedConcurrently: KAFKAJS_WORKERS,
        eachBatch: async (payload) => {
          this.activeBatches++;
          try {
            await this.eachBatch(payload, commits);
          } finally {
            this.activeBatches--;
            commits.commitSoon();
          }
        },
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

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, offsets: OffsetCommits): Promise<void> {
    const subscription = this.options.subscriptions.find((s) => s.topic === batch.topic);
    if (!subscription) return;
    this.kafkaCounts.batches++;
    const run: PartitionRun = {
      subscription, topic: batch.topic, partition: batch.partition, messages: batch.messages, next: 0, waitRecorded: 0,
      lease: { heartbeat, isActive: () => isRunning() && !isStale() && !this.closing },
      resolveOffset: (offset) => {
        resolveOffset(offset);
        offsets.processed(batch.topic, batch.partition, offset);
      },
      offsets,
    };
    if (this.groupSize > 1) await this.gather(run);
    if (run.next >= run.messages.length) return;
    // What the merged rounds left is applied partition by partition, a few at a time.
    await this.aloneSlots.acquire();
    try {
      await this.applyAlone(run);
    } finally {
      this.aloneSlots.release();
    }
  }

  /**
   * Hands a partition's batch to the merged rounds of its topic. kafkajs hands over every
   * batch of a fetch at once (KAFKAJS_WORKERS): those that arrive
   * before the next turn of the event loop are applied together, so a fetch of six
   * partitions costs one transaction instead of six. Resolves when the rounds are over;
   * whatever they left (an unusual message and what follows it) the caller applies alone.
   */
  private gather(run: PartitionRun): Promise<void> {
    let pending = this.gathering.get(run.topic);
    if (!pending) {
      const runs: PartitionRun[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.gathering.delete(run.topic);
        return this.applyMerged(runs);
      });
      pending = { runs, done };
      this.gathering.set(run.topic, pending);
    }
    pending.runs.push(run);
    return pending.done;
  }

  /**
   * Rounds of one transaction each over the clean heads of several partitions' batches (at
   * most groupSize events in all; each partition's events keep their order). It stops as
   * soon as fewer than two partitions have a clean head, or a round does not apply (a
   * handler failed, a dependency is down): each partition then goes on alone, where the
   * usual grouping, retries, dead letters and outage waits apply.
   */
  private async applyMerged(runs: PartitionRun[]): Promise<void> {
    for (;;) {
      const taken: Array<{ run: PartitionRun; count: number }> = [];
      const entries: GroupEntry[] = [];
      let room = this.groupSize;
      for (const run of runs) {
        if (!run.lease.isActive()) continue;
        let count = 0;
        while (room > 0 && run.next + count < run.messages.length && this.isClean(run.subscription, run.messages[run.next + count])) {
          entries.push({ subscription: run.subscription, topic: run.topic, partition: run.partition, message: run.messages[run.next + count] });
          count++;
          room--;
        }
        if (count > 0) taken.push({ run, count });
      }
      if (taken.length < 2) return;
      const startedAt = Date.now();
      for (const { run, count } of taken) this.recordWaits(run, run.next + count, startedAt);
      const result = await this.processGroup(entries);
      if (result !== 'applied') return;
      this.mergedCommits++;
      for (const { run, count } of taken) {
        run.next += count;
        run.resolveOffset(run.messages[run.next - 1].offset);
      }
      for (const { run } of taken) await run.lease.heartbeat();
      this.applyTimes.add(Date.now() - startedAt);
    }
  }

  /** A partition's batch from `run.next` on: consecutive clean messages grouped, the rest one by one. */
  private async applyAlone(run: PartitionRun): Promise<void> {
    const { subscription, topic, partition, messages, lease } = run;
    while (run.next < messages.length) {
      if (!lease.isActive()) return;
      const startedAt = Date.now();
      // A run of messages that do not decode costs one dead-letter request and one commit, not one each.
      const poison = this.undecodableRun(subscription, messages, run.next);
      if (poison.length > 0) {
        this.recordWaits(run, run.next + poison.length, startedAt);
        await this.deadLetter(subscription, topic, partition, poison, lease);
        poison.forEach(() => this.count('dead-lettered'));
        run.resolveOffset(poison[poison.length - 1].message.offset);
        await run.offsets.commitNow();
        await lease.heartbeat();
        run.next += poison.length;
        continue;
      }
      let chunk = messages.slice(run.next, run.next + this.groupSize);
      this.recordWaits(run, run.next + chunk.length, startedAt);
      let grouped = false;
      // A lone clean message goes the group way too: a service's batch handler takes it in a
      // few set-based statements, fewer round trips than its per-event handler (a booking at
      // 10 encounters/s: ~11 → 8 Postgres round trips). If it fails there, it is taken alone
      // with the usual retries.
      while (!grouped && (chunk.length > 1 || this.isClean(subscription, chunk[0]))) {
        const result = await this.applyGroup(subscription, topic, partition, chunk, lease);
        if (result === ABANDONED) return;
        if (result === 'applied') grouped = true;
        else if (typeof result === 'number') chunk = chunk.slice(0, Math.max(1, result)); // the clean run before an unusual message, or that message alone
        else break; // a handler failed: one by one
      }
      if (!grouped) {
        for (const message of chunk) {
          if (!lease.isActive()) return;
          const outcome = await this.processMessage(subscription, topic, partition, message, lease);
          if (outcome === ABANDONED) return;
          run.resolveOffset(message.offset);
          // A redelivered dead-letter would be sent again (the inbox does not cover it): commit now.
          if (outcome === 'dead-lettered') await run.offsets.commitNow();
          await lease.heartbeat();
        }
      } else {
        run.resolveOffset(chunk[chunk.length - 1].offset);
        await lease.heartbeat();
      }
      run.next += chunk.length;
      this.applyTimes.add(Date.now() - startedAt);
    }
  }

  /**
   * The consecutive messages from `from` on (at most groupSize) that do not decode, each
   * with its contract violation. A message whose key is parked is not one of them: it is parked.
   */
  private undecodableRun(subscription: Subscription, messages: KafkaMessage[], from: number): Failure[] {
    const failures: Failure[] = [];
    for (let i = from; i < messages.length && failures.length < this.groupSize; i++) {
      const message = messages[i];
      if (this.isClean(subscription, message) || this.decoded.get(message) !== null) break;
      try {
        this.decode(subscription, message);
        break; // decodes after all (cannot happen: decoding is deterministic); processed the usual way
      } catch (error) {
        failures.push({ message, error, attempts: 1, reason: 'contract-violation' });
      }
    }
    return failures;
  }

  /** From each message's Kafka timestamp to `startedAt`, once per message (up to index `upTo`). */
  private recordWaits(run: PartitionRun, upTo: number, startedAt: number): void {
    for (; run.waitRecorded < upTo; run.waitRecorded++) this.waitTimes.add(startedAt - Number(run.messages[run.waitRecorded].timestamp));
  }

  private get groupSize(): number {
    return Math.max(1, this.options.groupSize ?? 1);
  }

  /** processGroup, waiting out an outage of a dependency (then the whole group is tried again: one by one would be slower and no safer). */
  private async applyGroup(subscription: Subscription, topic: string, partition: number, chunk: KafkaMessage[], lease: Lease): Promise<'applied' | 'fallback' | number | typeof ABANDONED> {
    for (let outageWaits = 1; ; outageWaits++) {
      const result = await this.processGroup(chunk.map((message) => ({ subscription, topic, partition, message })));
      if (typeof result !== 'object') return result;
      if (!(await this.waitOutOutage(result, outageWaits, lease))) return ABANDONED;
    }
  }

  /**
   * Applies a run of messages in one transaction: one inbox statement for the run, then
   * each consecutive stretch of one event type (and topic) through its batch handler if the
   * service has one, else event by event. The run is one partition's, or the clean heads of
   * several partitions of a topic (applyMerged). Nothing changes when the run holds
   * something unusual (a parked key, a message that does not decode): its index is
   * returned, and the caller groups the clean run before it and takes it alone. 'fallback'
   * when a handler failed: the caller takes the messages one by one. An outage is returned as such.
   */
  private async processGroup(entries: GroupEntry[]): Promise<'applied' | 'fallback' | number | InfrastructureOutage> {
    const envelopes: EventEnvelope[] = [];
    for (const [index, { subscription, message }] of entries.entries()) {
      const envelope = this.isClean(subscription, message) ? this.decoded.get(message) : null;
      if (!envelope) return index;
      envelopes.push(envelope);
    }
    const outcomes: Outcome[] = [];
    const batchedNow: Record<string, number> = {};
    try {
      const handled = envelopes.map((e) => this.hasHandler(e.eventType));
      await this.inTransactionClaiming(envelopes.filter((_, i) => handled[i]), async (manager, claimed) => {
        const fresh = envelopes.map((e, i) => handled[i] && claimed.delete(e.eventId));
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
          const { topic, partition } = entries[i];
          const batchHandler = this.getHandlerByPattern(batchPattern(eventType));
          if (batchHandler) {
            // The stretch of new events of this type; duplicates inside it are skipped, which keeps the order of what is applied.
            const stretch: EventEnvelope[] = [];
            const partitions = new Set<number>();
            let j = i;
            for (; j < envelopes.length && envelopes[j].eventType === eventType && entries[j].topic === topic; j++) {
              if (fresh[j]) stretch.push(envelopes[j]);
              partitions.add(entries[j].partition);
              outcomes.push(fresh[j] ? 'processed' : 'duplicate');
            }
            const context = new EventBatchContext({ envelopes: stretch, manager, outbox: this.options.outbox, topic, partitions: [...partitions] });
            await lastValueFrom(this.transformToObservable(await batchHandler(stretch, context)), { defaultValue: undefined });
            batchedNow[eventType] = (batchedNow[eventType] ?? 0) + stretch.length;
            i = j;
            continue;
          }
          const envelope = envelopes[i];
          const handler = this.getHandlerByPattern(eventType)!;
          const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType, referralId: envelope.key };
          await RequestContext.run(log, async () => {
            const context = new EventContext({ envelope, manager, outbox: this.options.outbox, topic, partition, offset: entries[i].message.offset, attempt: 1 });
            await lastValueFrom(this.transformToObservable(await handler(envelope, context)), { defaultValue: undefined });
          });
          outcomes.push('processed');
          i++;
        }
      });
    } catch (error) {
      const outage = isPermanentError(error) ? null : infrastructureOutage(error);
      if (outage) return outage;
      this.options.logger.debug?.({ msg: 'group transaction failed; processing its messages one by one', size: entries.length, error: describeErrorSafely(error) }, 'EventConsumer');
      return 'fallback';
    }
    outcomes.forEach((o) => this.count(o));
    for (const [type, n] of Object.entries(batchedNow)) this.batched[type] = (this.batched[type] ?? 0) + n;
    this.groupCommits++;
    return 'applied';
  }

  /**
   * Whether a message can go into a group: it decodes (the envelope is kept for processGroup,
   * so it is validated once) and its key is not parked.
   */
  private isClean(subscription: Subscription, message: KafkaMessage): boolean {
    const key = message.key?.toString() ?? '';
    if ((subscription.parkOnDeadLetter ?? !subscription.raw) && key && this.parkedKeys.has(key)) return false;
    if (!this.decoded.has(message)) {
      try {
        this.decoded.set(message, this.decode(subscription, message));
      } catch {
        this.decoded.set(message, null);
      }
    }
    return this.decoded.get(message) !== null;
  }

  private hasHandler(eventType: string): boolean {
    return Boolean(this.getHandlerByPattern(eventType) ?? this.getHandlerByPattern(batchPattern(eventType)));
  }

  /**
   * A transaction that starts by claiming `envelopes` in the inbox (one statement for all), in
   * the same round trip as its START TRANSACTION (transactionWith). `work` gets the event ids
   * new to this consumer; the others were applied before (a redelivery). An id repeated within
   * the group is in the set once: callers take it out at its first use.
   */
  private inTransactionClaiming<T>(envelopes: EventEnvelope[], work: (manager: EntityManager, claimed: Set<string>) => Promise<T>): Promise<T> {
    if (envelopes.length === 0) return this.options.dataSource.transaction((manager) => work(manager, new Set()));
    return transactionWith(
      this.options.dataSource,
      (literal) => `INSERT INTO inbox_event (consumer, event_id, event_type)
        SELECT ${literal(this.options.groupId)}, e.id, e.type
          FROM unnest(ARRAY[${envelopes.map((e) => literal(e.eventId)).join(', ')}]::text[], ARRAY[${envelopes.map((e) => literal(e.eventType)).join(', ')}]::text[]) AS e(id, type)
        ON CONFLICT DO NOTHING RETURNING event_id`,
      (manager, rows) => work(manager, new Set(rows.map((r) => String(r.event_id)))),
      this.options.outbox,
    );
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
      envelope = this.decoded.get(message) ?? this.decode(subscription, message);
    } catch (error) {
      return this.count(await this.deadLetter(subscription, topic, partition, [{ message, error, attempts: 1, reason: 'contract-violation' }], lease));
    }

    const handler = this.getHandlerByPattern(envelope.eventType);
    if (!handler) return this.count('ignored');

    const log = { correlationId: envelope.correlationId, eventId: envelope.eventId, eventType: envelope.eventType, referralId: key };
    return RequestContext.run(log, async () => {
      let outageWaits = 0;
      for (let attempt = 1; ; ) {
        try {
          const outcome = await this.inTransactionClaiming([envelope], async (manager, claimed) => {
            if (!claimed.has(envelope.eventId)) return 'duplicate' as const;
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
            return this.count(await this.deadLetter(subscription, topic, partition, [{ message, error, attempts: attempt, reason: deadLetterReason(error, permanent) }], lease));
          }
          const delay = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), 5000);
          this.options.logger.warn?.({ msg: 'event handling failed; retrying', attempt, delayMs: delay, error: describeErrorSafely(error) }, 'EventConsumer');
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
    const subject = subscription.raw ? `message on ${subscription.topic}` : 'event envelope';
    // Read as UTF-8 regardless, bytes that are not would become U+FFFD and the message be taken altered.
    if (message.value && !isUtf8(message.value)) throw new ContractViolation(subject, [{ path: '(root)', rule: 'isUtf8', message: 'message is not UTF-8 text' }]);
    const json = parseJson(message.value, subject);
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

  /**
   * Sends the dead letters of `failures` (one partition's, in order) in one request, then
   * parks their keys where the subscription holds back a dead-lettered key's later events.
   */
  private async deadLetter(subscription: Subscription, topic: string, partition: number, failures: Failure[], lease: Lease): Promise<Outcome> {
    const from = { consumer: this.options.groupId, topic, partition, failedAt: this.options.clock.now() };
    // Sent straight to Kafka, not via the outbox: the database may be what failed.
    await this.untilAvailable(lease, () =>
      this.options.producer.send({ topic: this.options.deadLetterTopic, acks: -1, messages: failures.map((f) => deadLetterOf(f, from)) }),
    );
    for (const { message, error, attempts, reason } of failures) {
      this.options.logger.error({ msg: 'message dead-lettered', reason, attempts, topic, partition, offset: message.offset, error: describeErrorSafely(error) }, 'EventConsumer');
      const key = message.key?.toString() ?? null;
      if ((subscription.parkOnDeadLetter ?? !subscription.raw) && key) await this.parkKey(key, `${reason}: ${describeErrorSafely(error)}`, topic, partition, message, lease);
    }
    return 'dead-lettered';
  }

  private async parkKey(key: string, why: string, topic: string, partition: number, message: KafkaMessage, lease: Lease): Promise<void> {
    try {
      await this.untilAvailable(lease, () =>
        this.options.dataSource.query('INSERT INTO parked_key (consumer, message_key, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [this.options.groupId, key, why.slice(0, 1000)]),
      );
      this.parkedKeys.add(key);
    } catch (parkError) {
      // A key the database cannot store (a NUL byte) would fail the same way on every
      // redelivery and stall the partition: its later messages are not held back instead.
      if (!isPermanentError(parkError)) throw parkError;
      this.options.logger.warn?.({ msg: 'dead-lettered message key cannot be parked; later messages with it are not held back', topic, partition, offset: message.offset, error: describeErrorSafely(parkError) }, 'EventConsumer');
    }
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

/** A counting semaphore: at most `size` holders at once, the others wait in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0]?.toString() : value.toString();
}
