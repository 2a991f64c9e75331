import { DEAD_LETTER_TOPICS, HEADERS, TOPICS, type ReferralCreatedData } from '@ddp/contracts';
import { KAFKA_ADMIN, type RunningService } from '@ddp/platform';
import { anEncounter, EventTap, produceJson, startSecuredKafka, startTestService, testServiceEnv, type SecuredKafka } from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { referralService } from './referral.service-definition';

/** An encounter a few minutes ago (the assessment deadline is still ahead). */
const recently = () => new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The referral service on a secured broker of its own (SASL/SCRAM over TLS, ACLs), logged
 * in as its own principal through KAFKA_SECURITY_PROTOCOL and friends: a police system's
 * encounter becomes a ReferralCreated, a poison message a dead letter.
 */
describe('referral service on the secured broker (its own principal, SASL/SCRAM over TLS)', () => {
  let kafka: SecuredKafka;
  let service: RunningService;
  let tap: EventTap;
  let police: Producer;

  beforeAll(async () => {
    kafka = await startSecuredKafka();
    tap = await EventTap.start([TOPICS.referral, DEAD_LETTER_TOPICS.referral], kafka.client(KAFKA_ADMIN));
    police = kafka.client('police-systems').producer({ allowAutoTopicCreation: false });
    await police.connect();
    service = await startTestService(referralService(testServiceEnv('referral_secured_kafka', kafka.serviceEnv('referral'))));
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await police?.disconnect();
    await kafka?.stop();
  });

  it('consumes a police system encounter and publishes ReferralCreated through the secured broker', async () => {
    const encounter = anEncounter({ occurredAt: recently() });
    await produceJson(police, TOPICS.policeEncounters, encounter.encounterId, encounter, { [HEADERS.correlationId]: 'corr-secured-1' });
    const created = await tap.waitForEvent<ReferralCreatedData>('ReferralCreated', (e) => e.data.encounterId === encounter.encounterId);
    expect(created).toMatchObject({ producer: 'referral', correlationId: 'corr-secured-1', data: { encounterId: encounter.encounterId } });
  });

  it('dead-letters a poison message on its own dead-letter topic', async () => {
    await produceJson(police, TOPICS.policeEncounters, 'poison-secured', 'this is not JSON');
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && m.key === 'poison-secured', 'the dead letter');
    expect(dead.headers[HEADERS.dlqOriginalTopic]).toBe(TOPICS.policeEncounters);
  });
});
