import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ddp/contracts';
import { createKafka, type ServiceDefinition } from '@ddp/platform';
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { waitUntil } from './wait';

export const TEST_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export interface TappedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** Parsed JSON value (an envelope on platform topics), or null when not JSON. */
  value: unknown;
  raw: string | null;
}

/**
 * Listens to topics from the moment it is started (its own consumer group, so it sees
 * everything published afterwards) and lets a test wait for the messages it expects.
 */
export class EventTap {
  readonly messages: TappedMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /** `fromBeginning`: read what the topics already hold too (e.g. every dead letter of a private broker). */
  static async start(topics: string[], kafka: Kafka = createKafka(TEST_BROKERS, 'test-tap'), options: { fromBeginning?: boolean } = {}): Promise<EventTap> {
    const groupId = `test-tap-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    const tap = new EventTap(consumer);
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
    // The first completed fetch means the start offsets (the log end) are resolved:
    // from then on the tap sees everything published.
    let fetched = false;
    const remove = consumer.on(consumer.events.FETCH, () => {
      fetched = true;
      remove();
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const raw = message.value?.toString() ?? null;
        let value: unknown = null;
        try {
          value = raw === null ? null : JSON.parse(raw);
        } catch {
          value = null;
        }
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
        tap.messages.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers, value, raw });
      },
    });
    await waitUntil(() => fetched, 'the test tap to join its group and fetch', 30000, 20);
    return tap;
  }

  /** Envelopes of a type (optionally for one referral / key). */
  events<T = unknown>(eventType: string, key?: string): Array<EventEnvelope<T>> {
    return this.messages
      .map((m) => m.value as EventEnvelope<T>)
      .filter((e) => e && e.eventType === eventType && (key === undefined || e.key === key));
  }

  async waitForEvent<T = unknown>(eventType: string, match: (e: EventEnvelope<T>) => boolean = () => true, timeoutMs = 20000): Promise<EventEnvelope<T>> {
    return waitUntil(() => this.events<T>(eventType).find(match), `event ${eventType}`, timeoutMs, 25);
  }

  async waitForMessage(match: (m: TappedMessage) => boolean, what: string, timeoutMs = 20000): Promise<TappedMessage> {
    return waitUntil(() => this.messages.find(match), what, timeoutMs, 25);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** A plain producer for tests that play a police system or inject poison messages. */
export async function testProducer(kafka: Kafka = createKafka(TEST_BROKERS, 'test-producer')): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

export async function produceJson(producer: Producer, topic: string, key: string | null, value: unknown, headers: IHeaders = {}): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }] });
}

/**
 * Waits until a service's consumer group is Stable with `members` members. After a replica
 * leaves, the group rebalances; if the coordinator still counts a member that went away
 * without leaving cleanly, it waits for that member's session to time out (30 s) before
 * the remaining consumer gets its partitions back. A test that goes on before that sees
 * its events unconsumed for that long.
 */
export async function waitForStableGroup(definition: ServiceDefinition, members = 1, timeoutMs = 60_000): Promise<void> {
  if (!definition.consumer) return;
  const groupId = definition.consumer.groupId + definition.config.KAFKA_GROUP_SUFFIX;
  const admin = createKafka(definition.config.KAFKA_BROKERS, 'test-group-watch').admin();
  await admin.connect();
  try {
    await waitUntil(async () => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === members;
    }, `consumer group ${groupId} to be stable with ${members} member(s)`, timeoutMs, 200);
  } finally {
    await admin.disconnect();
  }
}
