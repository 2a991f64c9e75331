import { randomUUID } from 'node:crypto';
import {
  ComplianceReviewClosed, ComplianceReviewOpened, RebookingRequested, TOPICS, type AppointmentRescheduledData, type AssessmentCompletedData,
  type AssessmentMissedData, type AssessmentScheduledData, type CourseBookedData, type CourseCompletedData, type CourseMissedData, type SessionAttendedData,
} from '@ddp/contracts';
import {
  ControllableClock, EventTap, envelopeFor, getJson, postJson, queryDatabase, referralCreatedAt, sendEnvelope, sleep, startTestService, testProducer,
  testServiceEnv, waitUntil,
} from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { SchedulingJobs, assessmentDeadlineJobId } from '../jobs/scheduling-jobs';
import { providerSchedulingService } from '../provider-scheduling.service-definition';

/*
 * The provider API (port 3002 in production) against real Postgres, Redis and Kafka:
 * assessment outcomes, course booking, every attendance path, rescheduling with history,
 * deferral, rebooking requested by the outcome service, reviews, and 4xx answers that
 * change nothing. Business time runs from March 2030 (GMT) into BST on a ControllableClock.
 */
describe('provider-scheduling: the provider API', () => {
  const clock = new ControllableClock(new Date('2030-03-04T08:00:00Z'));
  const env = testServiceEnv('provider_scheduling_api', { REDIS_PREFIX: `ddp-test-sched-api-${randomUUID().slice(0, 8)}` });
  const db = env.DATABASE_URL;
  const caseworker = { 'x-actor-id': 'caseworker-17' };
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    clock.freeze(); // instants in events are exactly the ones the tests set
    tap = await EventTap.start([TOPICS.scheduling]);
    producer = await testProducer();
    service = await startTestService(providerSchedulingService(env, clock));
  });

  afterAll(async () => {
    await service?.app.get(SchedulingJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const at = async (instant: string) => {
    clock.set(new Date(instant));
    await clock.notifyMoved();
  };
  const api = (providerId: string) => ({
    post: (path: string, body: unknown, headers: Record<string, string> = caseworker) => postJson(`${service.url}/v1/providers/${providerId}${path}`, body, headers),
    get: (path: string) => getJson(`${service.url}/v1/providers/${providerId}${path}`),
  });
  const event = <T>(type: string, referralId: string, match: (e: { data: T }) => boolean = () => true) =>
    tap.waitForEvent<T>(type, (e) => e.key === referralId && match(e));

  /** Everything a refused request must leave as it was. */
  const snapshot = async (referralId: string) => ({
    referral: await queryDatabase(db, 'SELECT * FROM scheduling_referral WHERE referral_id = $1', [referralId]),
    history: await queryDatabase(db, 'SELECT * FROM referral_status_change WHERE referral_id = $1 ORDER BY id', [referralId]),
    appointments: await queryDatabase(db, 'SELECT * FROM appointment WHERE referral_id = $1 ORDER BY id', [referralId]),
    records: await queryDatabase(db, 'SELECT * FROM assessment_record WHERE referral_id = $1', [referralId]),
    attendance: await queryDatabase(db, 'SELECT * FROM attendance WHERE referral_id = $1 ORDER BY appointment_id', [referralId]),
    courses: await queryDatabase(db, 'SELECT * FROM course WHERE referral_id = $1 ORDER BY id', [referralId]),
    slots: await queryDatabase(db, 'SELECT id, booked FROM provider_slot WHERE booked > 0 ORDER BY id'),
    weeks: await queryDatabase(db, 'SELECT * FROM provider_week ORDER BY provider_id, week_start'),
    outbox: await queryDatabase(db, 'SELECT event_id FROM outbox_message WHERE message_key = $1 ORDER BY id', [referralId]),
  });
  const expectRefusal = async (referralId: string, request: () => Promise<{ status: number; body: any }>, status: number, code: string) => {
    const before = await snapshot(referralId);
    const res = await request();
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(typeof res.body.message).toBe('string');
    expect(await snapshot(referralId)).toEqual(before);
    return res.body;
  };

  /** A referral through routing and booking: returns its ids once AssessmentScheduled is out. */
  const referAndSchedule = async (encounterAt: string, area: string, ageBand: 'youth' | 'adult') => {
    await at(new Date(Date.parse(encounterAt) + 5 * 60_000).toISOString());
    const referral = referralCreatedAt(encounterAt, { area, ageBand });
    await sendEnvelope(producer, TOPICS.referral, referral);
    const scheduled = await event<AssessmentScheduledData>('AssessmentScheduled', referral.key);
    return { referral, referralId: referral.key, appointmentId: scheduled.data.appointmentId, providerId: scheduled.data.providerId, scheduled: scheduled.data };
  };
  const assess = async (r: { referralId: string; appointmentId: string; providerId: string; scheduled: AssessmentScheduledData }) => {
    await at(new Date(Date.parse(r.scheduled.startsAt) + 15 * 60_000).toISOString());
    const res = await api(r.providerId).post(`/appointments/${r.appointmentId}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'Plan: weekly sessions' });
    expect(res.status).toBe(200);
  };
  const bookCourse = async (r: { referralId: string; providerId: string }, startsAt: string, modality = 'in-person') => {
    const res = await api(r.providerId).post(`/referrals/${r.referralId}/course`, { startsAt, modality });
    expect(res.status).toBe(201);
    return (await event<CourseBookedData>('CourseBooked', r.referralId)).data;
  };
  const mark = (providerId: string, appointmentId: string, body: Record<string, unknown>) => api(providerId).post(`/appointments/${appointmentId}/attendance`, body);
  const statusOf = async (referralId: string) => (await queryDatabase<{ status: string }>(db, 'SELECT status FROM scheduling_referral WHERE referral_id = $1', [referralId]))[0].status;

  // Shared by the tests below, in order: a young person in Reading on the six-week course.
  let young: Awaited<ReturnType<typeof referAndSchedule>>;
  let course: CourseBookedData;

  it('records the assessment: refused before it starts, without a caseworker or a plan; completed once (the plan stays here)', async () => {
    young = await referAndSchedule('2030-03-04T09:00:00Z', 'reading', 'youth');
    const provider = api(young.providerId);
    const path = `/appointments/${young.appointmentId}/assessment-outcome`;
    const completed = { outcome: 'completed', supportPlanSummary: 'Harm-reduction advice; weekly key work at the youth hub' };

    await expectRefusal(young.referralId, () => provider.post(path, completed), 422, 'appointment-in-future');
    await at('2030-03-04T09:40:00Z');
    await expectRefusal(young.referralId, () => provider.post(path, completed, {}), 400, 'actor-required');
    const noPlan = await (async () => {
      const before = await snapshot(young.referralId);
      const res = await provider.post(path, { outcome: 'completed' });
      expect(await snapshot(young.referralId)).toEqual(before);
      return res;
    })();
    expect(noPlan.status).toBe(400);
    expect(noPlan.body.issues.map((i: { path: string }) => i.path)).toEqual(['supportPlanSummary']);

    const res = await provider.post(path, completed);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', referralStatus: 'assessed', assessment: { outcome: 'completed', recordedBy: 'caseworker-17', detectedBy: 'provider' } });
    const done = await event<AssessmentCompletedData>('AssessmentCompleted', young.referralId);
    expect(done.data).toEqual({
      referralId: young.referralId, appointmentId: young.appointmentId, completedAt: '2030-03-04T09:40:00.000Z', recordedBy: 'caseworker-17', providerId: young.providerId,
    });
    // The support plan never leaves the service.
    const raw = tap.messages.filter((m) => m.key === young.referralId).map((m) => m.raw).join('\n');
    expect(raw).not.toContain('Harm-reduction');

    await expectRefusal(young.referralId, () => provider.post(path, completed), 409, 'outcome-already-recorded');
    const detail = await provider.get(`/appointments/${young.appointmentId}`);
    expect(detail.body.assessment.supportPlanSummary).toBe('Harm-reduction advice; weekly key work at the youth hub');
  });

  it("books the scheme's six-week course at the same UK wall-clock time across the change to BST, refusing bad requests first", async () => {
    const provider = api(young.providerId);
    const path = `/referrals/${young.referralId}/course`;
    // Wednesdays the service opens 15:30-19:30 only.
    const refused = await expectRefusal(young.referralId, () => provider.post(path, { startsAt: '2030-03-06T10:00:00Z', modality: 'in-person' }), 422, 'outside-opening-hours');
    expect(refused.message).toContain('wed 15:30-19:30');
    await expectRefusal(young.referralId, () => provider.post(path, { startsAt: '2030-03-04T08:00:00Z', modality: 'in-person' }), 422, 'start-in-past');
    const badModality = await provider.post(path, { startsAt: '2030-03-06T16:00:00Z', modality: 'carrier-pigeon' });
    expect(badModality.status).toBe(400);

    course = await bookCourse(young, '2030-03-06T16:00:00Z');
    expect(course.sessions.map((s) => s.startsAt)).toEqual([
      '2030-03-06T16:00:00.000Z', '2030-03-13T16:00:00.000Z', '2030-03-20T16:00:00.000Z', '2030-03-27T16:00:00.000Z',
      '2030-04-03T15:00:00.000Z', '2030-04-10T15:00:00.000Z', // 16:00 BST
    ]);
    expect(course.sessions.every((s) => Date.parse(s.endsAt) - Date.parse(s.startsAt) === 60 * 60_000)).toBe(true);
    expect(course).toMatchObject({ providerId: 'reading-youth-substance-misuse-service', bookedBy: 'caseworker-17' });
    expect(await statusOf(young.referralId)).toBe('on-course');

    // A second course while on one is an illegal lifecycle transition.
    const again = await expectRefusal(young.referralId, () => provider.post(path, { startsAt: '2030-03-07T16:00:00Z', modality: 'in-person' }), 409, 'illegal-transition');
    expect(again.message).toContain("'course-booked' cannot happen in status 'on-course'");
  });

  it('refuses a course for a referral not yet assessed (409 illegal-transition), changing nothing', async () => {
    const other = await referAndSchedule('2030-03-04T12:00:00Z', 'reading', 'youth');
    await expectRefusal(other.referralId, () => api(other.providerId).post(`/referrals/${other.referralId}/course`, { startsAt: '2030-03-06T17:00:00Z', modality: 'online' }), 409, 'illegal-transition');
    await at('2030-03-04T16:00:00Z'); // back to where the course story goes on
  });

  it('takes attendance on every path: attended, late, absent (acceptable, logistics, unacceptable), rebooked, completed', async () => {
    const provider = api(young.providerId);
    const s = course.sessions.map((x) => x.appointmentId);

    // Session 1: not before it starts; then attended; not twice.
    await expectRefusal(young.referralId, () => mark(young.providerId, s[0], { mark: 'attended' }), 422, 'session-in-future');
    await at('2030-03-06T17:05:00Z');
    expect((await mark(young.providerId, s[0], { mark: 'attended', notes: 'engaged well' })).status).toBe(200);
    expect((await event<SessionAttendedData>('SessionAttended', young.referralId, (e) => e.data.sessionNumber === 1)).data)
      .toMatchObject({ appointmentId: s[0], mark: 'attended', courseId: course.courseId, recordedBy: 'caseworker-17' });
    await expectRefusal(young.referralId, () => mark(young.providerId, s[0], { mark: 'late' }), 409, 'attendance-already-recorded');
    await expectRefusal(young.referralId, () => mark(young.providerId, young.appointmentId, { mark: 'attended' }), 422, 'not-a-course-session');
    const unclassified = await mark(young.providerId, s[1], { mark: 'did-not-attend' });
    expect(unclassified.status).toBe(400);

    // Session 2: late is attendance.
    await at('2030-03-13T17:05:00Z');
    expect((await mark(young.providerId, s[1], { mark: 'late' })).status).toBe(200);
    await event<SessionAttendedData>('SessionAttended', young.referralId, (e) => e.data.sessionNumber === 2 && e.data.mark === 'late');

    // Session 3: absent, acceptable (illness) → no failure; the outcome service asks for a rebooking.
    await at('2030-03-20T17:05:00Z');
    const absent = await mark(young.providerId, s[2], { mark: 'did-not-attend', absenceClass: 'acceptable', notes: 'ill' });
    expect(absent.body.attendance).toMatchObject({ countsAsFailure: false, followUp: 'rebook' });
    expect((await event<CourseMissedData>('CourseMissed', young.referralId, (e) => e.data.sessionNumber === 3)).data)
      .toMatchObject({ appointmentId: s[2], absenceClass: 'acceptable', countsAsFailure: false, followUp: 'rebook' });
    const rebooking = envelopeFor(RebookingRequested, { referralId: young.referralId, appointmentId: s[2], absenceClass: 'acceptable' });
    await sendEnvelope(producer, TOPICS.outcome, rebooking);
    await sendEnvelope(producer, TOPICS.outcome, rebooking); // redelivered
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(RebookingRequested, { referralId: young.referralId, appointmentId: s[2], absenceClass: 'acceptable' }));
    const moved3 = await event<AppointmentRescheduledData>('AppointmentRescheduled', young.referralId, (e) => e.data.supersededAppointmentId === s[2]);
    expect(moved3.data).toMatchObject({
      kind: 'session', sessionNumber: 3, courseId: course.courseId, requestedBy: 'outcome-service', cancelledOnly: false,
      startsAt: '2030-03-21T16:00:00.000Z', // the next day the same time fits (Thursday 09:00-17:00)
    });
    await sleep(800);
    expect(tap.events('AppointmentRescheduled', young.referralId)).toHaveLength(1);
    await at('2030-03-21T17:05:00Z');
    expect((await mark(young.providerId, moved3.data.appointmentId, { mark: 'attended' })).status).toBe(200);

    // Session 4: absent for logistics (the bus); the person asks to move it: the old one is kept.
    await at('2030-03-27T17:05:00Z');
    await mark(young.providerId, s[3], { mark: 'did-not-attend', absenceClass: 'logistics' });
    await event<CourseMissedData>('CourseMissed', young.referralId, (e) => e.data.sessionNumber === 4 && e.data.absenceClass === 'logistics');
    const moved = await provider.post(`/appointments/${s[3]}/reschedule`, { startsAt: '2030-03-28T16:00:00Z', requestedBy: 'person', reason: 'No bus on Wednesdays' });
    expect(moved.status).toBe(201);
    expect(moved.body.superseded).toMatchObject({ appointmentId: s[3], status: 'did-not-attend', supersededById: moved.body.appointment.appointmentId, requestedBy: 'person', supersedeReason: 'No bus on Wednesdays', supersededBy: 'caseworker-17' });
    expect((await event<AppointmentRescheduledData>('AppointmentRescheduled', young.referralId, (e) => e.data.supersededAppointmentId === s[3])).data)
      .toMatchObject({ requestedBy: 'person', reason: 'No bus on Wednesdays', recordedBy: 'caseworker-17', startsAt: '2030-03-28T16:00:00.000Z', sessionNumber: 4 });
    await expectRefusal(young.referralId, () => provider.post(`/appointments/${s[3]}/reschedule`, { requestedBy: 'person', reason: 'again' }), 409, 'appointment-already-moved');
    const history = await provider.get(`/appointments/${moved.body.appointment.appointmentId}`);
    expect(history.body.history.map((h: { appointmentId: string; status: string }) => [h.appointmentId, h.status])).toEqual([[s[3], 'did-not-attend'], [moved.body.appointment.appointmentId, 'booked']]);
    await at('2030-03-28T17:05:00Z');
    expect((await mark(young.providerId, moved.body.appointment.appointmentId, { mark: 'attended' })).status).toBe(200);

    // Session 5 (BST): absent, unacceptable: a failure, within the youth scheme's tolerance of one → rebook.
    await at('2030-04-03T16:05:00Z');
    const failed = await mark(young.providerId, s[4], { mark: 'did-not-attend', absenceClass: 'unacceptable' });
    expect(failed.body).toMatchObject({ referralStatus: 'on-course', attendance: { countsAsFailure: true, followUp: 'rebook' } });
    expect((await event<CourseMissedData>('CourseMissed', young.referralId, (e) => e.data.sessionNumber === 5)).data).toMatchObject({ countsAsFailure: true, followUp: 'rebook' });
    const rebooked = await provider.post(`/appointments/${s[4]}/reschedule`, { requestedBy: 'provider', reason: 'Rebooked after a missed session' });
    expect(rebooked.status).toBe(201);
    expect(rebooked.body.appointment.startsAt).toBe('2030-04-04T15:00:00.000Z'); // Thursday 16:00 BST
    await at('2030-04-04T16:05:00Z');
    expect((await mark(young.providerId, rebooked.body.appointment.appointmentId, { mark: 'attended' })).status).toBe(200);

    // Session 6: the last one attended, with the signposting given at completion (seed 004) → CourseCompleted.
    await at('2030-04-10T16:05:00Z');
    const unknownKind = await mark(young.providerId, s[5], { mark: 'attended', signposting: ['a-named-charity'] });
    expect(unknownKind.status).toBe(400);
    expect(JSON.stringify(unknownKind.body)).toContain('signposting');
    const last = await mark(young.providerId, s[5], { mark: 'attended', signposting: ['drug-treatment', 'family-support'] });
    expect(last.body.referralStatus).toBe('completed');
    const completed = await event<CourseCompletedData>('CourseCompleted', young.referralId);
    expect(completed.data).toEqual({
      referralId: young.referralId, courseId: course.courseId, completedAt: '2030-04-10T16:05:00.000Z', sessionsAttended: 6, providerId: young.providerId,
      signposting: ['drug-treatment', 'family-support'],
    });
    expect(await queryDatabase(db, 'SELECT status FROM course WHERE id = $1', [course.courseId])).toEqual([{ status: 'completed' }]);
    await expectRefusal(young.referralId, () => provider.post(`/appointments/${s[5]}/reschedule`, { requestedBy: 'person', reason: 'x' }), 409, 'appointment-already-held');

    // The whole story is in the referral's history.
    const detail = await provider.get(`/referrals/${young.referralId}`);
    expect(detail.body.history.map((h: { event: string; to: string }) => `${h.event} → ${h.to}`)).toEqual([
      'received → referred', 'assessment-scheduled → assessment-scheduled', 'assessment-completed → assessed', 'course-booked → on-course',
      'did-not-attend → on-course', 'rebooked → on-course', // session 3, rebooked by the outcome service
      'did-not-attend → on-course', 'rebooked → on-course', // session 4, moved at the person's request
      'did-not-attend → on-course', 'rebooked → on-course', // session 5, rebooked by the provider
      'course-completed → completed',
    ]);
    expect(detail.body.attendance).toHaveLength(9);
  });

  it('opens a review past the tolerance; under review the person can ask for the missed session again (the review stays open); once excused the course goes on', async () => {
    const r = await referAndSchedule('2030-04-15T08:00:00Z', 'wokingham', 'youth'); // Monday 09:00 BST
    expect(r.scheduled.startsAt).toBe('2030-04-15T08:30:00.000Z');
    await assess(r);
    const c = await bookCourse(r, '2030-04-16T16:30:00Z', 'video'); // Tuesdays 17:30 BST
    const s = c.sessions.map((x) => x.appointmentId);
    await at('2030-04-16T17:35:00Z');
    expect((await mark(r.providerId, s[0], { mark: 'did-not-attend', absenceClass: 'unacceptable' })).body.attendance.followUp).toBe('rebook');
    await at('2030-04-23T17:35:00Z');
    const second = await mark(r.providerId, s[1], { mark: 'did-not-attend', absenceClass: 'unacceptable' });
    expect(second.body).toMatchObject({ referralStatus: 'non-compliance-review', attendance: { countsAsFailure: true, followUp: 'open-review' } });
    expect((await event<CourseMissedData>('CourseMissed', r.referralId, (e) => e.data.sessionNumber === 2)).data.followUp).toBe('open-review');

    // The person calls back inside the show-cause window: the provider books the session they ask for (seed 003:
    // "as long as a person engages with the scheme it is open for them to continue"); the review stays open until it is held.
    const asked = await api(r.providerId).post(`/appointments/${s[1]}/reschedule`, { requestedBy: 'person', reason: 'Called back during the show-cause window' });
    expect(asked.status).toBe(201);
    expect(asked.body.referralStatus).toBe('non-compliance-review');
    expect((await event<AppointmentRescheduledData>('AppointmentRescheduled', r.referralId, (e) => e.data.supersededAppointmentId === s[1])).data.requestedBy).toBe('person');
    // A session held during the review is recorded as a fact.
    await at('2030-04-30T17:35:00Z');
    expect((await mark(r.providerId, s[2], { mark: 'attended' })).body.referralStatus).toBe('non-compliance-review');

    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewOpened, {
      referralId: r.referralId, reviewId: 'rev-1', trigger: 'unacceptable-absence', openedAt: '2030-04-23T17:36:00Z', showCauseDeadline: '2030-04-30T17:36:00Z',
    }));
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewClosed, { referralId: r.referralId, reviewId: 'rev-1', resolution: 'excused', closedAt: '2030-04-30T18:00:00Z' }));
    // Excused, and back on the course it was on.
    await waitUntil(async () => (await statusOf(r.referralId)) === 'on-course', 'the referral excused and on the course');
    const again = await api(r.providerId).post(`/appointments/${s[0]}/reschedule`, { requestedBy: 'provider', reason: 'Re-engaged after the review' });
    expect(again.status).toBe(201);
    expect(again.body.referralStatus).toBe('on-course');
  });

  it('follows a review closed with a summons request: the referral ends and its open appointments are cancelled', async () => {
    const r = await referAndSchedule('2030-05-06T08:00:00Z', 'reading', 'adult');
    await assess(r);
    const c = await bookCourse(r, '2030-05-07T09:00:00Z'); // Druglink: one 180-minute session, 10:00-13:00 BST
    expect(c.sessions).toHaveLength(1);
    await at('2030-05-07T12:05:00Z');
    const missed = await mark(r.providerId, c.sessions[0].appointmentId, { mark: 'did-not-attend', absenceClass: 'unacceptable' });
    expect(missed.body).toMatchObject({ referralStatus: 'non-compliance-review', attendance: { followUp: 'open-review' } }); // adult tolerance 0
    // The provider rebooked nothing; the outcome service's review ends with a summons request.
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewClosed, { referralId: r.referralId, reviewId: 'rev-2', resolution: 'summons-requested', closedAt: '2030-05-14T12:00:00Z' }));
    await waitUntil(async () => (await statusOf(r.referralId)) === 'summons-requested', 'the referral closed');
  });

  it('reschedules an assessment: refuses a time that is no slot or is past; keeps the old one as superseded; moves its capacity and its job', async () => {
    const r = await referAndSchedule('2030-05-13T08:00:00Z', 'slough', 'youth');
    const provider = api(r.providerId);
    const path = `/appointments/${r.appointmentId}/reschedule`;
    const refused = await expectRefusal(r.referralId, () => provider.post(path, { startsAt: '2030-05-13T10:10:00Z', requestedBy: 'person', reason: 'work' }), 422, 'not-an-assessment-slot');
    expect(refused.message).toContain('phone cover mon 08:00-21:00');
    await expectRefusal(r.referralId, () => provider.post(path, { startsAt: '2030-05-13T07:00:00Z', requestedBy: 'person', reason: 'work' }), 422, 'start-in-past');
    await expectRefusal(r.referralId, () => provider.post(path, { startsAt: '2030-05-13T14:00:00Z', requestedBy: 'someone', reason: 'work' }), 400, undefined as never);

    const res = await provider.post(path, { startsAt: '2030-05-13T14:00:00Z', requestedBy: 'person', reason: 'At school until 3pm' });
    expect(res.status).toBe(201);
    const moved = await event<AppointmentRescheduledData>('AppointmentRescheduled', r.referralId);
    expect(moved.data).toMatchObject({
      supersededAppointmentId: r.appointmentId, kind: 'assessment', startsAt: '2030-05-13T14:00:00.000Z', requestedBy: 'person', reason: 'At school until 3pm',
      deadline: '2030-05-14T22:59:59.999Z', providerId: 'slough-youth-substance-misuse-service', recordedBy: 'caseworker-17',
    });
    // The original, then its replacement: ordered by the chain, not by creation times (two bookings can share a millisecond).
    const rows = await queryDatabase<{ id: string; status: string; superseded_by_id: string | null; supersedes_id: string | null; booked: number }>(db,
      'SELECT a.id, a.status, a.superseded_by_id, a.supersedes_id, s.booked FROM appointment a JOIN provider_slot s ON s.id = a.slot_id WHERE a.referral_id = $1 ORDER BY a.supersedes_id IS NOT NULL, a.created_at', [r.referralId]);
    expect(rows).toEqual([
      { id: r.appointmentId, status: 'superseded', superseded_by_id: moved.data.appointmentId, supersedes_id: null, booked: 0 },
      { id: moved.data.appointmentId, status: 'booked', superseded_by_id: null, supersedes_id: r.appointmentId, booked: 1 },
    ]);
    const queue = service.app.get(SchedulingJobs).queue;
    expect(await (await queue.getJob(assessmentDeadlineJobId(moved.data.appointmentId)))?.getState()).toBe('delayed');
    await waitUntil(async () => !(await queue.getJob(assessmentDeadlineJobId(r.appointmentId))), 'the old deadline job removed');

    // Lists with filters.
    const open = await provider.get('/appointments?status=booked&kind=assessment&from=2030-05-13&to=2030-05-13');
    expect(open.body.map((a: { appointmentId: string }) => a.appointmentId)).toContain(moved.data.appointmentId);
    expect(open.body.map((a: { appointmentId: string }) => a.appointmentId)).not.toContain(r.appointmentId);
    const superseded = await provider.get('/appointments?status=superseded');
    expect(superseded.body.map((a: { appointmentId: string }) => a.appointmentId)).toContain(r.appointmentId);
    const referrals = await provider.get('/referrals?status=assessment-scheduled&from=2030-05-13T00:00:00Z&to=2030-05-13');
    expect(referrals.body.map((x: { referralId: string }) => x.referralId)).toEqual([r.referralId]);
    expect((await provider.get('/referrals?status=bogus')).status).toBe(400);
    expect((await provider.get('/appointments?from=yesterday')).status).toBe(400);
    // Shaped like dates but not on the calendar or the clock: they reached the query and failed there (500).
    for (const bad of ['2026-02-30', '2026-13-01', '2026-01-01T25:61:00Z', '0000-00-00', '0000-01-01']) {
      for (const path of [`/appointments?from=${bad}`, `/referrals?to=${bad}`, `/slots?from=${bad}`]) {
        expect(await provider.get(path)).toMatchObject({ status: 400, body: { issues: [{ path: path.includes('to=') ? 'to' : 'from' }] } });
      }
    }
  });

  it('answers 404 for what is unknown or belongs to another provider, changing nothing', async () => {
    const r = await referAndSchedule('2030-05-14T08:00:00Z', 'slough', 'youth');
    await at('2030-05-14T09:00:00Z');
    const outcome = { outcome: 'missed', absenceClass: 'logistics' };
    await expectRefusal(r.referralId, () => api('druglink').post(`/appointments/${r.appointmentId}/assessment-outcome`, outcome), 404, 'appointment-not-found');
    await expectRefusal(r.referralId, () => api(r.providerId).post(`/appointments/${randomUUID()}/assessment-outcome`, outcome), 404, 'appointment-not-found');
    await expectRefusal(r.referralId, () => api(r.providerId).post('/appointments/not-an-id/attendance', { mark: 'attended' }), 404, 'appointment-not-found');
    await expectRefusal(r.referralId, () => api('no-such-provider').post(`/appointments/${r.appointmentId}/assessment-outcome`, outcome), 404, 'provider-not-found');
    await expectRefusal(r.referralId, () => api('druglink').post(`/referrals/${r.referralId}/course`, { startsAt: '2030-05-20T10:00:00Z', modality: 'online' }), 404, 'referral-not-found');
    expect((await api('druglink').get(`/referrals/${r.referralId}`)).status).toBe(404);
    expect((await api(r.providerId).get(`/referrals/${r.referralId}`)).status).toBe(200);
  });

  it('serves the provider directory, free slots (phone cover 08:00-21:00 every day) and its OpenAPI description', async () => {
    const providers = await getJson(`${service.url}/v1/providers`);
    expect(providers.status).toBe(200);
    expect(providers.body.find((p: { providerId: string }) => p.providerId === 'druglink')).toMatchObject({
      weeklyCapacity: 100, annualReferralEstimate: 5000, eveningSlots: true, areas: 'force-wide', booking: { assessorsPerSlot: 2, courseGroupSize: 12 }, modalities: ['in-person', 'phone', 'online', 'video'],
    });
    expect((await getJson(`${service.url}/v1/providers/resilience-cranstoun-west-berkshire`)).body.eveningSlots).toBe(false);
    const slots = await api('druglink').get('/slots?from=2030-05-21&to=2030-05-21'); // a Tuesday in BST
    expect(slots.status).toBe(200);
    expect(slots.body).toHaveLength(26);
    expect(slots.body.at(-1)).toEqual({ startsAt: '2030-05-21T19:30:00.000Z', endsAt: '2030-05-21T20:00:00.000Z', free: 2, capacity: 2 }); // 20:30-21:00 BST
    const sunday = await api('druglink').get('/slots?from=2030-05-26&to=2030-05-26'); // the service is closed; its phone cover is not
    expect(sunday.body).toHaveLength(26);
    expect((await api('druglink').get('/slots?from=2030-05-21&to=2030-05-20')).body.code).toBe('empty-range');
    const docs = await getJson(`${service.url}/docs-json`);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining([
      '/v1/providers/{providerId}/appointments/{appointmentId}/attendance', '/v1/providers/{providerId}/courses/{courseId}/defer',
    ]));
  });

  it('records a missed assessment (acceptable absence); the rebooking the outcome service asks for is a new appointment', async () => {
    const r = await referAndSchedule('2030-05-20T08:00:00Z', 'oxford', 'youth');
    await at('2030-05-20T08:45:00Z');
    const res = await api(r.providerId).post(`/appointments/${r.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'acceptable', notes: 'in hospital' });
    expect(res.status).toBe(200);
    expect(res.body.referralStatus).toBe('assessment-missed');
    const missed = await event<AssessmentMissedData>('AssessmentMissed', r.referralId);
    expect(missed.data).toEqual({
      referralId: r.referralId, appointmentId: r.appointmentId, deadline: '2030-05-21T22:59:59.999Z', detectedBy: 'provider', absenceClass: 'acceptable',
      providerId: r.providerId, recordedBy: 'caseworker-17',
    });
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(RebookingRequested, { referralId: r.referralId, appointmentId: r.appointmentId, absenceClass: 'acceptable' }));
    const moved = await event<AppointmentRescheduledData>('AppointmentRescheduled', r.referralId);
    expect(moved.data).toMatchObject({
      supersededAppointmentId: r.appointmentId, kind: 'assessment', requestedBy: 'outcome-service', startsAt: '2030-05-20T09:00:00.000Z', deadline: '2030-05-21T22:59:59.999Z',
    });
    await waitUntil(async () => (await statusOf(r.referralId)) === 'assessment-scheduled', 'the assessment scheduled again');
  });

  it('defers a course: the sessions not yet held move later at the template interval; the old ones are kept', async () => {
    const r = await referAndSchedule('2030-05-27T08:00:00Z', 'bracknell-forest', 'youth');
    await assess(r);
    const c = await bookCourse(r, '2030-05-29T15:00:00Z'); // Wednesdays 16:00 BST
    const s = c.sessions.map((x) => x.appointmentId);
    await at('2030-05-29T16:05:00Z');
    await mark(r.providerId, s[0], { mark: 'attended' });
    const provider = api(r.providerId);
    await expectRefusal(r.referralId, () => provider.post(`/courses/${c.courseId}/defer`, { startsAt: '2030-06-04T15:00:00Z', requestedBy: 'person', reason: 'exams' }), 422, 'defer-not-later');
    await expectRefusal(r.referralId, () => provider.post(`/courses/${c.courseId}/defer`, { startsAt: '2030-06-21T17:00:00Z', requestedBy: 'person', reason: 'exams' }), 422, 'outside-opening-hours'); // Friday 18:00 BST
    await expectRefusal(r.referralId, () => provider.post(`/courses/${randomUUID()}/defer`, { startsAt: '2030-06-19T15:00:00Z', requestedBy: 'person', reason: 'exams' }), 404, 'course-not-found');

    const res = await provider.post(`/courses/${c.courseId}/defer`, { startsAt: '2030-06-19T15:00:00Z', requestedBy: 'person', reason: 'GCSE exams' });
    expect(res.status).toBe(201);
    expect(res.body.sessions.map((x: { sessionNumber: number; startsAt: string }) => [x.sessionNumber, x.startsAt])).toEqual([
      [2, '2030-06-19T15:00:00.000Z'], [3, '2030-06-26T15:00:00.000Z'], [4, '2030-07-03T15:00:00.000Z'], [5, '2030-07-10T15:00:00.000Z'], [6, '2030-07-17T15:00:00.000Z'],
    ]);
    await waitUntil(() => tap.events('AppointmentRescheduled', r.referralId).length === 5, 'one AppointmentRescheduled per moved session');
    const events = tap.events<AppointmentRescheduledData>('AppointmentRescheduled', r.referralId);
    expect(events.map((e) => e.data.supersededAppointmentId).sort()).toEqual(s.slice(1).sort());
    expect(events.every((e) => e.data.reason === 'GCSE exams' && e.data.requestedBy === 'person')).toBe(true);
    const detail = await provider.get(`/courses/${c.courseId}`);
    expect(detail.body).toMatchObject({ deferCount: 1, lastDeferredBy: 'caseworker-17', status: 'booked' });
    expect(detail.body.sessions.filter((x: { status: string }) => x.status === 'superseded')).toHaveLength(5);
    expect(await statusOf(r.referralId)).toBe('on-course');
  });

  it('re-engaging inside the show-cause window: the provider books the assessment the person asks for while the review is open, and records it', async () => {
    const r = await referAndSchedule('2030-06-03T08:00:00Z', 'reading', 'adult');
    await at(new Date(Date.parse(r.scheduled.startsAt) + 10 * 60_000).toISOString());
    const missed = await api(r.providerId).post(`/appointments/${r.appointmentId}/assessment-outcome`, { outcome: 'missed', absenceClass: 'unacceptable' });
    expect(missed.body.referralStatus).toBe('assessment-missed');
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewOpened, {
      referralId: r.referralId, reviewId: 'rev-3', trigger: 'assessment-missed', openedAt: '2030-06-03T09:00:00Z', showCauseDeadline: '2030-06-10T09:00:00Z',
    }));
    await waitUntil(async () => (await statusOf(r.referralId)) === 'non-compliance-review', 'the review mirrored');

    // The person calls the provider back: their assessment is booked, the missed one kept (superseded), the review still open.
    await at('2030-06-04T10:00:00Z');
    const booked = await api(r.providerId).post(`/referrals/${r.referralId}/assessment`, { startsAt: '2030-06-04T17:00:00Z' });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ startsAt: '2030-06-04T17:00:00.000Z', supersedesId: r.appointmentId, status: 'booked' });
    const moved = await event<AppointmentRescheduledData>('AppointmentRescheduled', r.referralId);
    expect(moved.data).toMatchObject({ supersededAppointmentId: r.appointmentId, appointmentId: booked.body.appointmentId, kind: 'assessment', requestedBy: 'person' });
    expect(await statusOf(r.referralId)).toBe('non-compliance-review');
    await expectRefusal(r.referralId, () => api(r.providerId).post(`/referrals/${r.referralId}/assessment`, {}), 409, 'assessment-already-booked');

    // Held inside the window: recorded as a fact (AssessmentCompleted); the outcome service decides the review.
    await at('2030-06-04T17:20:00Z');
    const held = await api(r.providerId).post(`/appointments/${booked.body.appointmentId}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'Re-engaged; course booked' });
    expect(held.status).toBe(200);
    expect(held.body.referralStatus).toBe('non-compliance-review');
    expect((await event<AssessmentCompletedData>('AssessmentCompleted', r.referralId)).data.appointmentId).toBe(booked.body.appointmentId);
    await expectRefusal(r.referralId, () => api(r.providerId).post(`/referrals/${r.referralId}/assessment`, {}), 409, 'assessment-already-completed');

    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewClosed, { referralId: r.referralId, reviewId: 'rev-3', resolution: 'excused', closedAt: '2030-06-04T17:21:00Z' }));
    await waitUntil(async () => (await statusOf(r.referralId)) === 'excused', 'the review excused');
    expect((await bookCourse(r, '2030-06-11T09:00:00Z')).sessions).toHaveLength(1);
    expect(await statusOf(r.referralId)).toBe('on-course');
  });

  it('re-engaging on a one-session course: the session the person asks for is booked and held under review; the excused review completes the course', async () => {
    const r = await referAndSchedule('2030-06-17T08:00:00Z', 'oxford', 'adult');
    await assess(r);
    const c = await bookCourse(r, '2030-06-18T09:00:00Z'); // Druglink: one session, 10:00-13:00 BST
    await at('2030-06-18T12:05:00Z');
    const missed = await mark(r.providerId, c.sessions[0].appointmentId, { mark: 'did-not-attend', absenceClass: 'unacceptable' });
    expect(missed.body.referralStatus).toBe('non-compliance-review'); // adult tolerance 0
    const asked = await api(r.providerId).post(`/appointments/${c.sessions[0].appointmentId}/reschedule`, { startsAt: '2030-06-20T09:00:00Z', requestedBy: 'person', reason: 'Called back' });
    expect(asked.status).toBe(201);
    await at('2030-06-20T12:05:00Z');
    const attended = await mark(r.providerId, asked.body.appointment.appointmentId, { mark: 'attended' });
    expect(attended.body.referralStatus).toBe('non-compliance-review');
    expect(tap.events('CourseCompleted', r.referralId)).toEqual([]);
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewClosed, { referralId: r.referralId, reviewId: 'rev-4', resolution: 'excused', closedAt: '2030-06-20T12:06:00Z' }));
    const done = await event<CourseCompletedData>('CourseCompleted', r.referralId);
    expect(done.data).toMatchObject({ courseId: c.courseId, sessionsAttended: 1 });
    await waitUntil(async () => (await statusOf(r.referralId)) === 'completed', 'the course completed');
  });
});
