import { randomUUID } from 'node:crypto';
import { createEnvelope, DEAD_LETTER_TOPICS, ReferralWithdrawn, TOPICS, type EventEnvelope } from '@ddp/contracts';
import { EventTap, queryDatabase, sleep, startTestService, TEST_BROKERS, testProducer, testServiceEnv, waitUntil } from '@ddp/testing';
import type { Admin, Producer } from 'kafkajs';
import { probeService } from '../../test/probe.service';
import { createKafka } from './kafka-client';
import type { RunningService } from '../bootstrap';

const withdrawn = (reasonCode: string): EventEnvelope => {
  const referralId = randomUUID();
  return createEnvelope(ReferralWithdrawn, { referralId, reasonCode, withdrawnBy: 'test', withdrawnAt: new Date().toISOString() }, {
    producer: 'referral', key: referralId, correlationId: randomUUID(), occurredAt: new Date(),
  });
};

describe('consumer offset commits against real Kafka (once per interval, at once after a dead-letter, on stop)', () => {
  const suffix = `-test-${randomUUID().slice(0, 8)}`;
  const groupId = `platform-probe${suffix}`;
  const env = (interval: number) => testServiceEnv('platform_commits', { KAFKA_GROUP_SUFFIX: suffix, CONSUMER_COMMIT_INTERVAL_MS: String(interval) });
  let service: RunningService | null = null;
  let tap: EventTap;
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    tap = await EventTap.start([DEAD_LETTER_TOPICS.outcome]);
    producer = await testProducer();
    admin = createKafka(TEST_BROKERS, 'offset-commits-test').admin();
    await admin.connect();
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  /** Sends to partition 0; returns the message's offset. */
  const send = async (event: EventEnvelope, value = JSON.stringify(event)): Promise<number> => {
    const [meta] = await producer.send({ topic: TOPICS.referral, acks: -1, messages: [{ key: event.key, value, partition: 0 }] });
    return Number(meta.baseOffset);
  };
  /** The group's committed offset of partition 0 (-1: none yet). */
  const committed = async (): Promise<number> => {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPICS.referral] });
    return Number(topic.partitions.find((p) => p.partition === 0)!.offset);
  };
  const applied = async (event: EventEnvelope) =>
    (await queryDatabase<{ n: number }>(env(0).DATABASE_URL, 'SELECT count(*)::int AS n FROM probe_effect WHERE event_id = $1', [event.eventId]))[0].n === 1;

  it('holds an applied event\'s offset until the interval ends, but commits a dead-letter at once', async () => {
    service = await startTestService(probeService(env(60_000)));
    const good = withdrawn('applied');
    const goodOffset = await send(good);
    await waitUntil(() => applied(good), 'the event applied');
    await sleep(500);
    expect(await committed()).toBeLessThanOrEqual(goodOffset);

    const poison = withdrawn('fail-permanent');
    const poisonOffset = await send(poison);
    await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === poison.key, 'the refused event dead-lettered');
    // Long before the 60 s interval: a restart must not dead-letter it a second time.
    await waitUntil(async () => (await committed()) === poisonOffset + 1, 'the dead-letter committed', 5000);
  });

  it('commits what it applied when it stops, so the next start reads none of it again', async () => {
    const last = withdrawn('before-stop');
    const lastOffset = await send(last);
    await waitUntil(() => applied(last), 'the event applied');
    expect(await committed()).toBeLessThanOrEqual(lastOffset);
    await service!.stop();
    service = null;
    expect(await committed()).toBe(lastOffset + 1);

    // The same group again, now committing every 200 ms: nothing is read twice, and a quiet
    // consumer's last offsets are committed by its timer, without another fetch.
    service = await startTestService(probeService(env(200)), { fresh: false });
    const next = withdrawn('after-restart');
    const nextOffset = await send(next);
    await waitUntil(() => applied(next), 'the event after the restart applied');
    await waitUntil(async () => (await committed()) === nextOffset + 1, 'the quiet consumer\'s offset committed', 5000);
    expect(service.consumer!.stats.duplicate).toBe(0);
  });
});
