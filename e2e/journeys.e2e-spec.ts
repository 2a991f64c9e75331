import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_TOPICS, TOPICS } from '@ddp/contracts';
import { EventTap, anEncounter, comingMondayAtTen, getJson, postJson, produceJson, sleep, startStack, testProducer, type RunningStack } from '@ddp/testing';
import type { Producer } from 'kafkajs';

// Whole journeys through the four running services, over HTTP and Kafka only.
// One stack for the file; the services' clocks are moved forward together, so every
// encounter is dated at the services' current time (read from GET /admin/clock). Journey 4
// alone runs in 2019 (a scheme no longer in force) and puts the clocks back when it ends.
describe('journeys', () => {
  let stack: RunningStack;
  let tap: EventTap;
  let producer: Producer;
  const ACTOR = { 'x-actor-id': 'caseworker-e2e' };

  beforeAll(async () => {
    // The journeys book at the services' "now": they start on the coming Monday at 10:00 (see comingMondayAtTen).
    stack = await startStack({ name: 'journeys', startAt: comingMondayAtTen() });
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling, TOPICS.outcome, DEAD_LETTER_TOPICS.referral]);
    producer = await testProducer();
    await warmUp();
    // Four cold starts in sequence (each ready once its consumer is assigned) on a shared 2-core machine.
  }, 480000);

  /**
   * A service reports ready once its consumer has fetched, or after 30 s whatever happened;
   * with KAFKA_NEW_GROUP_START=latest a message published before its group has joined is
   * never seen. So before the journeys: encounters (Kafka, then HTTP) until this stack's
   * referral consumer, the scheduling service and the outcome service all answer.
   */
  async function warmUp(): Promise<void> {
    const until = Date.now() + 120000;
    const live = async (attempt: () => Promise<boolean>, what: string) => {
      while (Date.now() < until) if (await attempt()) return;
      throw new Error(`warm-up: ${what} never answered`);
    };
    await live(async () => {
      const encounter = anEncounter({ occurredAt: new Date((await clockNow()).getTime() - 60_000).toISOString(), area: 'reading', person: person('1980-01-01') });
      await produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter);
      for (const stop = Date.now() + 15000; Date.now() < stop; await sleep(200)) {
        const mine = await getJson(`${stack.urls.referral}/v1/referrals?personRef=${encodeURIComponent(encounter.person.personRef)}`);
        const rows = Array.isArray(mine.body) ? mine.body : (mine.body?.items ?? mine.body?.referrals ?? []);
        if (mine.status === 200 && rows.length > 0) return true;
      }
      return false;
    }, 'the referral consumer');
    await live(async () => {
      const encounter = anEncounter({ occurredAt: new Date((await clockNow()).getTime() - 60_000).toISOString(), area: 'reading', person: person('1980-01-01') });
      const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
      const referralId: string = answer.body.referralId;
      for (const stop = Date.now() + 15000; Date.now() < stop; await sleep(200)) {
        const compliance = await getJson(`${stack.urls.outcome}/v1/referrals/${referralId}/compliance`);
        if (tap.events('AssessmentScheduled', referralId).length > 0 && compliance.status === 200) return true;
      }
      return false;
    }, 'the scheduling and outcome consumers');
  }

  afterAll(async () => {
    await tap?.stop();
    await producer?.disconnect();
    await stack?.stop();
  });

  async function clockNow(): Promise<Date> {
    const res = await getJson(`${stack.urls.referral}/admin/clock`);
    return new Date(res.body.now);
  }

  /** Moves every service's clock to `at` (never backwards). */
  async function advanceTo(at: Date): Promise<void> {
    const now = await clockNow();
    const ms = at.getTime() - now.getTime();
    if (ms > 0) await stack.advanceClock(ms);
  }

  const person = (dateOfBirth: string) => {
    const id = randomUUID().slice(0, 8);
    return { personRef: `PNC-J-${id}`, dateOfBirth };
  };

  async function refer(overrides: Parameters<typeof anEncounter>[0]) {
    const now = await clockNow();
    const encounter = anEncounter({ occurredAt: new Date(now.getTime() - 60_000).toISOString(), ...overrides });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    expect(answer.status).toBe(201);
    return { encounter, answer: answer.body };
  }

  /** Next Mon, Tue, Thu or Fri at 10:00 UTC (= UK time in winter) at least a day after `from`: inside every provider's hours (youth services open Wednesdays only from 15:30). */
  function nextWeekdayTen(from: Date): Date {
    const d = new Date(from.getTime() + 24 * 3600_000);
    d.setUTCHours(10, 0, 0, 0);
    while ([0, 3, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
    return d;
  }

  async function assessmentScheduled(referralId: string) {
    try {
      const scheduled = await tap.waitForEvent<{ appointmentId: string; providerId: string; startsAt: string; endsAt: string }>('AssessmentScheduled', (e) => e.key === referralId, 30000);
      return scheduled.data;
    } catch (err) {
      const seen = tap.messages.filter((m) => m.key === referralId).map((m) => m.raw);
      throw new Error(`${String(err)}; events seen for ${referralId}: ${JSON.stringify(seen)}; scheduling logs: ${stack.logs['provider-scheduling'].slice(-15).join('\n')}`);
    }
  }

  async function completeAssessment(referralId: string) {
    const appt = await assessmentScheduled(referralId);
    await advanceTo(new Date(new Date(appt.startsAt).getTime() + 5 * 60_000));
    const res = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${appt.providerId}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'Agreed to attend the course.' }, ACTOR);
    expect([200, 201]).toContain(res.status);
    await tap.waitForEvent('AssessmentCompleted', (e) => e.key === referralId, 30000);
    return appt;
  }

  async function completeCourse(referralId: string, providerId: string) {
    const startsAt = nextWeekdayTen(await clockNow());
    const booked = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${providerId}/referrals/${referralId}/course`, { startsAt: startsAt.toISOString(), modality: 'in-person' }, ACTOR);
    if (![200, 201].includes(booked.status)) throw new Error(`course booking refused: ${booked.status} ${JSON.stringify(booked.body)}`);
    const course = await tap.waitForEvent<{ courseId: string; sessions: Array<{ appointmentId: string; startsAt: string; endsAt: string }> }>('CourseBooked', (e) => e.key === referralId, 30000);
    const sessions = [...course.data.sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    for (const session of sessions) {
      await advanceTo(new Date(new Date(session.endsAt).getTime() + 60_000));
      const res = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${providerId}/appointments/${session.appointmentId}/attendance`, { mark: 'attended' }, ACTOR);
      expect([200, 201]).toContain(res.status);
      await tap.waitForEvent<{ appointmentId: string }>('SessionAttended', (e) => e.key === referralId && JSON.stringify(e.data).includes(session.appointmentId), 30000);
    }
    await tap.waitForEvent('CourseCompleted', (e) => e.key === referralId, 30000);
    return sessions;
  }

  async function waitForCompliance(referralId: string, ok: (c: any) => boolean): Promise<any> {
    let last: any;
    for (const stop = Date.now() + 20000; Date.now() < stop; await sleep(200)) {
      last = (await getJson(`${stack.urls.outcome}/v1/referrals/${referralId}/compliance`)).body;
      if (last && ok(last)) return last;
    }
    throw new Error(`compliance of ${referralId} never matched: ${JSON.stringify(last)}`);
  }

  async function waitForReview(referralId: string): Promise<any> {
    let last: any;
    for (const stop = Date.now() + 30000; Date.now() < stop; await sleep(200)) {
      last = (await getJson(`${stack.urls.outcome}/v1/reviews?referralId=${referralId}`)).body;
      const items = last?.items ?? [];
      if (items.length > 0) return items[0];
    }
    throw new Error(`no review of ${referralId} opened: ${JSON.stringify(last)}`);
  }

  async function waitUntilReferral(referralId: string, ok: (r: any) => boolean): Promise<any> {
    let last: any;
    for (const stop = Date.now() + 30000; Date.now() < stop; await sleep(200)) {
      last = (await getJson(`${stack.urls.referral}/v1/referrals/${referralId}`)).body;
      if (last && ok(last)) return last;
    }
    throw new Error(`referral ${referralId} never matched: ${JSON.stringify(last)}`);
  }

  it('1. adult deferred prosecution: assessed, course attended, completed with outcome 22', async () => {
    const { answer } = await refer({ area: 'reading', person: person('1990-03-10') });
    expect(answer.decision).toBe('referred');
    const referralId: string = answer.referralId;
    await tap.waitForEvent('ReferralCreated', (e) => e.key === referralId);
    const appt = await completeAssessment(referralId);
    const sessions = await completeCourse(referralId, appt.providerId);
    expect(sessions.length).toBe(1);
    const done = await tap.waitForEvent<{ crimeOutcomeCode: number }>('DiversionCompleted', (e) => e.key === referralId, 30000);
    expect(done.data.crimeOutcomeCode).toBe(22);
    const compliance = await waitForCompliance(referralId, (c) => c.status === 'completed');
    expect(compliance.crimeOutcomeCode).toBe(22);
  }, 90000);

  it('2. youth under the force-wide youth scheme: completed with outcome 8, then referred again', async () => {
    const now = await clockNow();
    const dob = `${now.getUTCFullYear() - 15}-02-01`;
    const who = person(dob);
    const { answer } = await refer({ area: 'reading', person: who });
    expect(answer.decision).toBe('referred');
    expect(answer.scheme.id).toBe('thames-valley-youth-diversion');
    const referralId: string = answer.referralId;
    await tap.waitForEvent('ReferralCreated', (e) => e.key === referralId);
    const appt = await completeAssessment(referralId);
    const sessions = await completeCourse(referralId, appt.providerId);
    expect(sessions.length).toBe(6);
    const done = await tap.waitForEvent<{ crimeOutcomeCode: number }>('DiversionCompleted', (e) => e.key === referralId, 30000);
    expect(done.data.crimeOutcomeCode).toBe(8);

    // The referral service has taken the completion into the person's history.
    const deadline = Date.now() + 20000;
    for (;;) {
      const r = await getJson(`${stack.urls.referral}/v1/referrals/${referralId}`);
      if (r.body?.status === 'completed' || Date.now() > deadline) break;
      await sleep(200);
    }
    const again = await refer({ area: 'reading', person: who });
    expect(again.answer.decision).toBe('referred');
    expect(again.answer.referralId).not.toBe(referralId);
    await tap.waitForEvent('ReferralCreated', (e) => e.key === again.answer.referralId);
  }, 120000);

  it('3. adult unacceptable miss: review opened, window passes, exactly one summons request', async () => {
    const { answer } = await refer({ area: 'reading', person: person('1988-07-21') });
    const referralId: string = answer.referralId;
    const appt = await assessmentScheduled(referralId);
    await advanceTo(new Date(new Date(appt.startsAt).getTime() + 5 * 60_000));
    const res = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${appt.providerId}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'unacceptable', supportPlanSummary: 'Did not answer.' }, ACTOR);
    expect([200, 201]).toContain(res.status);
    const opened = await tap.waitForEvent<{ showCauseDeadline: string }>('ComplianceReviewOpened', (e) => e.key === referralId, 30000);
    const deadline = new Date(opened.data.showCauseDeadline);
    await advanceTo(new Date(deadline.getTime() + 30 * 60_000 + 60_000));
    await tap.waitForEvent('SummonsRequested', (e) => e.key === referralId, 30000);
    await sleep(3000);
    expect(tap.events('SummonsRequested', referralId)).toHaveLength(1);
    const list = await getJson(`${stack.urls.outcome}/v1/summons-requests?limit=500`);
    expect(list.status).toBe(200);
    const items: Array<{ referralId: string }> = Array.isArray(list.body) ? list.body : (list.body.items ?? list.body.data ?? list.body.summonsRequests ?? []);
    expect(items.filter((s) => s.referralId === referralId)).toHaveLength(1);
  }, 90000);

  /**
   * No scheme in force today ends in no-further-diversion (every area and age band resolves
   * to a force-wide summons-request scheme), so this journey runs in the West Berkshire
   * voluntary pilot's years: every clock is set to a Tuesday morning in March 2019, and put
   * back afterwards to where it was plus the time spent, so the other journeys stay in the present.
   */
  it('4. voluntary pilot non-engagement (West Berkshire, 2019): assessment recorded as missed without good reason, no further diversion, no summons; the next encounter is declined', async () => {
    const presentWas = await clockNow();
    const realStart = Date.now();
    await stack.setClock(new Date('2019-03-12T09:31:00Z'));
    try {
      const who = person('1990-04-02');
      const { answer } = await refer({ area: 'west-berkshire', person: who });
      expect(answer.decision).toBe('referred');
      expect(answer.scheme.id).toBe('west-berkshire-voluntary-pilot');
      const referralId: string = answer.referralId;
      const created = await tap.waitForEvent<{ schemeId: string }>('ReferralCreated', (e) => e.key === referralId);
      expect(created.data.schemeId).toBe('west-berkshire-voluntary-pilot');
      const appt = await assessmentScheduled(referralId);
      expect(appt.providerId).toBe('resilience-cranstoun-west-berkshire');

      // The provider records that the person did not attend, without good reason (a missing record alone never counts: e2e/person-never-pays).
      await advanceTo(new Date(Date.parse(appt.startsAt) + 5 * 60_000));
      const recorded = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${appt.providerId}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'unacceptable' }, ACTOR);
      expect(recorded.status).toBe(200);
      const missed = await tap.waitForEvent<{ detectedBy: string }>('AssessmentMissed', (e) => e.key === referralId, 30000);
      expect(missed.data.detectedBy).toBe('provider');

      // This stack's outcome service opens the review (other stacks on the broker may open their own).
      const review = await waitForReview(referralId);
      expect(review).toMatchObject({ kind: 'assessment', status: 'open' });
      await advanceTo(new Date(Date.parse(review.decideAt) + 60_000));
      const compliance = await waitForCompliance(referralId, (c) => c.status === 'no-further-diversion');
      expect(compliance).toMatchObject({ schemeId: 'west-berkshire-voluntary-pilot', ending: 'no-further-diversion', crimeOutcomeCode: null, summonsRequestId: null });
      expect(compliance.reviews).toEqual([expect.objectContaining({ reviewId: review.reviewId, status: 'closed', resolution: 'no-further-diversion' })]);
      const decided = await tap.waitForEvent<{ reviewId: string; personRef: string; decidedAt: string }>('NoFurtherDiversion', (e) => e.key === referralId && e.data.reviewId === review.reviewId, 30000);
      expect(decided.data.personRef).toBe(who.personRef);
      await tap.waitForEvent<{ reviewId: string; resolution: string }>('ComplianceReviewClosed', (e) => e.key === referralId && e.data.reviewId === review.reviewId && e.data.resolution === 'no-further-diversion', 30000);

      // The referral service takes the decision into the person's history (same transaction as its timeline entry).
      await waitUntilReferral(referralId, (r) => (r.timeline ?? []).some((t: { eventType: string }) => t.eventType === 'NoFurtherDiversion'));
      await advanceTo(new Date(Date.parse(decided.data.decidedAt) + 24 * 3600_000));
      const again = await refer({ area: 'west-berkshire', person: who });
      expect(again.answer.decision).toBe('declined');
      expect(again.answer.scheme?.id).toBe('west-berkshire-voluntary-pilot');
      expect(again.answer.reasons).toEqual([{ code: 'prior-non-engagement', explanation: expect.stringMatching(/did not engage/i) }]);
      await tap.waitForEvent('ReferralDeclined', (e) => e.key === again.answer.referralId);

      await sleep(3000);
      expect(tap.events('SummonsRequested', referralId)).toHaveLength(0);
      const list = await getJson(`${stack.urls.outcome}/v1/summons-requests?limit=500`);
      expect(list.status).toBe(200);
      expect((list.body.items as Array<{ referralId: string }>).filter((s) => s.referralId === referralId)).toHaveLength(0);
    } finally {
      await stack.setClock(new Date(presentWas.getTime() + Date.now() - realStart));
    }
  }, 180000);

  it('5. acceptable absence: RebookingRequested, no compliance review', async () => {
    const { answer } = await refer({ area: 'reading', person: person('1992-11-02') });
    const referralId: string = answer.referralId;
    const appt = await assessmentScheduled(referralId);
    await advanceTo(new Date(new Date(appt.startsAt).getTime() + 5 * 60_000));
    const res = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${appt.providerId}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'acceptable', supportPlanSummary: 'In hospital.' }, ACTOR);
    expect([200, 201]).toContain(res.status);
    await tap.waitForEvent('RebookingRequested', (e) => e.key === referralId, 30000);
    await sleep(3000);
    expect(tap.events('ComplianceReviewOpened', referralId)).toHaveLength(0);
    const reviews = await getJson(`${stack.urls.outcome}/v1/reviews?referralId=${referralId}`);
    expect(reviews.status).toBe(200);
    expect(Array.isArray(reviews.body) ? reviews.body : (reviews.body.items ?? [])).toHaveLength(0);
  }, 60000);

  it('6. exclusions: too much and suspected supply are declined with those reasons', async () => {
    const { answer } = await refer({
      area: 'reading',
      person: person('1985-01-01'),
      offence: { quantity: { value: 25, unit: 'g' } },
      indicators: { suspectedSupply: true },
    });
    expect(answer.decision).toBe('declined');
    const codes = answer.reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['quantity-above-threshold', 'suspected-supply']));
    for (const r of answer.reasons) expect(typeof r.explanation).toBe('string');
    await tap.waitForEvent('ReferralDeclined', (e) => e.key === answer.referralId);
  }, 60000);

  it('7. duplicate encounters over HTTP twice and Kafka once make one referral', async () => {
    const now = await clockNow();
    const encounter = anEncounter({ occurredAt: new Date(now.getTime() - 60_000).toISOString(), area: 'reading', person: person('1991-05-05') });
    const first = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    const second = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    await produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    await tap.waitForEvent('ReferralCreated', (e) => e.key === first.body.referralId);
    await sleep(4000);
    // Other stacks may share the broker and take the Kafka copy into their own databases,
    // so only this stack's referral id and this stack's read API count here.
    expect(tap.events('ReferralCreated', first.body.referralId)).toHaveLength(1);
    const mine = await getJson(`${stack.urls.referral}/v1/referrals?personRef=${encodeURIComponent(encounter.person.personRef)}`);
    expect(mine.status).toBe(200);
    const rows = Array.isArray(mine.body) ? mine.body : (mine.body.items ?? mine.body.referrals ?? []);
    expect(rows).toHaveLength(1);
    expect(rows[0].referralId ?? rows[0].id).toBe(first.body.referralId);
  }, 60000);

  it('8. malformed input at each entry point is refused', async () => {
    const bad = await postJson(`${stack.urls.referral}/v1/encounters`, { encounterId: `ENC-${randomUUID()}`, area: 42, person: {} });
    expect(bad.status).toBe(400);
    const paths: string[] = (bad.body.issues ?? []).map((i: { path: string }) => i.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.some((p) => p.includes('area'))).toBe(true);
    expect(paths.some((p) => p.includes('occurredAt'))).toBe(true);

    const key = `ENC-bad-${randomUUID()}`;
    await produceJson(producer, TOPICS.policeEncounters, key, { encounterId: key, area: 42 });
    const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && (m.key === key || (m.raw ?? '').includes(key)), 'the malformed encounter on the referral DLQ', 30000);
    expect(dead).toBeDefined();

    const noActor = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/druglink/appointments/${randomUUID()}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'x' });
    expect(noActor.status).toBeGreaterThanOrEqual(400);
    expect(noActor.status).toBeLessThan(500);
    const badBody = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/druglink/appointments/${randomUUID()}/assessment-outcome`, { outcome: 'perhaps' }, ACTOR);
    expect(badBody.status).toBeGreaterThanOrEqual(400);
    expect(badBody.status).toBeLessThan(500);
  }, 60000);
});
