import { randomUUID } from 'node:crypto';
import {
  AppointmentRescheduled, AssessmentCompleted, AssessmentMissed, AssessmentScheduled, CourseBooked, CourseCompleted, CourseMissed, DiversionRefused, ReferralCreated, ReferralDeclined,
  ReferralWithdrawn, SessionAttended, TOPICS,
  type ComplianceReviewClosedData, type ComplianceReviewOpenedData, type CourtResultRecordedData, type DataOf, type DiversionCompletedData, type EventDefinition,
  type EventEnvelope, type NoFurtherDiversionData, type RebookingRequestedData, type ReferralCreatedData, type SummonsRequestedData,
  type SummonsRequestWithdrawnData,
} from '@ddp/contracts';
import { redisOptions, type RunningService } from '@ddp/platform';
import {
  aReferralCreated, ControllableClock, envelopeFor, EventTap, getJson, postJson, queryDatabase, resetDatabase, sendEnvelope, sendEnvelopes, sleep, startTestService, waitForStableGroup,
  testDatabaseUrl, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import { Queue } from 'bullmq';
import type { Producer } from 'kafkajs';
import { outcomeService } from './outcome.service-definition';
import { ComplianceService } from './referrals/compliance.service';
import { REVIEW_WINDOW_QUEUE, ReviewWindowJobs, reviewWindowJobId } from './reviews/review-window.jobs';
import { FiguresService } from './figures/figures.service';

const HOUR = 3_600_000;
/** Every scheme's show-cause window is 168 h; the grace period is 30 min (default). */
const PAST_DECISION = 169 * HOUR;
const PAST_DEADLINE_INSIDE_GRACE = 168 * HOUR + 60_000;

describe('outcome service against real Postgres, Redis and Kafka', () => {
  let clock = new ControllableClock(new Date('2026-11-20T21:00:00Z'));
  // A database and a Redis prefix of this run's own: other engineers' runs of the same suites
  // share this machine (a fixed name would be dropped under us by a concurrent run).
  const run = randomUUID().slice(0, 8);
  const env = testServiceEnv('outcome', { DATABASE_URL: testDatabaseUrl(`outcome_${run}`), REDIS_PREFIX: `ddp-test-outcome-${run}`, FIGURES_FOLD_MS: '3600000' });
  const db = env.DATABASE_URL;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.outcome]);
    producer = await testProducer();
    service = await startTestService(outcomeService(env, clock));
  });

  afterAll(async () => {
    await service?.app.get(ReviewWindowJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await resetDatabase(db);
  });

  // ------------------------------------------------------------------ helpers

  const iso = (d: Date) => d.toISOString();
  const now = () => clock.now();

  async function send<D extends EventDefinition>(definition: D, data: DataOf<D>, occurredAt: Date = now()): Promise<EventEnvelope<DataOf<D>>> {
    const envelope = envelopeFor(definition, data, { occurredAt });
    await sendEnvelope(producer, definition.topic, envelope);
    return envelope;
  }

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await clock.notifyMoved();
  }

  async function statusOf(referralId: string): Promise<string | undefined> {
    const rows = await queryDatabase<{ status: string }>(db, 'SELECT status FROM referral_case WHERE referral_id = $1', [referralId]);
    return rows[0]?.status;
  }

  const waitStatus = (referralId: string, status: string) =>
    waitUntil(async () => (await statusOf(referralId)) === status, `referral ${referralId.slice(0, 8)} to be ${status}`);

  /**
   * What THIS service instance published for a referral, read from its outbox. Another run of
   * this suite (or the e2e stack) on the same broker may consume our input events too and
   * publish under the same keys, so the tap alone cannot tell whose event it sees.
   */
  async function eventsOf<T>(type: string, referralId: string): Promise<Array<EventEnvelope<T>>> {
    const rows = await queryDatabase<{ payload: EventEnvelope<T> }>(db, 'SELECT payload FROM outbox_message WHERE event_type = $1 AND message_key = $2 ORDER BY id', [type, referralId]);
    return rows.map((r) => r.payload);
  }

  /** Waits for this instance to publish a matching event, and for it to reach Kafka. */
  async function waitFor<T>(type: string, referralId: string, match: (e: EventEnvelope<T>) => boolean = () => true): Promise<EventEnvelope<T>> {
    const event = await waitUntil(async () => (await eventsOf<T>(type, referralId)).find(match), `${type} of referral ${referralId.slice(0, 8)}`);
    await tap.waitForEvent(type, (e) => e.eventId === event.eventId);
    return event;
  }

  /**
   * The builder's encounter (June 2020) has an assessment deadline long past by any test
   * clock: a provider-scheduling service under test on the same broker escalates these
   * referrals instead of booking them (and raising its own AssessmentMissed into our journeys).
   */
  async function refer(overrides: Partial<ReferralCreatedData> = {}): Promise<ReferralCreatedData> {
    const data = aReferralCreated(overrides);
    await send(ReferralCreated, data);
    await waitStatus(data.referralId, 'referred');
    return data;
  }

  const SCHEMES = {
    wmAdult: { schemeId: 'windsor-maidenhead-deferred-prosecution-pilot-adult', area: 'windsor-maidenhead', ageBand: 'adult' as const, providerId: 'cranstoun-windsor-maidenhead' },
    wmYouth: { schemeId: 'windsor-maidenhead-pilot-youth', area: 'windsor-maidenhead', ageBand: 'youth' as const, providerId: 'cranstoun-windsor-maidenhead', bwvReference: undefined },
    youth: { schemeId: 'thames-valley-youth-diversion', area: 'reading', ageBand: 'youth' as const, providerId: 'reading-youth-substance-misuse-service', bwvReference: undefined },
    voluntary: { schemeId: 'west-berkshire-voluntary-pilot', area: 'west-berkshire', ageBand: 'adult' as const, providerId: 'resilience-cranstoun-west-berkshire', bwvReference: undefined },
    druglink: { schemeId: 'thames-valley-adult-diversion-druglink', area: 'oxford', ageBand: 'adult' as const, providerId: 'druglink' },
  };

  const assessmentId = (r: ReferralCreatedData) => `ASM-${r.referralId.slice(0, 8)}`;
  const sessionId = (r: ReferralCreatedData, n: number) => `SES-${r.referralId.slice(0, 8)}-${n}`;
  const courseId = (r: ReferralCreatedData) => `CRS-${r.referralId.slice(0, 8)}`;

  async function scheduleAssessment(r: ReferralCreatedData) {
    const startsAt = new Date(now().getTime() + HOUR);
    await send(AssessmentScheduled, {
      referralId: r.referralId, appointmentId: assessmentId(r), providerId: r.providerId ?? 'druglink', startsAt: iso(startsAt),
      endsAt: iso(new Date(startsAt.getTime() + 30 * 60_000)), modality: 'phone', deadline: r.assessmentDeadline,
    });
  }

  async function completeAssessment(r: ReferralCreatedData, completedAt: Date = now()) {
    await send(AssessmentCompleted, { referralId: r.referralId, appointmentId: assessmentId(r), completedAt: iso(completedAt), recordedBy: 'provider-worker-7' });
  }

  async function bookCourse(r: ReferralCreatedData, sessions = 1) {
    const first = new Date(now().getTime() + 24 * HOUR);
    await send(CourseBooked, {
      referralId: r.referralId, courseId: courseId(r), providerId: r.providerId ?? 'druglink',
      sessions: Array.from({ length: sessions }, (_, i) => ({
        appointmentId: sessionId(r, i + 1), startsAt: iso(new Date(first.getTime() + i * 7 * 24 * HOUR)),
        endsAt: iso(new Date(first.getTime() + i * 7 * 24 * HOUR + HOUR)), modality: 'in-person' as const,
      })),
    });
  }

  /** referred → assessment scheduled → assessed → on course. */
  async function onCourse(overrides: Partial<ReferralCreatedData> = {}, sessions = 1): Promise<ReferralCreatedData> {
    const r = await refer(overrides);
    await scheduleAssessment(r);
    await completeAssessment(r);
    await bookCourse(r, sessions);
    await waitStatus(r.referralId, 'on-course');
    return r;
  }

  const missSession = (r: ReferralCreatedData, n: number, absenceClass: 'acceptable' | 'logistics' | 'unacceptable' = 'unacceptable', at: Date = now()) =>
    send(CourseMissed, { referralId: r.referralId, appointmentId: sessionId(r, n), sessionNumber: n, absenceClass, recordedAt: iso(at) });

  const attendSession = (r: ReferralCreatedData, n: number, at: Date = now()) =>
    send(SessionAttended, { referralId: r.referralId, appointmentId: sessionId(r, n), sessionNumber: n, mark: 'attended', recordedAt: iso(at) });

  const completeCourse = (r: ReferralCreatedData, sessionsAttended = 1, at: Date = now(), signposting?: string[]) =>
    send(CourseCompleted, { referralId: r.referralId, courseId: courseId(r), completedAt: iso(at), sessionsAttended, ...(signposting && { signposting }) });

  async function openReviewBySessionMiss(overrides: Partial<ReferralCreatedData> = {}) {
    const r = await onCourse(overrides);
    await missSession(r, 1);
    const opened = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    await waitStatus(r.referralId, 'non-compliance-review');
    return { r, opened };
  }

  async function summonsRow(referralId: string) {
    return (await queryDatabase<{ summons_request_id: string; status: string }>(db, 'SELECT summons_request_id, status FROM summons_request WHERE referral_id = $1', [referralId]))[0];
  }

  async function reviewRows(referralId: string) {
    return queryDatabase<{ review_id: string; status: string; resolution: string | null; superseded_resolution: string | null }>(
      db, 'SELECT review_id, status, resolution, superseded_resolution FROM compliance_review WHERE referral_id = $1 ORDER BY opened_at', [referralId],
    );
  }

  async function jobResult(reviewId: string): Promise<unknown> {
    const queue = service.app.get(ReviewWindowJobs).queue;
    return waitUntil(async () => {
      const job = await queue.getJob(reviewWindowJobId(reviewId));
      return job && (await job.getState()) === 'completed' ? job.returnvalue : undefined;
    }, `window job of review ${reviewId.slice(0, 8)} to complete`);
  }

  // ---------------------------------------------------------- every scheme's consequence

  it('adult deferred prosecution: an unacceptable missed session opens a review; the window closing without re-engagement requests a summons with the evidence package', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    expect(opened.data).toMatchObject({ referralId: r.referralId, trigger: 'course-missed', kind: 'session', absenceClass: 'unacceptable', schemeId: r.schemeId });
    expect(Date.parse(opened.data.showCauseDeadline) - Date.parse(opened.data.openedAt)).toBe(168 * HOUR);

    await advance(PAST_DECISION);
    const summons = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    expect(summons.data).toMatchObject({
      referralId: r.referralId, personRef: r.personRef, schemeId: r.schemeId, area: 'windsor-maidenhead', offenceType: 'possession',
      bwvReference: r.bwvReference, encounterAt: iso(new Date(r.encounterAt)), substance: 'cannabis', officerCollarNumber: 'TV4172', reviewId: opened.data.reviewId,
      showCauseDeadline: opened.data.showCauseDeadline,
    });
    expect(summons.data.reason).toMatch(/did not re-engage before the show-cause deadline/);
    expect(summons.data.attendance).toEqual([
      expect.objectContaining({ appointmentId: assessmentId(r), kind: 'assessment', mark: 'attended' }),
      expect.objectContaining({ appointmentId: sessionId(r, 1), kind: 'session', mark: 'did-not-attend', absenceClass: 'unacceptable', sessionNumber: 1 }),
    ]);
    const closed = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId);
    expect(closed.data).toMatchObject({ reviewId: opened.data.reviewId, resolution: 'summons-requested', summonsRequestId: summons.data.summonsRequestId });
    expect(await statusOf(r.referralId)).toBe('summons-requested');
    expect(await eventsOf('NoFurtherDiversion', r.referralId)).toHaveLength(0);
    // A request is not a charge: no crime outcome until the courts unit records a result.
    expect((await getJson(`${service.url}/v1/referrals/${r.referralId}/compliance`)).body).toMatchObject({ crimeOutcomeCode: null, crimeOutcome: 'pending', courtResult: null });
  });

  it('force-wide youth scheme: the first unacceptable miss is within tolerance (rebooked); the second opens a review that ends in a summons request', async () => {
    const r = await onCourse(SCHEMES.youth, 6);
    await attendSession(r, 1);
    await missSession(r, 2);
    const rebook = await waitFor<RebookingRequestedData>('RebookingRequested', r.referralId);
    expect(rebook.data).toMatchObject({ appointmentId: sessionId(r, 2), absenceClass: 'unacceptable', countsAsFailure: true, kind: 'session' });
    expect(await eventsOf('ComplianceReviewOpened', r.referralId)).toHaveLength(0);

    await missSession(r, 3);
    const opened = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    expect(opened.data.appointmentId).toBe(sessionId(r, 3));
    await advance(PAST_DECISION);
    const summons = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    expect(summons.data).toMatchObject({ schemeId: 'thames-valley-youth-diversion', ageBand: 'youth' });
    expect(summons.data.attendance.map((a) => `${a.kind}:${a.mark}`)).toEqual(['assessment:attended', 'session:attended', 'session:did-not-attend', 'session:did-not-attend']);
    await waitFor('ComplianceReviewClosed', r.referralId, (e: EventEnvelope<ComplianceReviewClosedData>) => e.data.resolution === 'summons-requested');
  });

  it('a missed assessment with no absence class recorded is never a failure: no review, whatever the clock does', async () => {
    const r = await refer(SCHEMES.druglink);
    await scheduleAssessment(r);
    // What an older scheduling service published when its deadline passed with nothing recorded.
    await send(AssessmentMissed, { referralId: r.referralId, appointmentId: assessmentId(r), deadline: r.assessmentDeadline, detectedBy: 'deadline' });
    const recorded = () => queryDatabase<{ mark: string; counts_as_failure: boolean }>(db, 'SELECT mark, counts_as_failure FROM attendance_record WHERE referral_id = $1', [r.referralId]);
    await waitUntil(async () => (await recorded()).length === 1, 'the unclassified miss recorded');
    expect(await recorded()).toEqual([{ mark: 'missed-deadline', counts_as_failure: false }]);
    await advance(PAST_DECISION);
    await sleep(1500);
    expect(await statusOf(r.referralId)).toBe('assessment-scheduled');
    expect(await eventsOf('ComplianceReviewOpened', r.referralId)).toHaveLength(0);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
    // The provider then records what happened: completed, the journey goes on.
    await completeAssessment(r);
    await waitStatus(r.referralId, 'assessed');
  });

  it('voluntary pilot (West Berkshire): a recorded unacceptable missed assessment ends in no further diversion, never a summons', async () => {
    const r = await refer(SCHEMES.voluntary);
    await scheduleAssessment(r);
    await send(AssessmentMissed, { referralId: r.referralId, appointmentId: assessmentId(r), deadline: r.assessmentDeadline, detectedBy: 'provider', absenceClass: 'unacceptable' });
    const opened = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    expect(opened.data).toMatchObject({ trigger: 'assessment-missed', kind: 'assessment' });
    await advance(PAST_DECISION);
    const nfd = await waitFor<NoFurtherDiversionData>('NoFurtherDiversion', r.referralId);
    expect(nfd.data).toMatchObject({ personRef: r.personRef, schemeId: 'west-berkshire-voluntary-pilot', area: 'west-berkshire', reviewId: opened.data.reviewId });
    await waitFor('ComplianceReviewClosed', r.referralId, (e: EventEnvelope<ComplianceReviewClosedData>) => e.data.resolution === 'no-further-diversion');
    await waitStatus(r.referralId, 'no-further-diversion');
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
    expect(await summonsRow(r.referralId)).toBeUndefined();
  });

  it('Windsor & Maidenhead under-18s: no further diversion, never a summons', async () => {
    const { r } = await openReviewBySessionMiss(SCHEMES.wmYouth);
    await advance(PAST_DECISION);
    await waitFor<NoFurtherDiversionData>('NoFurtherDiversion', r.referralId);
    await waitStatus(r.referralId, 'no-further-diversion');
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
  });

  it('completion: Outcome 22 for adult deferred prosecution, Outcome 8 for the youth scheme', async () => {
    const adult = await onCourse(SCHEMES.druglink);
    const youth = await onCourse(SCHEMES.youth, 6);
    await attendSession(adult, 1);
    await completeCourse(adult, 1);
    for (let n = 1; n <= 6; n++) await attendSession(youth, n);
    await completeCourse(youth, 6);
    const a = await waitFor<DiversionCompletedData>('DiversionCompleted', adult.referralId);
    const y = await waitFor<DiversionCompletedData>('DiversionCompleted', youth.referralId);
    expect(a.data).toMatchObject({ crimeOutcomeCode: 22, ending: 'completed', personRef: adult.personRef, schemeId: 'thames-valley-adult-diversion-druglink', area: 'oxford' });
    expect(y.data).toMatchObject({ crimeOutcomeCode: 8, ending: 'completed', schemeId: 'thames-valley-youth-diversion' });
    await waitStatus(adult.referralId, 'completed');
    await waitStatus(youth.referralId, 'completed');
  });

  it('acceptable and logistics absences ask for a rebooking and open no review', async () => {
    const r = await refer(SCHEMES.druglink);
    await scheduleAssessment(r);
    await send(AssessmentMissed, { referralId: r.referralId, appointmentId: assessmentId(r), deadline: r.assessmentDeadline, detectedBy: 'provider', absenceClass: 'logistics' });
    const first = await waitFor<RebookingRequestedData>('RebookingRequested', r.referralId);
    expect(first.data).toMatchObject({ appointmentId: assessmentId(r), absenceClass: 'logistics', countsAsFailure: false, kind: 'assessment' });
    await waitStatus(r.referralId, 'assessment-scheduled');
    await completeAssessment(r);
    await bookCourse(r);
    await waitStatus(r.referralId, 'on-course');
    await missSession(r, 1, 'acceptable');
    await waitFor<RebookingRequestedData>('RebookingRequested', r.referralId, (e) => e.data.absenceClass === 'acceptable');
    await missSession(r, 1, 'logistics');
    await waitUntil(async () => (await eventsOf('RebookingRequested', r.referralId)).length === 3, 'three rebooking requests');
    expect(await statusOf(r.referralId)).toBe('on-course');
    expect(await eventsOf('ComplianceReviewOpened', r.referralId)).toHaveLength(0);
    expect(await reviewRows(r.referralId)).toEqual([]);
  });

  // ----------------------------------------------------------- order and redelivery

  it('a scheduling event that overtakes its ReferralCreated is kept and applied, in order, when the referral arrives', async () => {
    const r = aReferralCreated(SCHEMES.wmAdult);
    await scheduleAssessment(r);
    await send(AssessmentMissed, { referralId: r.referralId, appointmentId: assessmentId(r), deadline: r.assessmentDeadline, detectedBy: 'provider', absenceClass: 'unacceptable' });
    await waitUntil(async () => (await queryDatabase(db, 'SELECT 1 FROM deferred_event WHERE referral_id = $1', [r.referralId])).length === 2, 'both events deferred');
    expect(await eventsOf('ComplianceReviewOpened', r.referralId)).toHaveLength(0);

    await send(ReferralCreated, r);
    await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    await waitStatus(r.referralId, 'non-compliance-review');
    const replayed = await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM deferred_event WHERE referral_id = $1 AND replayed_at IS NOT NULL', [r.referralId]);
    expect(replayed[0].n).toBe(2);
    // Close this journey so later clock moves have nothing of it left to decide.
    await attendSession(r, 1);
    await waitFor('ComplianceReviewClosed', r.referralId);
  });

  it('bursts of ReferralCreated and AssessmentScheduled applied in batches exactly as one by one (history, figures, an overtaking event, two events of one referral in a run)', async () => {
    const area = `burst-${run}`;
    const referrals = Array.from({ length: 30 }, () => aReferralCreated({ ...SCHEMES.druglink, area }));
    const [overtaken, ...rest] = referrals;
    const before = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents;
    await scheduleAssessment(overtaken);
    await waitUntil(async () => (await queryDatabase(db, 'SELECT 1 FROM deferred_event WHERE referral_id = $1', [overtaken.referralId])).length === 1, 'the overtaking event deferred');

    await sendEnvelopes(producer, ReferralCreated.topic, referrals.map((r) => envelopeFor(ReferralCreated, r)));
    await waitStatus(overtaken.referralId, 'assessment-scheduled');
    const startsAt = iso(new Date(now().getTime() + HOUR));
    // The first five are also rebooked and then assessed straight after, in the same run: each event must see the change before it.
    const assessed = rest.slice(0, 5);
    const scheduled = (r: ReferralCreatedData) => envelopeFor(AssessmentScheduled, {
      referralId: r.referralId, appointmentId: assessmentId(r), providerId: r.providerId!, startsAt, endsAt: startsAt, modality: 'phone', deadline: r.assessmentDeadline,
    });
    await sendEnvelopes(producer, AssessmentScheduled.topic, rest.flatMap((r) => assessed.includes(r)
      ? [scheduled(r), scheduled(r), envelopeFor(AssessmentCompleted, { referralId: r.referralId, appointmentId: assessmentId(r), completedAt: iso(now()), recordedBy: 'provider-worker-7' })]
      : [scheduled(r)]));
    await waitUntil(async () => {
      const rows = await queryDatabase<{ status: string; n: number }>(db, 'SELECT status, count(*)::int AS n FROM referral_case WHERE area = $1 GROUP BY 1 ORDER BY 1', [area]);
      return JSON.stringify(rows) === JSON.stringify([{ status: 'assessed', n: 5 }, { status: 'assessment-scheduled', n: 25 }]);
    }, '25 cases assessment-scheduled and 5 assessed');
    const history = await queryDatabase<{ lifecycle_event: string; n: number }>(db,
      'SELECT h.lifecycle_event, count(*)::int AS n FROM referral_status_history h JOIN referral_case c USING (referral_id) WHERE c.area = $1 GROUP BY 1 ORDER BY 1', [area]);
    expect(history).toEqual([
      { lifecycle_event: 'assessment-completed', n: 5 }, { lifecycle_event: 'assessment-scheduled', n: 30 }, { lifecycle_event: 'rebooked', n: 5 }, { lifecycle_event: 'referral-created', n: 30 },
    ]);
    for (const r of assessed) {
      const steps = await queryDatabase<{ from_status: string | null; to_status: string }>(db,
        'SELECT from_status, to_status FROM referral_status_history WHERE referral_id = $1 ORDER BY id', [r.referralId]);
      expect(steps).toEqual([
        { from_status: null, to_status: 'referred' }, { from_status: 'referred', to_status: 'assessment-scheduled' },
        { from_status: 'assessment-scheduled', to_status: 'assessment-scheduled' }, { from_status: 'assessment-scheduled', to_status: 'assessed' },
      ]);
    }
    const firstAssessed = await queryDatabase<{ first_assessed_at: Date | null }>(db, 'SELECT first_assessed_at FROM referral_case WHERE referral_id = $1', [assessed[0].referralId]);
    expect(firstAssessed[0].first_assessed_at).not.toBeNull();
    const stats = (await getJson(`${service.url}/v1/stats?area=${area}`)).body;
    expect(stats.totals.counts.referrals).toBe(30);
    const after = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents;
    expect(after.ReferralCreated - (before.ReferralCreated ?? 0)).toBeGreaterThan(15);
    expect(after.AssessmentScheduled - (before.AssessmentScheduled ?? 0)).toBeGreaterThan(15);
  });

  it('redelivery: the same envelopes produced twice have one effect (one referral, one review, one summons request)', async () => {
    const r = aReferralCreated(SCHEMES.wmAdult);
    const created = envelopeFor(ReferralCreated, r, { occurredAt: now() });
    await sendEnvelope(producer, TOPICS.referral, created);
    await sendEnvelope(producer, TOPICS.referral, created);
    await waitStatus(r.referralId, 'referred');
    await scheduleAssessment(r);
    await completeAssessment(r);
    await bookCourse(r);
    await waitStatus(r.referralId, 'on-course');
    const missed = envelopeFor(CourseMissed, { referralId: r.referralId, appointmentId: sessionId(r, 1), sessionNumber: 1, absenceClass: 'unacceptable', recordedAt: iso(now()) }, { occurredAt: now() });
    await sendEnvelope(producer, TOPICS.scheduling, missed);
    await sendEnvelope(producer, TOPICS.scheduling, missed);
    await waitFor('ComplianceReviewOpened', r.referralId);
    await advance(PAST_DECISION);
    await waitFor('SummonsRequested', r.referralId);
    await sendEnvelope(producer, TOPICS.scheduling, missed); // a third time, after the decision
    await waitFor('ComplianceReviewClosed', r.referralId);
    await sleep(1500);
    expect(await eventsOf('ComplianceReviewOpened', r.referralId)).toHaveLength(1);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(1);
    expect(await eventsOf('ComplianceReviewClosed', r.referralId)).toHaveLength(1);
    expect(await reviewRows(r.referralId)).toHaveLength(1);
    const attendance = await queryDatabase(db, "SELECT 1 FROM attendance_record WHERE referral_id = $1 AND kind = 'session'", [r.referralId]);
    expect(attendance).toHaveLength(1);
  });

  // ------------------------------------------------------- the attendance-versus-window race

  it('race, attendance first: a session attended inside the window excuses the review; the window job then does nothing; completion is Outcome 22', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    await attendSession(r, 1, new Date(now().getTime() + 2 * HOUR));
    const closed = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId);
    expect(closed.data).toMatchObject({ reviewId: opened.data.reviewId, resolution: 'excused' });
    await waitStatus(r.referralId, 'on-course');

    await advance(PAST_DECISION);
    expect(await jobResult(opened.data.reviewId)).toBe('already-excused');
    await completeCourse(r, 1);
    const done = await waitFor<DiversionCompletedData>('DiversionCompleted', r.referralId);
    expect(done.data).toMatchObject({ crimeOutcomeCode: 22, ending: 'excused-completed' });
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
  });

  it('re-engaging at the assessment stage: the assessment the person asks for is booked under review (no effect) and, held inside the window, excuses it', async () => {
    const r = await refer(SCHEMES.druglink);
    await scheduleAssessment(r);
    await send(AssessmentMissed, { referralId: r.referralId, appointmentId: assessmentId(r), deadline: r.assessmentDeadline, detectedBy: 'provider', absenceClass: 'unacceptable' });
    const opened = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    await waitStatus(r.referralId, 'non-compliance-review');
    // The provider books what the person asked for: the review stays open until it is held.
    const again = `${assessmentId(r)}-again`;
    const startsAt = new Date(now().getTime() + 24 * HOUR);
    await send(AppointmentRescheduled, {
      referralId: r.referralId, supersededAppointmentId: assessmentId(r), kind: 'assessment', appointmentId: again, startsAt: iso(startsAt),
      endsAt: iso(new Date(startsAt.getTime() + 30 * 60_000)), modality: 'phone', requestedBy: 'person', reason: 'called back', cancelledOnly: false,
    });
    await sleep(500);
    expect(await statusOf(r.referralId)).toBe('non-compliance-review');
    await send(AssessmentCompleted, { referralId: r.referralId, appointmentId: again, completedAt: iso(new Date(startsAt.getTime() + 20 * 60_000)), recordedBy: 'provider-worker-7' });
    const closed = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId);
    expect(closed.data).toMatchObject({ reviewId: opened.data.reviewId, resolution: 'excused' });
    await waitStatus(r.referralId, 'assessed');
    await advance(PAST_DECISION);
    expect(await jobResult(opened.data.reviewId)).toBe('already-excused');
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
  });

  it('race, attendance in flight: one that happened before the deadline and arrives inside the grace period excuses; the job then does nothing', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.druglink);
    await advance(PAST_DEADLINE_INSIDE_GRACE);
    await attendSession(r, 1, new Date(Date.parse(opened.data.showCauseDeadline) - HOUR));
    await waitFor('ComplianceReviewClosed', r.referralId, (e: EventEnvelope<ComplianceReviewClosedData>) => e.data.resolution === 'excused');
    await advance(HOUR);
    expect(await jobResult(opened.data.reviewId)).toBe('already-excused');
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
  });

  it('race, window job first: an attendance that happened before the deadline but arrives after the decision withdraws the pending summons request automatically', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.druglink);
    await advance(PAST_DECISION);
    const summons = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    await waitStatus(r.referralId, 'summons-requested');

    // The provider recorded the attendance two hours before the deadline; it reaches us now.
    await attendSession(r, 1, new Date(Date.parse(opened.data.showCauseDeadline) - 2 * HOUR));
    const withdrawn = await waitFor<SummonsRequestWithdrawnData>('SummonsRequestWithdrawn', r.referralId);
    expect(withdrawn.data).toMatchObject({ summonsRequestId: summons.data.summonsRequestId, automatic: true, withdrawnBy: 'outcome-service' });
    const corrected = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.resolution === 'excused');
    expect(corrected.data).toMatchObject({ reviewId: opened.data.reviewId, supersedesResolution: 'summons-requested' });
    await waitStatus(r.referralId, 'on-course');
    expect(await summonsRow(r.referralId)).toMatchObject({ status: 'withdrawn' });
    expect(await reviewRows(r.referralId)).toEqual([expect.objectContaining({ resolution: 'excused', superseded_resolution: 'summons-requested' })]);

    await completeCourse(r, 1);
    const done = await waitFor<DiversionCompletedData>('DiversionCompleted', r.referralId);
    expect(done.data).toMatchObject({ crimeOutcomeCode: 22, ending: 'excused-completed' });
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(1);
  });

  it('race, window job first under a no-further-diversion scheme: the decision is superseded by the late in-window attendance', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.voluntary);
    await advance(PAST_DECISION);
    await waitFor('NoFurtherDiversion', r.referralId);
    await waitStatus(r.referralId, 'no-further-diversion');
    await attendSession(r, 1, new Date(Date.parse(opened.data.showCauseDeadline) - HOUR));
    const corrected = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.resolution === 'excused');
    expect(corrected.data.supersedesResolution).toBe('no-further-diversion');
    await waitStatus(r.referralId, 'on-course');
  });

  it('after an automatic withdrawal, a new failure of the same referral reinstates the same request without publishing it again (one request per referral)', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.druglink);
    await advance(PAST_DECISION);
    const first = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    await attendSession(r, 1, new Date(Date.parse(opened.data.showCauseDeadline) - HOUR));
    await waitFor('SummonsRequestWithdrawn', r.referralId);
    await waitStatus(r.referralId, 'on-course');
    await missSession(r, 1);
    const second = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId, (e) => e.data.reviewId !== opened.data.reviewId);
    await advance(PAST_DECISION);
    const closed = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.reviewId === second.data.reviewId);
    expect(closed.data).toMatchObject({ resolution: 'summons-requested', summonsRequestId: first.data.summonsRequestId });
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(1);
    const view = (await getJson(`${service.url}/v1/summons-requests/${first.data.summonsRequestId}`)).body;
    expect(view.status).toBe('pending');
    expect(view.history.map((h: { action: string }) => h.action)).toEqual(['requested', 'withdrawn-automatically', 'reinstated']);
    expect(await queryDatabase(db, 'SELECT 1 FROM summons_request WHERE referral_id = $1', [r.referralId])).toHaveLength(1);
  });

  it('race: an attendance that happened after the deadline does not excuse, even when it arrives before the window job runs', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    await advance(PAST_DEADLINE_INSIDE_GRACE);
    const late = await attendSession(r, 1);
    await waitUntil(async () => (await queryDatabase(db, 'SELECT 1 FROM attendance_record WHERE source_event_id = $1', [late.eventId])).length === 1, 'late attendance recorded');
    expect((await reviewRows(r.referralId))[0].status).toBe('open');
    await advance(HOUR);
    await waitFor('SummonsRequested', r.referralId);
    expect(await jobResult(opened.data.reviewId)).toBe('summons-requested');
  });

  // ------------------------------------------------------------------- people's actions

  it('a supervisor excuses a review inside its window; refused once it is closed or after the deadline', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    const bad = await postJson(`${service.url}/v1/reviews/${opened.data.reviewId}/excuse`, { excusedBy: 'SGT-1' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'reason' })]);

    const ok = await postJson(`${service.url}/v1/reviews/${opened.data.reviewId}/excuse`, { excusedBy: 'SGT-2231', reason: 'Admitted to hospital on the day' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'closed', resolution: 'excused', closedBy: 'SGT-2231' });
    const closed = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId);
    expect(closed.data).toMatchObject({ resolution: 'excused', closedBy: 'SGT-2231' });
    expect(await statusOf(r.referralId)).toBe('excused');
    const again = await postJson(`${service.url}/v1/reviews/${opened.data.reviewId}/excuse`, { excusedBy: 'SGT-2231', reason: 'again' });
    expect(again).toMatchObject({ status: 409, body: { code: 'review-closed' } });

    // The person misses the rebooked session too: a new review, and this time the deadline passes.
    await missSession(r, 1);
    const second = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId, (e) => e.data.reviewId !== opened.data.reviewId);
    await advance(PAST_DEADLINE_INSIDE_GRACE);
    const late = await postJson(`${service.url}/v1/reviews/${second.data.reviewId}/excuse`, { excusedBy: 'SGT-2231', reason: 'too late' });
    expect(late).toMatchObject({ status: 409, body: { code: 'window-closed' } });
    await advance(HOUR);
    await waitFor('SummonsRequested', r.referralId);
  });

  it('a referral withdrawn during an open review closes the review as withdrawn; the window then does nothing', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    await send(ReferralWithdrawn, { referralId: r.referralId, reasonCode: 'evidential-issue', withdrawnBy: 'SGT-9', withdrawnAt: iso(now()) });
    await waitFor('ComplianceReviewClosed', r.referralId, (e: EventEnvelope<ComplianceReviewClosedData>) => e.data.resolution === 'withdrawn');
    await waitStatus(r.referralId, 'withdrawn');
    await advance(PAST_DECISION);
    expect(await jobResult(opened.data.reviewId)).toBe('already-withdrawn');
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
  });

  it('courts unit API: list with filters, the evidence package, acknowledge, court result, and withdraw only while pending', async () => {
    const a = (await openReviewBySessionMiss({ ...SCHEMES.wmAdult, area: 'windsor-maidenhead' })).r;
    const b = (await openReviewBySessionMiss({ ...SCHEMES.druglink, area: 'slough' })).r;
    await advance(PAST_DECISION);
    const sa = await waitFor<SummonsRequestedData>('SummonsRequested', a.referralId);
    const sb = await waitFor<SummonsRequestedData>('SummonsRequested', b.referralId);
    const base = `${service.url}/v1/summons-requests`;

    const list = await getJson(`${base}?status=pending&area=slough&from=${iso(new Date(now().getTime() - HOUR))}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { summonsRequestId: string }) => i.summonsRequestId)).toContain(sb.data.summonsRequestId);
    expect(list.body.items.every((i: { area: string; status: string }) => i.area === 'slough' && i.status === 'pending')).toBe(true);
    expect((await getJson(`${base}?area=slough&to=2020-01-01`)).body.items).toEqual([]);
    expect((await getJson(`${base}?status=nonsense`)).status).toBe(400);

    const one = await getJson(`${base}/${sa.data.summonsRequestId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      status: 'pending', referralId: a.referralId,
      evidence: { offence: { type: 'possession', substance: 'cannabis', drugClass: 'B' }, bwvReference: a.bwvReference, encounterAt: iso(new Date(a.encounterAt)), officerCollarNumber: 'TV4172' },
    });
    expect(one.body.evidence.attendance).toHaveLength(2);
    expect(one.body.evidence.reason).toMatch(/show-cause deadline/);
    expect((await getJson(`${base}/${randomUUID()}`)).status).toBe(404);

    expect((await postJson(`${base}/${sa.data.summonsRequestId}/acknowledge`, {})).status).toBe(400);
    expect((await postJson(`${base}/${sa.data.summonsRequestId}/court-result`, { result: 'summons-issued', recordedBy: 'CU-1' })).body).toMatchObject({ code: 'not-acknowledged' });
    const ack = await postJson(`${base}/${sa.data.summonsRequestId}/acknowledge`, { acknowledgedBy: 'CU-0412' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledged: { by: 'CU-0412', at: expect.any(String) } });
    expect((await postJson(`${base}/${sa.data.summonsRequestId}/acknowledge`, { acknowledgedBy: 'CU-0412' })).body).toMatchObject({ code: 'not-pending' });
    const refused = await postJson(`${base}/${sa.data.summonsRequestId}/withdraw`, { withdrawnBy: 'SGT-2231', reason: 'changed my mind' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'not-pending' } });

    const compliance = async () => (await getJson(`${service.url}/v1/referrals/${a.referralId}/compliance`)).body;
    expect((await postJson(`${base}/${sa.data.summonsRequestId}/court-result`, { result: 'other', recordedBy: 'CU-0412' })).status).toBe(200);
    expect(await compliance()).toMatchObject({ crimeOutcomeCode: null, crimeOutcome: 'pending', courtResult: 'other' });
    const result = await postJson(`${base}/${sa.data.summonsRequestId}/court-result`, { result: 'summons-issued', recordedBy: 'CU-0412', hearingDate: '2027-01-14' });
    expect(result.status).toBe(200);
    expect(result.body.courtResult).toMatchObject({ result: 'summons-issued', crimeOutcome: 'recorded' });
    expect(await compliance()).toMatchObject({ crimeOutcomeCode: 1, crimeOutcome: 'recorded', courtResult: 'summons-issued' });
    const issued = await waitFor<CourtResultRecordedData>('CourtResultRecorded', a.referralId, (e) => e.data.result === 'summons-issued');
    expect(issued.data).toMatchObject({ summonsRequestId: sa.data.summonsRequestId, crimeOutcome: 'recorded', crimeOutcomeCode: 1, hearingDate: '2027-01-14', recordedBy: 'CU-0412', supersedes: 'other' });
    const final = await postJson(`${base}/${sa.data.summonsRequestId}/court-result`, { result: 'guilty', recordedBy: 'CU-0007', notes: 'fined' });
    expect(final.body).toMatchObject({ status: 'court-result-recorded', courtResult: { result: 'guilty', recordedBy: 'CU-0007', notes: 'fined' } });
    expect(final.body.history.map((h: { action: string }) => h.action)).toEqual(['requested', 'acknowledged', 'court-result-recorded', 'court-result-recorded', 'court-result-recorded']);
    expect(final.body.history[4].detail).toMatchObject({ supersedes: 'summons-issued' });
    expect(await compliance()).toMatchObject({ crimeOutcomeCode: 1, crimeOutcome: 'recorded' });
    expect((await postJson(`${base}/${sa.data.summonsRequestId}/court-result`, { result: 'made-up', recordedBy: 'CU-0007' })).status).toBe(400);

    const withdraw = await postJson(`${base}/${sb.data.summonsRequestId}/withdraw`, { withdrawnBy: 'SGT-2231', reason: 'Medical evidence received for the day of the session' });
    expect(withdraw.status).toBe(200);
    expect(withdraw.body).toMatchObject({ status: 'withdrawn', withdrawn: { by: 'SGT-2231', automatic: false } });
    const event = await waitFor<SummonsRequestWithdrawnData>('SummonsRequestWithdrawn', b.referralId);
    expect(event.data).toMatchObject({ summonsRequestId: sb.data.summonsRequestId, withdrawnBy: 'SGT-2231', reason: 'Medical evidence received for the day of the session' });
    expect((await postJson(`${base}/${sb.data.summonsRequestId}/withdraw`, { withdrawnBy: 'SGT-2231', reason: 'twice' })).body).toMatchObject({ code: 'not-pending' });
    expect((await postJson(`${base}/${sb.data.summonsRequestId}/acknowledge`, { acknowledgedBy: 'CU-1' })).status).toBe(409);

    // An in-window attendance arriving after acknowledgement is recorded on the request, not acted on.
    await attendSession(a, 1, new Date(Date.parse(sa.data.showCauseDeadline!) - HOUR));
    await waitUntil(async () => (await getJson(`${base}/${sa.data.summonsRequestId}`)).body.lateReengagementAt, 'late re-engagement recorded on the request');
    expect((await getJson(`${base}/${sa.data.summonsRequestId}`)).body.status).toBe('court-result-recorded');
    expect(await eventsOf('SummonsRequestWithdrawn', a.referralId)).toHaveLength(0);
  });

  // ------------------------------------------------------------ restarts and replicas

  it('restart between the review opening and the window closing: the job survives in Redis (or is restored at boot) and fires once', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    const lost = await openReviewBySessionMiss(SCHEMES.druglink);
    await service.stop();
    // Redis loses the second review's job while the service is down.
    const queue = new Queue(REVIEW_WINDOW_QUEUE, { connection: redisOptions(env.REDIS_URL ?? 'redis://127.0.0.1:6379'), prefix: env.REDIS_PREFIX });
    await (await queue.getJob(reviewWindowJobId(lost.opened.data.reviewId)))!.remove();
    await queue.close();
    // A new clock for the new instance (the old instance's listener stays on the old one).
    clock = new ControllableClock(clock.now());
    service = await startTestService(outcomeService(env, clock), { fresh: false });
    for (const reviewId of [opened.data.reviewId, lost.opened.data.reviewId]) {
      const job = await service.app.get(ReviewWindowJobs).queue.getJob(reviewWindowJobId(reviewId));
      expect(await job?.getState()).toBe('delayed');
    }
    await advance(PAST_DECISION);
    await waitFor('SummonsRequested', r.referralId);
    await waitFor('SummonsRequested', lost.r.referralId);
    await sleep(1000);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(1);
    expect(await eventsOf('SummonsRequested', lost.r.referralId)).toHaveLength(1);
  });

  it('several replicas deciding the same window at once (and again): exactly one summons request', async () => {
    const { r, opened } = await openReviewBySessionMiss(SCHEMES.wmAdult);
    clock.advance(PAST_DECISION); // no notify: the job stays delayed; the replicas race by hand
    const otherClock = new ControllableClock(clock.now());
    const replica = await startTestService(outcomeService(env, otherClock), { fresh: false });
    try {
      const a = service.app.get(ComplianceService);
      const b = replica.app.get(ComplianceService);
      const results = await Promise.all([a.closeWindow(opened.data), b.closeWindow(opened.data), a.closeWindow(opened.data), b.closeWindow(opened.data)]);
      expect(results.filter((x) => x === 'summons-requested')).toHaveLength(1);
      expect(results.filter((x) => x === 'already-summons-requested')).toHaveLength(3);
    } finally {
      await replica.stop();
    }
    // The replica's leaving rebalances the group: later tests need this instance to own every partition again.
    await waitForStableGroup(outcomeService(env, clock));
    await clock.notifyMoved(); // the real job now runs too, and finds the review decided
    expect(await jobResult(opened.data.reviewId)).toBe('already-summons-requested');
    await waitFor('SummonsRequested', r.referralId);
    await sleep(1000);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(1);
    expect(await queryDatabase(db, 'SELECT 1 FROM summons_request WHERE referral_id = $1', [r.referralId])).toHaveLength(1);
  });

  // -------------------------------------------------------------------- the figures

  it('scheme figures match a known set of journeys (counts, rates, fairness dimensions, reference figures)', async () => {
    // Cohort: youth scheme, March 2025, in an area code of this run's own: every run of this
    // suite on the broker (and any other service instance) counts the others' journeys too.
    const area = `test-area-${run}`;
    const youth = (sex: 'female' | 'male' | undefined) => ({
      schemeId: 'thames-valley-youth-diversion', area, ageBand: 'youth' as const, providerId: 'oxford-youth-substance-misuse-service', bwvReference: undefined,
      encounterAt: '2025-03-10T19:00:00Z', assessmentDeadline: '2025-03-11T23:59:59.999Z', ...(sex ? { equality: { sex } } : {}),
    });
    const within = new Date('2025-03-11T10:00:00Z');
    const late = new Date('2025-03-12T10:00:00Z');
    const y1 = await refer({ ...youth('female'), substance: 'khat', quantityBasis: 'officer-judgement' });
    const y2 = await refer(youth('male'));
    const y3 = await refer(youth('male'));
    const y4 = await refer(youth('female'));
    const y5 = await refer(youth(undefined));
    await send(ReferralDeclined, {
      referralId: randomUUID(), encounterId: 'ENC-d1', personRef: 'PNC-d1', area, ageBand: 'youth', reasons: ['quantity-above-threshold'],
      schemeConsidered: 'thames-valley-youth-diversion', encounterAt: '2025-03-20T12:00:00Z', officerCollarNumber: 'TV1', equality: { sex: 'female' },
    });
    // Issue 18, point 10: a refusal is its own decision, counted apart from the decline.
    await send(DiversionRefused, {
      referralId: randomUUID(), encounterId: 'ENC-x1', personRef: 'PNC-x1', schemeId: 'thames-valley-youth-diversion', area, ageBand: 'youth',
      offenceType: 'possession', encounterAt: '2025-03-21T12:00:00Z', officerCollarNumber: 'TV1',
    });
    for (const [r, at] of [[y1, within], [y2, within], [y3, late], [y5, within]] as const) {
      await scheduleAssessment(r);
      await completeAssessment(r, at);
      await bookCourse(r, 6);
    }
    await send(ReferralWithdrawn, { referralId: y4.referralId, reasonCode: 'referred-in-error', withdrawnBy: 'SGT-9', withdrawnAt: iso(now()) });
    await completeCourse(y1, 6, now(), ['drug-treatment', 'peer-support']);
    await completeCourse(y2, 6);
    await missSession(y3, 1);
    await missSession(y3, 2);
    await waitFor('ComplianceReviewOpened', y3.referralId);
    await advance(PAST_DECISION);
    await waitFor('SummonsRequested', y3.referralId);
    await waitStatus(y4.referralId, 'withdrawn');
    await waitStatus(y1.referralId, 'completed');
    await waitStatus(y2.referralId, 'completed');

    const url = `${service.url}/v1/stats?schemeId=thames-valley-youth-diversion&area=${area}&from=2025-03&to=2025-03`;
    const stats = await waitUntil(async () => {
      const res = await getJson(url);
      const c = res.body?.totals?.counts;
      return c?.declines === 1 && c.summonsRequests === 1 && c.refusals === 1 ? res.body : undefined;
    }, 'the figures');
    expect(stats.totals.counts).toEqual({
      referrals: 5, declines: 1, withdrawals: 1, assessmentsCompleted: 4, assessmentsWithinDeadline: 3, completions: 2,
      reviewsOpened: 1, reviewsExcused: 0, summonsRequests: 1, summonsWithdrawn: 0, noFurtherDiversions: 0,
      refusals: 1, quantitiesJudgedByOfficer: 1, signpostedCompletions: 1,
    });
    expect(stats.totals.rates).toEqual({
      cohort: 4, completionRate: 0.5, engagementRate: 1, assessmentWithinDeadlineRate: 0.75, shareNotSentToCourt: 0.75, noFurtherDiversionRate: 0, declineShare: 0.1667,
      refusalShare: 0.1667, signpostedShare: 0.5,
    });
    expect(stats.rows).toEqual([expect.objectContaining({ schemeId: 'thames-valley-youth-diversion', area, month: '2025-03' })]);

    const bySex = (await getJson(`${url}&by=sex`)).body;
    const cell = (sex: string) => bySex.rows.find((row: { sex: string }) => row.sex === sex);
    expect(cell('female').counts).toMatchObject({ referrals: 2, declines: 1, withdrawals: 1, completions: 1 });
    expect(cell('female').rates.completionRate).toBe(1);
    expect(cell('male').counts).toMatchObject({ referrals: 2, completions: 1, summonsRequests: 1 });
    expect(cell('male').rates).toMatchObject({ completionRate: 0.5, shareNotSentToCourt: 0.5 });
    expect(cell('not-recorded').counts).toMatchObject({ referrals: 1, completions: 0 });

    const refs = stats.referenceFigures as Array<{ id: string; kind: string; value: number; source: string; platform: { value: number } }>;
    expect(refs.map((f) => f.id).sort()).toEqual(['youth-completion', 'youth-engagement']);
    expect(refs.every((f) => f.kind === 'reference' && f.source.startsWith('seeds/'))).toBe(true);
    expect(refs.find((f) => f.id === 'youth-completion')).toMatchObject({ value: 0.8, platform: { value: 0.5 } });
    expect((await getJson(`${url}&by=colour`)).status).toBe(400);
    // Names every object has (they were looked up with `in`, and the SQL built from them failed: 500).
    for (const by of ['__proto__', 'constructor', 'toString', 'scheme,hasOwnProperty']) {
      expect(await getJson(`${url}&by=${by}`)).toMatchObject({ status: 400, body: { issues: [{ path: 'by', rule: 'matches' }] } });
    }
    // An integer past PostgreSQL's bigint in the worklist's paging (it reached the OFFSET: 500, found by the fuzz).
    expect(await getJson(`${service.url}/v1/summons-requests?offset=1e30`)).toMatchObject({ status: 400, body: { issues: [{ path: 'offset' }] } });
    expect((await getJson(`${service.url}/v1/summons-requests?offset=${Number.MAX_SAFE_INTEGER}`)).status).toBe(200);

    // Folding the deltas into the per-cell counters changes no figure, and leaves none of this cohort's deltas behind.
    const pending = () => queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM scheme_figure_delta WHERE area = $1', [area]);
    expect((await pending())[0].n).toBeGreaterThan(0);
    expect(await service.app.get(FiguresService).fold()).toBeGreaterThan(0);
    expect(await pending()).toEqual([{ n: 0 }]);
    const folded = (await getJson(`${url}&by=sex`)).body;
    expect(folded.totals).toEqual(bySex.totals);
    expect(folded.rows).toEqual(bySex.rows);
  });
});
