import { TOPICS } from '@ddp/contracts';
import { EventTap, anEncounter, comingMondayAtTen, produceJson, postJson, startStack, testProducer, type RunningStack } from '@ddp/testing';
import type { Producer } from 'kafkajs';

// One thin slice through all four running services, over the real broker, databases and Redis.
describe('walking skeleton: an encounter crosses all four services', () => {
  let stack: RunningStack;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    // Bookings fall at the services' "now": a weekday morning, whatever the day it runs (see comingMondayAtTen).
    stack = await startStack({ name: 'skeleton', startAt: comingMondayAtTen() });
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling, TOPICS.outcome, TOPICS.notification]);
    producer = await testProducer();
  }, 180000);

  afterAll(async () => {
    await tap?.stop();
    await producer?.disconnect();
    await stack?.stop();
  });

  async function followThrough(referralId: string) {
    const created = await tap.waitForEvent('ReferralCreated', (e) => e.key === referralId);
    const scheduled = await tap.waitForEvent('AssessmentScheduled', (e) => e.key === referralId);
    const notified = await tap.waitForMessage((m) => m.topic === TOPICS.notification && m.key === referralId, `a notification event for ${referralId}`, 30000);
    return { created, scheduled, notified };
  }

  it('HTTP intake: ReferralCreated → AssessmentScheduled → a notification, with one correlation id', async () => {
    const encounter = anEncounter({ occurredAt: stack.now().toISOString() });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter, { 'x-correlation-id': `corr-${encounter.encounterId}` });
    expect([200, 201]).toContain(answer.status);
    const referralId: string = answer.body.referralId;
    expect(referralId).toBeDefined();

    const { created, scheduled, notified } = await followThrough(referralId);
    expect(scheduled.causationId).toBe(created.eventId);
    expect(created.correlationId).toBe(`corr-${encounter.encounterId}`);
    expect(scheduled.correlationId).toBe(created.correlationId);
    expect((notified.value as { correlationId: string }).correlationId).toBe(created.correlationId);
    // Events never carry names or contact details.
    for (const m of tap.messages.filter((x) => x.key === referralId)) {
      expect(m.raw).not.toContain(encounter.person.familyName);
      expect(m.raw).not.toContain(encounter.person.contact!.email!);
    }
  });

  it('every service reports itself ready with its database, Redis, Kafka and outbox', async () => {
    for (const url of Object.values(stack.urls)) {
      const res = await fetch(`${url}/health/ready`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(Object.keys(body.components).sort()).toEqual(['database', 'kafka', 'outbox', 'redis']);
      expect(Object.values(body.components).every((c: any) => c.status === 'ok')).toBe(true);
    }
  });

  it('puts the event type in a Kafka header and the referral id in the key', async () => {
    const encounter = anEncounter({ occurredAt: stack.now().toISOString() });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    const message = await tap.waitForMessage((m) => m.key === answer.body.referralId && m.topic === TOPICS.referral, 'the referral event');
    expect(message.headers['event-type']).toBe((message.value as { eventType: string }).eventType);
    expect((message.value as { key: string }).key).toBe(answer.body.referralId);
  });

  it('shuts down gracefully on SIGTERM (exit 0) and carries on after a restart', async () => {
    await stack.restart('provider-scheduling');
    expect(stack.lastExit['provider-scheduling']).toEqual({ code: 0, signal: null });
    expect(stack.logs['provider-scheduling'].some((l) => l.includes('received SIGTERM; shutting down'))).toBe(true);
    const encounter = anEncounter({ occurredAt: stack.now().toISOString() });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    await followThrough(answer.body.referralId);
  });

  it('Kafka intake: an encounter produced by a police system takes the same path', async () => {
    const encounter = anEncounter({ occurredAt: stack.now().toISOString() });
    await produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter);
    const created = await tap.waitForEvent<{ encounterId: string }>('ReferralCreated', (e) => e.data.encounterId === encounter.encounterId);
    await followThrough(created.key);
  });
});
