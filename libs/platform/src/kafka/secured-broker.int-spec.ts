import { randomUUID } from 'node:crypto';
import { TOPIC_PARTITIONS } from '@ddp/contracts';
import { startSecuredKafka, type SecuredKafka } from '@ddp/testing';
import type { Kafka } from 'kafkajs';
import { KAFKA_ADMIN, KAFKA_PRINCIPALS } from './kafka-acls';

/**
 * The secured broker (KAFKA_SECURITY=sasl_ssl) of its own: nobody gets in without a SCRAM
 * login over TLS, and each principal of kafka-acls.ts can do exactly what its line says.
 */
describe('secured broker: SASL/SCRAM-SHA-512 over TLS with ACLs (a private broker)', () => {
  let kafka: SecuredKafka;
  const TOPICS = Object.keys(TOPIC_PARTITIONS);

  beforeAll(async () => {
    kafka = await startSecuredKafka();
    console.log(`secured broker first start (CA and certificate, format with SCRAM users, start, topics, ACLs): ${kafka.firstStartMs} ms`);
    // One message on every topic, so a principal that may read one has something to read.
    const producer = kafka.client(KAFKA_ADMIN).producer();
    await producer.connect();
    await producer.sendBatch({ acks: -1, topicMessages: TOPICS.map((topic) => ({ topic, messages: [{ key: 'probe', value: '{}' }] })) });
    await producer.disconnect();
    // The first group anyone joins creates __consumer_offsets: done here, not inside a probe.
    expect(await tryRead(kafka, KAFKA_ADMIN, TOPICS[0], `warm-up-${randomUUID()}`)).toBe('read');
  }, 120_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  it('refuses a client that does not log in, over TLS or in plaintext, for reading and for writing', async () => {
    for (const tls of [true, false]) {
      expect(await tryWrite(kafka.client(null, { tls }), 'police.encounters.v1')).toMatch(/Connection|closed|timeout/i);
      expect(await tryRead(kafka, null, 'police.encounters.v1', `referral-service-${randomUUID()}`, { tls })).toMatch(/Connection|closed|timeout/i);
    }
  });

  it('refuses a wrong password, and a user that does not exist', async () => {
    expect(await tryWrite(kafka.client('police-systems', { password: 'not-the-password' }), 'police.encounters.v1')).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(await tryRead(kafka, 'stranger', 'police.encounters.v1', 'stranger', { password: 'whatever' })).toMatch(/SASL SCRAM SHA512 authentication failed/);
  });

  it('lets each principal write exactly the topics of its line in the table', async () => {
    const actual: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const principal of KAFKA_PRINCIPALS) {
      const client = kafka.client(principal.name);
      const results = await Promise.all(TOPICS.map((topic) => tryWrite(client, topic)));
      actual[principal.name] = Object.fromEntries(TOPICS.map((topic, i) => [topic, results[i]]));
      expected[principal.name] = Object.fromEntries(TOPICS.map((topic) => [topic, principal.writes.includes(topic) ? 'written' : 'TOPIC_AUTHORIZATION_FAILED']));
    }
    expect(actual).toEqual(expected);
  }, 120_000);

  it('lets each principal read exactly the topics of its line, in its own consumer groups', async () => {
    const actual: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const principal of KAFKA_PRINCIPALS) {
      const group = `${principal.groupPrefix ?? principal.name}-probe-${randomUUID().slice(0, 8)}`;
      const results = await Promise.all(TOPICS.map((topic, i) => tryRead(kafka, principal.name, topic, `${group}-${i}`)));
      // Refused at the topic or, for a principal that may join no group, at the group.
      actual[principal.name] = Object.fromEntries(TOPICS.map((topic, i) => [topic, results[i].replace(/^(TOPIC|GROUP)_AUTHORIZATION_FAILED$/, 'refused')]));
      expected[principal.name] = Object.fromEntries(TOPICS.map((topic) => [topic, principal.reads.includes(topic) ? 'read' : 'refused']));
    }
    expect(actual).toEqual(expected);
  }, 180_000);

  it("refuses a principal another principal's consumer group", async () => {
    expect(await tryRead(kafka, 'provider-scheduling', 'diversion.referral.v1', `referral-service-${randomUUID()}`)).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(await tryRead(kafka, 'courts-systems', 'diversion.outcome.v1', `outcome-service-${randomUUID()}`)).toBe('GROUP_AUTHORIZATION_FAILED');
  });

  it('keeps creating topics and changing ACLs to the admin', async () => {
    const admin = kafka.client('referral').admin();
    await admin.connect();
    try {
      expect(await failure(admin.createTopics({ topics: [{ topic: `forged-${randomUUID()}`, numPartitions: 1 }] }))).toMatch(/AUTHORIZATION_FAILED/);
      expect(await failure(admin.createAcls({
        acl: [{ resourceType: 2, resourceName: 'police.encounters.v1', resourcePatternType: 3, principal: 'User:referral', host: '*', operation: 3, permissionType: 3 }],
      }))).toMatch(/CLUSTER_AUTHORIZATION_FAILED|SECURITY_DISABLED/);
    } finally {
      await admin.disconnect();
    }
  });
});

/** 'written', or the reason the broker gave (an authorization error's type). */
async function tryWrite(client: Kafka, topic: string): Promise<string> {
  const producer = client.producer({ allowAutoTopicCreation: false });
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'probe', value: '{}' }] });
    return 'written';
  } catch (error) {
    return reasonOf(error);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** 'read' once a message arrives, or the reason the broker gave. */
async function tryRead(kafka: SecuredKafka, user: string | null, topic: string, groupId: string, options: { tls?: boolean; password?: string } = {}): Promise<string> {
  const brokerErrors: string[] = [];
  const reason = (error: unknown) => {
    const given = reasonOf(error);
    return /Failed to find group coordinator/.test(given) && brokerErrors.includes('GROUP_AUTHORIZATION_FAILED') ? 'GROUP_AUTHORIZATION_FAILED' : given;
  };
  const consumer = kafka.client(user, { ...options, brokerErrors }).consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 3, initialRetryTime: 100, restartOnFailure: async () => false } });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(reason(payload.error)));
      consumer.run({ eachMessage: async () => resolve('read') }).catch((error) => resolve(reason(error)));
    });
  } catch (error) {
    return reason(error);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

async function failure(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
    return 'allowed';
  } catch (error) {
    return reasonOf(error);
  }
}

/** The protocol error's type where kafkajs has one (possibly wrapped), else the message. */
function reasonOf(error: unknown): string {
  const seen: unknown[] = [error];
  for (let i = 0; i < seen.length && i < 20; i++) {
    const e = seen[i] as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown[] } | undefined;
    if (!e) continue;
    if (typeof e.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED')) return e.type;
    seen.push(e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  const e = error as { type?: string; name?: string; message?: string };
  return e?.type ?? `${e?.name}: ${e?.message}`;
}
