import { randomUUID } from 'node:crypto';
import { TOPICS } from '@ddp/contracts';
import { EventTap, anEncounter, comingMondayAtTen, getJson, postJson, sleep, startStack, type RunningStack } from '@ddp/testing';

// A person never carries the cost of a gap that is not theirs (issue 18, points 1-3), through
// the four running services over HTTP and Kafka only, on controllable clocks moved together.
// 1. A provider that records nothing is asked to; the clock alone never makes it a missed
//    appointment, a review or a summons request.
// 2. A person who calls back inside the show-cause window is booked, assessed, and excused.
// 3. An encounter on a Friday night or a Saturday is assessed on that day or the day after; an
//    escalation that still happens (a full week) is an action on worklists, not the person's failure.
describe('a person never pays for a gap that is not theirs', () => {
  let stack: RunningStack;
  let tap: EventTap;
  const ACTOR = { 'x-actor-id': 'caseworker-e2e' };
  const SMALL_YOUTH_SERVICE = 'aylesbury-vale-youth-substance-misuse-service';

  beforeAll(async () => {
    stack = await startStack({
      name: 'never_pays',
      startAt: comingMondayAtTen(),
      // One youth service takes only two referrals a week here, so that journey 3 can fill a week.
      env: { 'provider-scheduling': { PROVIDER_BOOKING_OVERRIDES: JSON.stringify({ druglink: { assessorsPerSlot: 2, courseGroupSize: 12 }, [SMALL_YOUTH_SERVICE]: { weeklyCapacity: 2 } }) } },
    });
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling, TOPICS.outcome]);
    await warmUp();
  }, 480000);

  afterAll(async () => {
    await tap?.stop();
    await stack?.stop();
  });

  /** Until this stack's referral, scheduling and outcome services all answer (KAFKA_NEW_GROUP_START=latest). */
  async function warmUp(): Promise<void> {
    for (const stop = Date.now() + 120000; Date.now() < stop; ) {
      const { answer } = await refer({ area: 'reading', person: person('1980-01-01') });
      for (const until = Date.now() + 15000; Date.now() < until; await sleep(200)) {
        const compliance = await getJson(`${stack.urls.outcome}/v1/referrals/${answer.referralId}/compliance`);
        if (tap.events('AssessmentScheduled', answer.referralId).length > 0 && compliance.status === 200) return;
      }
    }
    throw new Error('warm-up: the services never answered');
  }

  async function clockNow(): Promise<Date> {
    return new Date((await getJson(`${stack.urls.referral}/admin/clock`)).body.now);
  }

  async function advanceTo(at: Date): Promise<void> {
    const ms = at.getTime() - (await clockNow()).getTime();
    if (ms > 0) await stack.advanceClock(ms);
  }

  const person = (dateOfBirth: string) => ({ personRef: `PNC-N-${randomUUID().slice(0, 8)}`, dateOfBirth });

  async function refer(overrides: Parameters<typeof anEncounter>[0], occurredAt?: Date) {
    const at = occurredAt ?? new Date((await clockNow()).getTime() - 60_000);
    const encounter = anEncounter({ occurredAt: at.toISOString(), ...overrides });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    expect(answer.status).toBe(201);
    expect(answer.body.decision).toBe('referred');
    return { encounter, answer: answer.body };
  }

  async function assessmentScheduled(referralId: string) {
    const scheduled = await tap.waitForEvent<{ appointmentId: string; providerId: string; startsAt: string; endsAt: string; deadline: string }>(
      'AssessmentScheduled', (e) => e.key === referralId, 30000,
    );
    return scheduled.data;
  }

  const provider = (providerId: string) => `${stack.urls['provider-scheduling']}/v1/providers/${providerId}`;

  async function worklist(path: string): Promise<Array<{ kind: string; referralId?: string; providerId: string | null }>> {
    const res = await getJson(`${stack.urls['provider-scheduling']}${path}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  async function waitForCompliance(referralId: string, ok: (c: any) => boolean): Promise<any> {
    let last: any;
    for (const stop = Date.now() + 30000; Date.now() < stop; await sleep(200)) {
      last = (await getJson(`${stack.urls.outcome}/v1/referrals/${referralId}/compliance`)).body;
      if (last && ok(last)) return last;
    }
    throw new Error(`compliance of ${referralId} never matched: ${JSON.stringify(last)}`);
  }

  async function schedulingStatus(providerId: string, referralId: string, status: string): Promise<void> {
    let last: any;
    for (const stop = Date.now() + 30000; Date.now() < stop; await sleep(200)) {
      last = (await getJson(`${provider(providerId)}/referrals/${referralId}`)).body;
      if (last?.status === status) return;
    }
    throw new Error(`referral ${referralId} never became ${status} in scheduling: ${JSON.stringify(last?.status)}`);
  }

  /** Next Mon, Tue, Thu or Fri at 10:00 UTC at least a day after `from`: inside Druglink's hours for its course. */
  function nextWeekdayTen(from: Date): Date {
    const d = new Date(from.getTime() + 24 * 3600_000);
    d.setUTCHours(10, 0, 0, 0);
    while ([0, 3, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
    return d;
  }

  const gaps = (referralId: string) => ['AssessmentMissed', 'ComplianceReviewOpened', 'SummonsRequested', 'NoFurtherDiversion'].flatMap((t) => tap.events(t, referralId));

  it('1. a missing record is not a missed appointment: the provider is asked, a supervisor sees it, the clock alone never leads to a review or a summons', async () => {
    const { answer } = await refer({ area: 'reading', person: person('1991-02-03') });
    const referralId: string = answer.referralId;
    const appt = await assessmentScheduled(referralId);
    const deadline = new Date(appt.deadline);

    // The deadline passes with nothing recorded: the provider is asked (AttendanceOverdue) and has it on its worklist.
    await advanceTo(new Date(deadline.getTime() + 60_000));
    const overdue = await tap.waitForEvent<{ kind: string; appointmentId: string }>('AttendanceOverdue', (e) => e.key === referralId, 30000);
    expect(overdue.data).toMatchObject({ kind: 'assessment', appointmentId: appt.appointmentId });
    expect(await worklist(`/v1/providers/${appt.providerId}/worklist`)).toContainEqual(expect.objectContaining({ kind: 'record-assessment-outcome', referralId }));
    expect((await worklist('/v1/worklists/supervisors')).filter((i) => i.referralId === referralId)).toEqual([]);

    // A day later the supervisors see it too.
    await advanceTo(new Date(deadline.getTime() + 25 * 3600_000));
    expect(await worklist('/v1/worklists/supervisors')).toContainEqual(expect.objectContaining({ kind: 'record-assessment-outcome', referralId }));

    // Well past any show-cause window: nothing happened to the person.
    await advanceTo(new Date(deadline.getTime() + 9 * 24 * 3600_000));
    await sleep(3000);
    expect(gaps(referralId)).toEqual([]);
    const compliance = await waitForCompliance(referralId, () => true);
    expect(compliance).toMatchObject({ status: 'assessment-scheduled', reviews: [], summonsRequestId: null });
    expect(tap.events('AttendanceOverdue', referralId)).toHaveLength(1);

    // Only a recorded did-not-attend without good reason counts against the person.
    const recorded = await postJson(`${provider(appt.providerId)}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'unacceptable' }, ACTOR);
    expect(recorded.status).toBe(200);
    await tap.waitForEvent('ComplianceReviewOpened', (e) => e.key === referralId, 30000);
    expect((await worklist(`/v1/providers/${appt.providerId}/worklist`)).filter((i) => i.referralId === referralId)).toEqual([]);
  }, 180000);

  it('2. re-engaging inside the show-cause window: the provider books and records the assessment the person asks for; the review is excused and the diversion completes', async () => {
    const { answer } = await refer({ area: 'oxford', person: person('1987-08-09') });
    const referralId: string = answer.referralId;
    const appt = await assessmentScheduled(referralId);
    await advanceTo(new Date(Date.parse(appt.startsAt) + 5 * 60_000));
    const missed = await postJson(`${provider(appt.providerId)}/appointments/${appt.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'unacceptable' }, ACTOR);
    expect(missed.status).toBe(200);
    const opened = await tap.waitForEvent<{ reviewId: string; showCauseDeadline: string }>('ComplianceReviewOpened', (e) => e.key === referralId, 30000);
    await schedulingStatus(appt.providerId, referralId, 'non-compliance-review');

    // The person calls the provider back a day later: the provider books the assessment they ask for.
    await advanceTo(new Date((await clockNow()).getTime() + 24 * 3600_000));
    const booked = await postJson(`${provider(appt.providerId)}/referrals/${referralId}/assessment`, {}, ACTOR);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ supersedesId: appt.appointmentId, status: 'booked' });
    const moved = await tap.waitForEvent<{ requestedBy: string }>('AppointmentRescheduled', (e) => e.key === referralId, 30000);
    expect(moved.data.requestedBy).toBe('person');

    // Held and recorded inside the window: that is the re-engagement.
    await advanceTo(new Date(Date.parse(booked.body.startsAt) + 5 * 60_000));
    expect(Date.parse(booked.body.startsAt)).toBeLessThan(Date.parse(opened.data.showCauseDeadline));
    const held = await postJson(`${provider(appt.providerId)}/appointments/${booked.body.appointmentId}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'Re-engaged; agreed to the course.' }, ACTOR);
    expect(held.status).toBe(200);
    const closed = await tap.waitForEvent<{ reviewId: string; resolution: string }>('ComplianceReviewClosed', (e) => e.key === referralId, 30000);
    expect(closed.data).toMatchObject({ reviewId: opened.data.reviewId, resolution: 'excused' });
    await waitForCompliance(referralId, (c) => c.status === 'assessed');
    await schedulingStatus(appt.providerId, referralId, 'excused');

    // The course, and the diversion completes; the window's end changes nothing.
    const startsAt = nextWeekdayTen(await clockNow());
    const course = await postJson(`${provider(appt.providerId)}/referrals/${referralId}/course`, { startsAt: startsAt.toISOString(), modality: 'in-person' }, ACTOR);
    expect(course.status).toBe(201);
    const [session] = course.body.sessions as Array<{ appointmentId: string; endsAt: string }>;
    await advanceTo(new Date(Date.parse(session.endsAt) + 60_000));
    expect((await postJson(`${provider(appt.providerId)}/appointments/${session.appointmentId}/attendance`, { mark: 'attended' }, ACTOR)).status).toBe(200);
    const done = await tap.waitForEvent<{ crimeOutcomeCode: number; ending: string }>('DiversionCompleted', (e) => e.key === referralId, 30000);
    expect(done.data).toMatchObject({ crimeOutcomeCode: 22, ending: 'excused-completed' });
    await advanceTo(new Date(Date.parse(opened.data.showCauseDeadline) + 3600_000));
    await sleep(3000);
    expect(tap.events('SummonsRequested', referralId)).toEqual([]);
  }, 180000);

  it('3. same day or the day after, every day of the week; an escalation for want of capacity is an action on the provider\'s and the officer\'s worklists, never a failure of the person', async () => {
    // The coming Friday, 20:30 UTC (Friday evening in GMT and in BST).
    const friday = new Date(await clockNow());
    friday.setUTCHours(20, 30, 0, 0);
    while (friday.getUTCDay() !== 5 || friday.getTime() <= (await clockNow()).getTime()) friday.setUTCDate(friday.getUTCDate() + 1);
    await advanceTo(friday);
    const adult = await refer({ area: 'reading', person: person('1979-11-30') });
    const adultAppt = await assessmentScheduled(adult.answer.referralId);
    expect(Date.parse(adultAppt.startsAt)).toBeLessThanOrEqual(Date.parse(adult.answer.assessmentDeadline.at));
    expect(new Date(adultAppt.startsAt).getUTCDay()).toBe(6); // Saturday: the adult service is closed, its phone cover is not

    // Saturday 22:30 UTC: three young people in an area whose service takes two referrals a week here.
    await advanceTo(new Date(friday.getTime() + 26 * 3600_000));
    const officer = `TV${Math.floor(1000 + Math.random() * 8999)}`;
    const dob = `${(await clockNow()).getUTCFullYear() - 15}-02-01`;
    const youths = [];
    for (let i = 0; i < 3; i++) youths.push((await refer({ area: 'aylesbury-vale', person: person(dob), officer: { collarNumber: officer } })).answer.referralId as string);
    let outcomes = youths.map(() => undefined as ReturnType<typeof tap.events>[number] | undefined);
    for (const stop = Date.now() + 30000; outcomes.some((o) => !o) && Date.now() < stop; await sleep(200)) {
      outcomes = youths.map((id) => tap.events('AssessmentScheduled', id)[0] ?? tap.events('AssessmentEscalated', id)[0]);
    }
    expect(outcomes.every(Boolean)).toBe(true);
    const escalated = outcomes.filter((e) => e!.eventType === 'AssessmentEscalated') as NonNullable<(typeof outcomes)[number]>[];
    expect(escalated.map((e) => (e.data as { reason: string }).reason)).toEqual(['provider-weekly-capacity-reached']);
    for (const e of outcomes.filter((o) => o!.eventType === 'AssessmentScheduled') as NonNullable<(typeof outcomes)[number]>[]) expect(new Date((e.data as { startsAt: string }).startsAt).getUTCDay()).toBe(0); // Sunday
    const waiting = escalated[0].key;

    // An action for people: the provider's and the officer's worklists; the full week on the supervisors'.
    expect(await worklist(`/v1/providers/${SMALL_YOUTH_SERVICE}/worklist`)).toContainEqual(expect.objectContaining({ kind: 'book-assessment', referralId: waiting }));
    expect((await worklist(`/v1/worklists/officers/${officer}`)).map((i) => [i.kind, i.referralId])).toEqual([['book-assessment', waiting]]);
    expect(await worklist('/v1/worklists/supervisors')).toContainEqual(expect.objectContaining({ kind: 'capacity-near-weekly-capacity', providerId: SMALL_YOUTH_SERVICE }));

    // Never a failure of the person: days pass, nothing is held against them.
    await advanceTo(new Date(friday.getTime() + 9 * 24 * 3600_000));
    await sleep(3000);
    expect(gaps(waiting)).toEqual([]);
    expect(await waitForCompliance(waiting, () => true)).toMatchObject({ status: 'referred', reviews: [], summonsRequestId: null });

    // The provider books it: off the worklists, and the journey starts.
    const booked = await postJson(`${provider(SMALL_YOUTH_SERVICE)}/referrals/${waiting}/assessment`, {}, ACTOR);
    expect(booked.status).toBe(201);
    await assessmentScheduled(waiting);
    expect(await worklist(`/v1/worklists/officers/${officer}`)).toEqual([]);
    await waitForCompliance(waiting, (c) => c.status === 'assessment-scheduled');
  }, 180000);
});
