import { randomUUID } from 'node:crypto';
import {
  AssessmentCompleted, AssessmentScheduled, CourseBooked, DiversionCompleted, TOPICS, type ReferralWithdrawnData,
} from '@ddp/contracts';
import { anEncounter, envelopeFor, EventTap, getJson, postJson, publishEvent, sendEnvelopes, startTestService, testProducer, testServiceEnv, waitUntil } from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { referralService } from '../referral.service-definition';

const recently = () => new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
const at = (minutesFromNow: number) => new Date(Date.now() + minutesFromNow * 60_000);

describe('referral reads, withdrawal and the internal contact endpoint (real Postgres and Kafka)', () => {
  const env = testServiceEnv('referral_reads', { INTERNAL_API_TOKEN: 'test-internal-token-123' });
  let service: RunningService;
  let producer: Producer;
  let tap: EventTap;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.referral]);
    producer = await testProducer();
    service = await startTestService(referralService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const refer = async (overrides: Parameters<typeof anEncounter>[0] = {}) => {
    const res = await postJson(`${service.url}/v1/encounters`, anEncounter({ occurredAt: recently(), area: 'reading', ...overrides }));
    expect(res.status).toBe(201);
    return res.body;
  };
  const view = async (id: string) => (await getJson(`${service.url}/v1/referrals/${id}`)).body;
  const withdraw = (id: string, body: unknown) => postJson(`${service.url}/v1/referrals/${id}/withdraw`, body);
  const contact = async (id: string, token?: string) => {
    const res = await fetch(`${service.url}/internal/v1/referrals/${id}/contact`, { headers: token ? { 'x-internal-token': token } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  describe('GET /v1/referrals/:id', () => {
    it('shows the referral with a timeline in the order things happened, whatever the order events arrived in', async () => {
      const answer = await refer();
      const id = answer.referralId;
      const appointmentId = randomUUID();
      const meta = (minutes: number) => ({ key: id, producer: 'provider-scheduling' as const, occurredAt: at(minutes) });
      // Arrival order: course booked, assessment completed, then the scheduling that came first.
      await publishEvent(producer, CourseBooked, {
        referralId: id, courseId: randomUUID(), providerId: 'druglink',
        sessions: [{ appointmentId: randomUUID(), startsAt: '2026-12-01T18:00:00Z', endsAt: '2026-12-01T21:00:00Z', modality: 'video' }],
      }, meta(3));
      await publishEvent(producer, AssessmentCompleted, { referralId: id, appointmentId, completedAt: at(2).toISOString(), recordedBy: 'druglink-staff-1' }, meta(2));
      await publishEvent(producer, AssessmentScheduled, {
        referralId: id, appointmentId, providerId: 'druglink', startsAt: '2026-11-22T18:30:00Z', endsAt: '2026-11-22T19:00:00Z', modality: 'phone',
        deadline: answer.assessmentDeadline.at,
      }, meta(1));
      await waitUntil(async () => (await view(id)).timeline.length === 4, 'four timeline entries');
      const body = await view(id);
      expect(body).toMatchObject({
        referralId: id, shortRef: answer.shortRef, decision: 'referred', status: 'on-course', area: 'reading', ageBand: 'adult', offenceType: 'possession',
        scheme: { id: 'thames-valley-adult-diversion-druglink' }, provider: { id: 'druglink' }, assessmentDeadline: answer.assessmentDeadline.at,
        reasons: [], withdrawal: null, nextSteps: answer.nextSteps,
      });
      expect(body.timeline.map((t: { eventType: string; status: string }) => [t.eventType, t.status])).toEqual([
        ['ReferralCreated', 'referred'],
        ['AssessmentScheduled', 'assessment-scheduled'],
        ['AssessmentCompleted', 'assessed'],
        ['CourseBooked', 'on-course'],
      ]);
      expect(body.timeline[1].summary).toBe('Assessment booked with Druglink adult drug diversion education programme for Sun 22 Nov 2026, 18:30 (phone).');
      expect(JSON.stringify(body)).not.toContain('Example'); // no family name in the read API
    });

    it('puts a burst of bookings on each timeline, applied in batches: statuses moved, a repeat and a stranger ignored', async () => {
      const answers: Array<{ referralId: string; assessmentDeadline: { at: string } }> = [];
      for (let i = 0; i < 12; i++) answers.push(await refer());
      const before = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.AssessmentScheduled ?? 0;
      const booking = (referralId: string) => envelopeFor(AssessmentScheduled, {
        referralId, appointmentId: randomUUID(), providerId: 'druglink', startsAt: '2026-11-22T18:30:00Z', endsAt: '2026-11-22T19:00:00Z', modality: 'phone',
        deadline: answers[0].assessmentDeadline.at,
      });
      const bookings = answers.map((a) => booking(a.referralId));
      const stranger = booking(randomUUID()); // a referral another deployment decided: not ours to show
      await sendEnvelopes(producer, TOPICS.scheduling, [...bookings, bookings[3], stranger]);
      for (const a of answers) {
        await waitUntil(async () => (await view(a.referralId)).status === 'assessment-scheduled', `referral ${a.referralId.slice(0, 8)} assessment-scheduled`);
        expect((await view(a.referralId)).timeline.map((t: { eventType: string }) => t.eventType)).toEqual(['ReferralCreated', 'AssessmentScheduled']);
      }
      expect((await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.AssessmentScheduled - before).toBeGreaterThan(6);
    });

    it('answers 404 with a clear message for an unknown id, and 400 for a malformed one', async () => {
      const unknown = randomUUID();
      expect(await getJson(`${service.url}/v1/referrals/${unknown}`)).toEqual({
        status: 404, body: { statusCode: 404, error: 'Not Found', code: 'referral-not-found', message: `No referral has the id ${unknown}.` },
      });
      const malformed = await getJson(`${service.url}/v1/referrals/not-a-uuid`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.issues).toEqual([{ path: 'id', rule: 'isUuid', message: 'id must be a UUID' }]);
    });
  });

  describe('GET /v1/referrals', () => {
    it('lists a person by personRef, finds a short reference as read back, and needs exactly one of them', async () => {
      const personRef = `PNC-${randomUUID().slice(0, 8)}`;
      const a = await refer({ person: { personRef } });
      const b = await postJson(`${service.url}/v1/encounters`, anEncounter({ occurredAt: recently(), person: { personRef }, indicators: { suspectedSupply: true } }));
      const list = await getJson(`${service.url}/v1/referrals?personRef=${personRef}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { referralId: string }) => i.referralId).sort()).toEqual([a.referralId, b.body.referralId].sort());
      expect((await getJson(`${service.url}/v1/referrals?personRef=nobody-${randomUUID().slice(0, 8)}`)).body).toEqual({ items: [] });

      const spoken = a.shortRef.toLowerCase().replace('-', ' ');
      const byRef = await getJson(`${service.url}/v1/referrals?shortRef=${encodeURIComponent(spoken)}`);
      expect(byRef.body.items.map((i: { referralId: string }) => i.referralId)).toEqual([a.referralId]);

      expect((await getJson(`${service.url}/v1/referrals`)).status).toBe(400);
      expect((await getJson(`${service.url}/v1/referrals?personRef=x&shortRef=y`)).status).toBe(400);
    });
  });

  describe('POST /v1/referrals/:id/withdraw', () => {
    it('withdraws a live referral once: ReferralWithdrawn published, status withdrawn; again is 409', async () => {
      const { referralId, shortRef } = await refer();
      const res = await withdraw(referralId, { reasonCode: 'referred-in-error', withdrawnBy: 'TV4172' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ referralId, shortRef, status: 'withdrawn', reasonCode: 'referred-in-error', withdrawnBy: 'TV4172' });
      const event = await tap.waitForEvent<ReferralWithdrawnData>('ReferralWithdrawn', (e) => e.key === referralId);
      expect(event.data).toEqual({ referralId, reasonCode: 'referred-in-error', withdrawnBy: 'TV4172', withdrawnAt: res.body.withdrawnAt });
      const body = await view(referralId);
      expect(body).toMatchObject({ status: 'withdrawn', withdrawal: { reasonCode: 'referred-in-error', withdrawnBy: 'TV4172' } });
      expect(body.timeline.at(-1)).toMatchObject({ eventType: 'ReferralWithdrawn', status: 'withdrawn' });

      const again = await withdraw(referralId, { reasonCode: 'duplicate', withdrawnBy: 'TV4172' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'referral-ended', message: `${shortRef} is already withdrawn, so it cannot be withdrawn.` });
    });

    it('lets only one of two simultaneous withdrawals through', async () => {
      const { referralId } = await refer();
      const results = await Promise.all([
        withdraw(referralId, { reasonCode: 'moved-out-of-area', withdrawnBy: 'a' }),
        withdraw(referralId, { reasonCode: 'evidential-issue', withdrawnBy: 'b' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      await tap.waitForEvent('ReferralWithdrawn', (e) => e.key === referralId);
      await new Promise((r) => setTimeout(r, 300));
      expect(tap.events('ReferralWithdrawn', referralId)).toHaveLength(1);
    });

    it('refuses an unknown reason (422), a completed referral (409), a decline (409), an unknown id (404) and a malformed body (400)', async () => {
      const { referralId } = await refer();
      const unknownReason = await withdraw(referralId, { reasonCode: 'changed-my-mind', withdrawnBy: 'x' });
      expect(unknownReason.status).toBe(422);
      expect(unknownReason.body.code).toBe('unknown-withdrawal-reason');
      expect(unknownReason.body.message).toContain('referred-in-error');

      await publishEvent(producer, DiversionCompleted, {
        referralId, personRef: 'p', schemeId: 'thames-valley-adult-diversion-druglink', area: 'reading', crimeOutcomeCode: 22, completedAt: new Date().toISOString(),
      }, { key: referralId, producer: 'outcome' });
      await waitUntil(async () => (await view(referralId)).status === 'completed', 'the referral completed');
      const completed = await withdraw(referralId, { reasonCode: 'duplicate', withdrawnBy: 'x' });
      expect(completed.status).toBe(409);
      expect(completed.body.message).toContain('already completed');

      const decline = await postJson(`${service.url}/v1/encounters`, anEncounter({ occurredAt: recently(), area: 'gotham' }));
      const declined = await withdraw(decline.body.referralId, { reasonCode: 'duplicate', withdrawnBy: 'x' });
      expect(declined.status).toBe(409);
      expect(declined.body.code).toBe('referral-declined');

      expect((await withdraw(randomUUID(), { reasonCode: 'duplicate', withdrawnBy: 'x' })).status).toBe(404);
      const malformed = await withdraw(referralId, { reasonCode: 'Not A Code' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['reasonCode', 'withdrawnBy']);
    });
  });

  describe('GET /internal/v1/referrals/:referralId/contact', () => {
    it('gives the notification service the minimum, only with the internal token', async () => {
      const { referralId, shortRef } = await refer({ person: { contact: { phone: '07700 900456', email: 'sam@example.test' } } });
      expect(await contact(referralId, 'test-internal-token-123')).toEqual({
        status: 200,
        body: {
          referralId, shortRef, givenName: 'Alex', contact: { phone: '07700 900456', email: 'sam@example.test' },
          officerCollarNumber: 'TV4172', area: 'reading', schemeId: 'thames-valley-adult-diversion-druglink', providerId: 'druglink', ageBand: 'adult',
        },
      });
      const missing = await contact(referralId);
      expect(missing.status).toBe(401);
      expect(missing.body.message).toContain('x-internal-token');
      expect((await contact(referralId, 'dev-internal-token')).status).toBe(401);
      expect((await contact('not-a-uuid')).status).toBe(401);
    });

    it('answers 404 for an unknown referral and for a decline (no details are kept for declines), 400 for a malformed id', async () => {
      expect((await contact(randomUUID(), 'test-internal-token-123')).status).toBe(404);
      const decline = await postJson(`${service.url}/v1/encounters`, anEncounter({ occurredAt: recently(), indicators: { suspectedSupply: true } }));
      const res = await contact(decline.body.referralId, 'test-internal-token-123');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('contact-not-found');
      expect((await contact('not-a-uuid', 'test-internal-token-123')).status).toBe(400);
    });
  });

  describe('POST /internal/v1/referrals/contacts', () => {
    const contacts = (body: unknown, token?: string) => postJson(`${service.url}/internal/v1/referrals/contacts`, body, token ? { 'x-internal-token': token } : {});

    it('answers several referrals with one request: those held in `contacts`, the rest in `missing`', async () => {
      const a = await refer({ person: { contact: { phone: '07700 900111', email: 'a@example.test' } } });
      const b = await refer({ person: { contact: { phone: '07700 900222', email: 'b@example.test' } } });
      const decline = await postJson(`${service.url}/v1/encounters`, anEncounter({ occurredAt: recently(), indicators: { suspectedSupply: true } }));
      const unknown = randomUUID();
      const res = await contacts({ referralIds: [a.referralId, unknown, b.referralId, decline.body.referralId, a.referralId] }, 'test-internal-token-123');
      expect(res.status).toBe(200);
      expect(res.body.contacts).toEqual([
        expect.objectContaining({ referralId: a.referralId, shortRef: a.shortRef, contact: { phone: '07700 900111', email: 'a@example.test' } }),
        expect.objectContaining({ referralId: b.referralId, shortRef: b.shortRef, contact: { phone: '07700 900222', email: 'b@example.test' } }),
      ]);
      expect(res.body.missing).toEqual([unknown, decline.body.referralId]);
      // The same view as the single look-up.
      expect(res.body.contacts[0]).toEqual((await contact(a.referralId, 'test-internal-token-123')).body);
    });

    it('asks for the internal token and names each broken rule of a malformed request', async () => {
      expect((await contacts({ referralIds: [randomUUID()] })).status).toBe(401);
      const empty = await contacts({ referralIds: [] }, 'test-internal-token-123');
      expect(empty.status).toBe(400);
      expect(empty.body.issues).toEqual([expect.objectContaining({ path: 'referralIds', rule: 'arrayMinSize' })]);
      const bad = await contacts({ referralIds: [randomUUID(), 'not-a-uuid'] }, 'test-internal-token-123');
      expect(bad.status).toBe(400);
      expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'referralIds', rule: 'isUuid' })]);
      const tooMany = await contacts({ referralIds: Array.from({ length: 101 }, () => randomUUID()) }, 'test-internal-token-123');
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.issues).toEqual([expect.objectContaining({ path: 'referralIds', rule: 'arrayMaxSize' })]);
    });
  });

  it('documents the API at /docs', async () => {
    const doc = await getJson(`${service.url}/docs-json`);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
      '/v1/encounters', '/v1/referrals', '/v1/referrals/{id}', '/v1/referrals/{id}/withdraw', '/internal/v1/referrals/{referralId}/contact', '/internal/v1/referrals/contacts',
    ]));
    const body = doc.body.paths['/v1/encounters'].post.requestBody.content['application/json'].schema;
    expect(body.required).toContain('encounterId');
    expect(body.properties.person.properties.dateOfBirth).toMatchObject({ type: 'string', format: 'date' });
    expect(doc.body.components.schemas.OfficerAnswerView.required).toEqual(expect.arrayContaining(['referralId', 'shortRef', 'decision', 'nextSteps']));
  });
});
