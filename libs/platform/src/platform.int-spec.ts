import { randomUUID } from 'node:crypto';
import { createEnvelope, DEAD_LETTER_TOPICS, HEADERS, ReferralWithdrawn, TOPICS, type EventEnvelope } from '@ddp/contracts';
import { EventTap, produceJson, queryDatabase, startTestService, testProducer, testServiceEnv, waitUntil, sleep } from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { probeService } from '../test/probe.service';
import { Outbox, OutboxRelay, KAFKA_PRODUCER, OUTBOX_COLUMNS, type RunningService } from './index';

const withdrawn = (referralId: string, reasonCode: string): EventEnvelope =>
  createEnvelope(ReferralWithdrawn, { referralId, reasonCode, withdrawnBy: 'test', withdrawnAt: new Date().toISOString() }, {
    producer: 'referral', key: referralId, correlationId: randomUUID(), occurredAt: new Date(),
  });

describe('platform plumbing against real Kafka and Postgres', () => {
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;
  const env = testServiceEnv('platform_probe', { CONSUMER_MAX_ATTEMPTS: '3', CONSUMER_GROUP_SIZE: '50' });
  const db = env.DATABASE_URL;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.referral, DEAD_LETTER_TOPICS.outcome]);
    producer = await testProducer();
    service = await startTestService(probeService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const effects = async (referralId: string) =>
    queryDatabase<{ event_id: string; attempt: number }>(db, 'SELECT event_id, attempt FROM probe_effect WHERE referral_id = $1 ORDER BY id', [referralId]);

  it('applies an event once even when it is delivered twice (inbox)', async () => {
    const event = withdrawn(randomUUID(), 'duplicate-me');
    await produceJson(producer, TOPICS.referral, event.key, event);
    await produceJson(producer, TOPICS.referral, event.key, event);
    const marker = withdrawn(event.key, 'after-duplicate');
    await produceJson(producer, TOPICS.referral, marker.key, marker);
    await waitUntil(async () => (await effects(event.key)).length === 2, 'both distinct events applied');
    const rows = await effects(event.key);
    expect(rows.map((r) => r.event_id)).toEqual([event.eventId, marker.eventId]);
  });

  it('dead-letters a malformed message and goes on with the next one on the same partition', async () => {
    const poisonKey = randomUUID();
    const next = withdrawn(randomUUID(), 'after-poison');
    await producer.send({ topic: TOPICS.referral, messages: [{ key: poisonKey, value: '{"not": "an envelope"', partition: 0 }] });
    await producer.send({ topic: TOPICS.referral, messages: [{ key: next.key, value: JSON.stringify(next), partition: 0 }] });
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === poisonKey, 'the poison message on the DLQ');
    expect(dead.headers[HEADERS.dlqReason]).toBe('contract-violation');
    expect(dead.headers[HEADERS.dlqError]).toMatch(/not valid JSON/);
    expect(dead.headers[HEADERS.dlqOriginalTopic]).toBe(TOPICS.referral);
    expect(dead.raw).toBe('{"not": "an envelope"');
    await waitUntil(async () => (await effects(next.key)).length === 1, 'the next message processed');
  });

  it('dead-letters an envelope whose data breaks its contract, naming the field', async () => {
    const bad = { ...withdrawn(randomUUID(), 'x'), data: { referralId: 'r', reasonCode: 'NOT A CODE', withdrawnBy: 'x', withdrawnAt: 'yesterday' } };
    await produceJson(producer, TOPICS.referral, bad.key, bad);
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === bad.key, 'the invalid event on the DLQ');
    expect(dead.headers[HEADERS.dlqError]).toContain('data.reasonCode');
    expect(dead.headers[HEADERS.dlqError]).toContain('data.withdrawnAt');
    expect(await effects(bad.key)).toEqual([]);
  });

  it('takes a lone clean event through the batch handler (fewer round trips); a lone failing one goes to the per-event handler and its retries', async () => {
    const lone = withdrawn(randomUUID(), 'alone');
    await produceJson(producer, TOPICS.referral, lone.key, lone);
    await waitUntil(async () => (await effects(lone.key)).length === 1, 'the lone event applied');
    expect(await queryDatabase<{ via: string }>(db, 'SELECT via FROM probe_effect WHERE referral_id = $1', [lone.key])).toEqual([{ via: 'batch' }]);

    const failing = withdrawn(randomUUID(), 'fail-twice');
    await produceJson(producer, TOPICS.referral, failing.key, failing);
    await waitUntil(async () => (await effects(failing.key)).length === 1, 'the failing event applied on its third attempt');
    expect(await queryDatabase<{ via: string; attempt: number }>(db, 'SELECT via, attempt FROM probe_effect WHERE referral_id = $1', [failing.key])).toEqual([{ via: 'single', attempt: 3 }]);
  });

  it('retries a transient failure with backoff and applies the event once', async () => {
    const event = withdrawn(randomUUID(), 'fail-twice');
    await produceJson(producer, TOPICS.referral, event.key, event);
    await waitUntil(async () => (await effects(event.key)).length === 1, 'the event applied after retries');
    expect((await effects(event.key))[0].attempt).toBe(3);
  });

  it('dead-letters a permanent failure at once, and parks later events of that referral until released', async () => {
    const referralId = randomUUID();
    const refused = withdrawn(referralId, 'fail-permanent');
    const later = withdrawn(referralId, 'later-event');
    await produceJson(producer, TOPICS.referral, referralId, refused);
    await produceJson(producer, TOPICS.referral, referralId, later);
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === referralId, 'the refused event on the DLQ');
    expect(dead.headers[HEADERS.dlqAttempts]).toBe('1');
    expect(dead.headers[HEADERS.dlqReason]).toBe('rejected');
    await waitUntil(async () => (await queryDatabase(db, 'SELECT 1 FROM parked_message WHERE message_key = $1', [referralId])).length === 1, 'the later event parked');
    expect(await effects(referralId)).toEqual([]);

    const res = await fetch(`${service.url}/admin/parked/${referralId}/release`, { method: 'POST' });
    expect(await res.json()).toEqual({ key: referralId, outcomes: ['processed'] });
    expect((await effects(referralId)).map((r) => r.event_id)).toEqual([later.eventId]);
  });

  it('gives up on a failure that never clears after CONSUMER_MAX_ATTEMPTS and dead-letters it', async () => {
    const event = withdrawn(randomUUID(), 'fail-always');
    await produceJson(producer, TOPICS.referral, event.key, event);
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === event.key, 'the failing event on the DLQ');
    expect(dead.headers[HEADERS.dlqAttempts]).toBe('3');
    expect(dead.headers[HEADERS.dlqReason]).toBe('retries-exhausted');
    expect(dead.headers[HEADERS.eventType]).toBeUndefined(); // produced without headers by the test
  });

  it.each([
    ['data PostgreSQL cannot store (a NUL byte, SQLSTATE 22021)', 'fail-unstorable', /^QueryFailedError: SQLSTATE 22021 data exception/],
    ['data that breaks a constraint (NOT NULL, SQLSTATE 23502)', 'fail-not-null', /^QueryFailedError: SQLSTATE 23502 integrity constraint violation \(table probe_effect, column referral_id/],
  ])('dead-letters %s at once, by its SQLSTATE, with nothing of the data in the dead letter', async (_what, code, error) => {
    const event = withdrawn(randomUUID(), code);
    await produceJson(producer, TOPICS.referral, event.key, event);
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === event.key, 'the refused event on the DLQ');
    expect(dead.headers[HEADERS.dlqAttempts]).toBe('1');
    expect(dead.headers[HEADERS.dlqReason]).toBe('database-refused');
    expect(dead.headers[HEADERS.dlqError]).toMatch(error);
    expect(JSON.stringify(dead.headers)).not.toContain('Alex');
    expect(await effects(event.key)).toEqual([]);
  });

  it('retries a deadlock (SQLSTATE 40P01) and applies the event once', async () => {
    const event = withdrawn(randomUUID(), 'fail-deadlock-once');
    await produceJson(producer, TOPICS.referral, event.key, event);
    await waitUntil(async () => (await effects(event.key)).length === 1, 'the event applied after the deadlock');
    expect((await effects(event.key))[0].attempt).toBe(2);
  });

  it('refuses to stage an event that breaks its contract, so nothing half-written commits', async () => {
    const outbox = service.app.get(Outbox);
    const dataSource = service.app.get(DataSource);
    const before = await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM outbox_message');
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query("INSERT INTO probe_effect (event_id, referral_id, attempt) VALUES ('x', 'refused-produce', 0)");
        await outbox.publish(manager, ReferralWithdrawn, { referralId: '', reasonCode: 'ok', withdrawnBy: 'x', withdrawnAt: 'not a date' }, { key: 'k', correlationId: 'c' });
      }),
    ).rejects.toThrow(/data.referralId.*data.withdrawnAt|data.withdrawnAt.*data.referralId/);
    expect(await effects('refused-produce')).toEqual([]);
    expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM outbox_message')).toEqual(before);
  });

  it('applies a burst in grouped transactions; a refused event inside a group falls back to one-by-one', async () => {
    const groupedBefore = service.consumer!.groupedCommits;
    const burst = Array.from({ length: 120 }, (_, i) => withdrawn(randomUUID(), i === 60 ? 'fail-permanent' : `burst-${i}`));
    // One partition, one send: the consumer receives them as one batch and groups them.
    await producer.send({ topic: TOPICS.referral, messages: burst.map((e) => ({ key: e.key, value: JSON.stringify(e), partition: 3 })) });
    const keys = burst.map((e) => e.key);
    await waitUntil(
      async () => (await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM probe_effect WHERE referral_id = ANY($1)', [keys]))[0].n === 119,
      'the 119 good events applied',
    );
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === burst[60].key, 'the refused event dead-lettered');
    expect(dead.headers[HEADERS.dlqReason]).toBe('rejected');
    await sleep(300);
    const rows = await queryDatabase<{ event_id: string }>(db, 'SELECT event_id FROM probe_effect WHERE referral_id = ANY($1) ORDER BY id', [keys]);
    expect(rows.map((r) => r.event_id)).toEqual(burst.filter((_, i) => i !== 60).map((e) => e.eventId));
    expect(service.consumer!.groupedCommits).toBeGreaterThan(groupedBefore);
  });

  it('dead-letters a malformed message inside a burst alone: the runs before and after it are still applied as groups', async () => {
    const groupedBefore = service.consumer!.groupedCommits;
    const burst = Array.from({ length: 120 }, (_, i) => withdrawn(randomUUID(), `split-${i}`));
    const messages = burst.map((e) => ({ key: e.key, value: JSON.stringify(e), partition: 4 }));
    messages[60] = { key: burst[60].key, value: '{"not": "an envelope"', partition: 4 };
    await producer.send({ topic: TOPICS.referral, messages });
    const keys = burst.map((e) => e.key);
    await waitUntil(
      async () => (await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM probe_effect WHERE referral_id = ANY($1)', [keys]))[0].n === 119,
      'the 119 good events applied',
    );
    await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === burst[60].key, 'the malformed message dead-lettered');
    const rows = await queryDatabase<{ event_id: string }>(db, 'SELECT event_id FROM probe_effect WHERE referral_id = ANY($1) ORDER BY id', [keys]);
    expect(rows.map((r) => r.event_id)).toEqual(burst.filter((_, i) => i !== 60).map((e) => e.eventId));
    // Groups of 50: 0-49, 50-59 (the clean run before it), 61-110, 111-119; one by one only for message 60.
    expect(service.consumer!.groupedCommits - groupedBefore).toBeGreaterThanOrEqual(4);
  });

  it('dead-letters a run of malformed messages with one request and one offset commit, not one each, and goes on', async () => {
    const commitsBefore = service.consumer!.kafkaRequests.offsetCommits;
    const poisonKeys: string[] = Array.from({ length: 40 }, () => randomUUID());
    const next = withdrawn(randomUUID(), 'after-a-run-of-poison');
    await producer.send({
      topic: TOPICS.referral,
      messages: [...poisonKeys.map((key) => ({ key, value: `{"truncated": "${key}"`, partition: 2 })), { key: next.key, value: JSON.stringify(next), partition: 2 }],
    });
    await waitUntil(async () => (await effects(next.key)).length === 1, 'the event after the poison applied');
    await waitUntil(() => poisonKeys.every((key) => tap.messages.some((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === key)), 'every poison message dead-lettered');
    const dead = tap.messages.filter((m) => m.topic === DEAD_LETTER_TOPICS.outcome && poisonKeys.includes(m.key!));
    expect(dead.map((m) => m.key)).toEqual(poisonKeys);
    expect(new Set(dead.map((m) => m.headers[HEADERS.dlqReason]))).toEqual(new Set(['contract-violation']));
    // The poison arrives in one or a few fetches: a commit per run, not 40.
    expect(service.consumer!.kafkaRequests.offsetCommits - commitsBefore).toBeLessThan(10);
  });

  it('applies the batches of several partitions in shared transactions, each partition in order; a bad message still costs only itself', async () => {
    const sendAcrossPartitions = async (label: string, perPartition: number, reasonOf: (partition: number, i: number) => string, malformedAt?: [number, number]) => {
      const burst = Array.from({ length: 6 }, (_, partition) => Array.from({ length: perPartition }, (_, i) => withdrawn(randomUUID(), reasonOf(partition, i) || `${label}-${partition}-${i}`)));
      const messages = burst.flatMap((events, partition) => events.map((event, i) => ({
        key: event.key, partition, value: malformedAt && malformedAt[0] === partition && malformedAt[1] === i ? '{"not": "an envelope"' : JSON.stringify(event),
      })));
      await producer.send({ topic: TOPICS.referral, messages });
      return burst;
    };
    const appliedInOrder = async (burst: EventEnvelope[][], bad: EventEnvelope[]) => {
      const keys = burst.flat().map((e) => e.key);
      const expected = burst.flat().length - bad.length;
      await waitUntil(
        async () => (await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM probe_effect WHERE referral_id = ANY($1)', [keys]))[0].n === expected,
        `the ${expected} good events applied`,
      );
      for (const e of bad) await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.outcome && m.key === e.key, 'the bad message dead-lettered');
      await sleep(300);
      for (const events of burst) {
        const good = events.filter((e) => !bad.includes(e));
        const rows = await queryDatabase<{ event_id: string }>(db, 'SELECT event_id FROM probe_effect WHERE referral_id = ANY($1) ORDER BY id', [good.map((e) => e.key)]);
        expect(rows.map((r) => r.event_id)).toEqual(good.map((e) => e.eventId));
      }
    };

    // Clean heads of all six partitions go together; partition 5 stops at its malformed message, which is dead-lettered alone.
    const mergedBefore = service.consumer!.mergedGroupCommits;
    const kafkaBefore = { ...service.consumer!.kafkaRequests };
    const clean = await sendAcrossPartitions('merge', 20, () => '', [5, 7]);
    await appliedInOrder(clean, [clean[5][7]]);
    expect(service.consumer!.mergedGroupCommits).toBeGreaterThan(mergedBefore);
    // Offsets are committed once per interval and after the dead-letter, not per batch
    // (kafkajs' own per-batch commits made commits ≈ batches; offset-commits.int-spec.ts has the rest).
    const batches = service.consumer!.kafkaRequests.batches - kafkaBefore.batches;
    const commits = service.consumer!.kafkaRequests.offsetCommits - kafkaBefore.offsetCommits;
    expect(batches).toBeGreaterThanOrEqual(6);
    expect(commits * 2).toBeLessThanOrEqual(batches);

    // A handler that refuses an event inside a shared transaction: it is rolled back and each partition goes on alone.
    const refusing = await sendAcrossPartitions('refuse', 10, (partition, i) => (partition === 2 && i === 4 ? 'fail-permanent' : ''));
    await appliedInOrder(refusing, [refusing[2][4]]);
  });

  /** Stops the service's own relay (so a test drives one it controls) and stages `count` events of one referral. */
  const stageWithRelayStopped = async (count: number, label: string) => {
    const dataSource = service.app.get(DataSource);
    const outbox = service.app.get(Outbox);
    const referralId = randomUUID();
    await service.relay.stop();
    const staged: string[] = [];
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < count; i++) {
        const e = await outbox.publish(manager, ReferralWithdrawn, { referralId, reasonCode: `${label}-${i}`, withdrawnBy: 'relay-test', withdrawnAt: new Date().toISOString() }, { key: referralId, correlationId: 'relay-test' });
        staged.push(e.eventId);
      }
    });
    return { dataSource, referralId, staged };
  };

  it('survives Postgres dropping the relay\'s connection while it sends: nothing marked, the next pass sends again', async () => {
    const { dataSource, referralId, staged } = await stageWithRelayStopped(3, 'drop');
    const dropping = new OutboxRelay(dataSource, service.app.get(KAFKA_PRODUCER), {
      batchSize: 20, pollMs: 1000,
      // The relay's own connection is the one idle in its transaction now: Postgres ends it (as a restart would).
      afterSendBeforeMark: async () => {
        await queryDatabase(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()");
        await sleep(200); // the socket closes: the client emits 'error' while checked out
      },
    });
    await expect(dropping.relayOnce()).rejects.toThrow();
    expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL AND message_key = $1', [referralId])).toEqual([{ n: 3 }]);
    const again = new OutboxRelay(dataSource, service.app.get(KAFKA_PRODUCER), { batchSize: 20, pollMs: 1000 });
    expect(await again.flush()).toBeGreaterThanOrEqual(3);
    await waitUntil(async () => (await effects(referralId)).length === 3, 'all 3 applied once');
    expect((await effects(referralId)).map((r) => r.event_id)).toEqual(staged);
    service.relay.start();
  });

  it('sends rows staged close together with staged(withinMs) in one relay pass', async () => {
    const dataSource = service.app.get(DataSource);
    const outbox = service.app.get(Outbox);
    await service.relay.stop();
    const passes: number[] = [];
    const relay = new OutboxRelay(dataSource, service.app.get(KAFKA_PRODUCER), { batchSize: 20, pollMs: 60_000, afterSendBeforeMark: async (rows) => void passes.push(rows) }, undefined, outbox);
    relay.start();
    await sleep(300); // its first pass found nothing; the next poll is a minute away
    const referralId = randomUUID();
    for (let i = 0; i < 3; i++) {
      const e = outbox.envelope(ReferralWithdrawn, { referralId, reasonCode: `within-${i}`, withdrawnBy: 'relay-test', withdrawnAt: new Date().toISOString() }, { key: referralId, correlationId: 'relay-test' });
      await dataSource.query(`INSERT INTO outbox_message (${OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`, outbox.rowValues(ReferralWithdrawn.topic, e));
      outbox.staged(1000);
    }
    await waitUntil(async () => passes.length > 0, 'a relay pass');
    await sleep(1200);
    expect(passes).toEqual([3]);
    await relay.stop();
    service.relay.start();
  });

  it('publishes every outbox row after a relay crash between send and mark; consumers apply each once', async () => {
    // The service's own relay is stopped: this test drives one it can crash.
    const { dataSource, referralId, staged } = await stageWithRelayStopped(30, 'relay');
    let crashes = 0;
    const crashing = new OutboxRelay(dataSource, service.app.get(KAFKA_PRODUCER), {
      batchSize: 20, pollMs: 1000,
      afterSendBeforeMark: async () => {
        crashes++;
        throw new Error('relay crashed after sending');
      },
    });
    await expect(crashing.relayOnce()).rejects.toThrow('relay crashed');
    expect(crashes).toBe(1);
    expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL AND message_key = $1', [referralId])).toEqual([{ n: 30 }]);

    // The restarted relay sends everything and marks it.
    const restarted = new OutboxRelay(dataSource, service.app.get(KAFKA_PRODUCER), { batchSize: 20, pollMs: 1000 });
    expect(await restarted.flush()).toBeGreaterThanOrEqual(30);
    expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL')).toEqual([{ n: 0 }]);

    await waitUntil(() => new Set(tap.events('ReferralWithdrawn', referralId).map((e) => e.eventId)).size === 30, 'every staged event on Kafka');
    const onWire = tap.events('ReferralWithdrawn', referralId).map((e) => e.eventId);
    // At least once on the wire (the crashed batch went twice), in staged order per key...
    expect(onWire.length).toBe(50);
    expect([...new Set(onWire)]).toEqual(staged);
    // ...and exactly once in effect.
    await waitUntil(async () => (await effects(referralId)).length === 30, 'all 30 applied');
    await sleep(500);
    expect((await effects(referralId)).map((r) => r.event_id)).toEqual(staged);
  });
});
