import { randomUUID } from 'node:crypto';
import {
  AssessmentCompleted, AssessmentScheduled, CourseBooked, CourseMissed, ReferralCreated, SessionAttended, TOPICS,
  type ComplianceReviewClosedData, type ComplianceReviewOpenedData, type DataOf, type EventDefinition, type EventEnvelope,
  type ReferralCreatedData, type SummonsRequestedData,
} from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  aReferralCreated, ControllableClock, envelopeFor, EventTap, getJson, queryDatabase, resetDatabase, sendEnvelope, sleep, startTestService,
  testDatabaseUrl, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { outcomeService } from '../outcome.service-definition';
import { ComplianceService } from '../referrals/compliance.service';
import { ReviewWindowJobs } from '../reviews/review-window.jobs';

const HOUR = 3_600_000;
/** Past the 168 h show-cause window and the 30 min grace period. */
const PAST_DECISION = 169 * HOUR;
/** Generous: the machine is shared and often loaded; nothing here is a timing assertion. */
const PATIENCE_MS = 90_000;

/**
 * The rule: a referral's summons request is published (SummonsRequested) exactly once,
 * whatever arrives after it: redelivered events, a late in-window re-engagement that
 * withdraws it automatically, a later failure that reinstates it, and several deciders
 * closing the same window at once.
 */
describe('outcome service: a referral\'s summons request is published once', () => {
  const clock = new ControllableClock(new Date('2026-11-20T21:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const env = testServiceEnv('outcome_summons_once', { DATABASE_URL: testDatabaseUrl(`outcome_summons_once_${run}`), REDIS_PREFIX: `ddp-test-summons-once-${run}` });
  const db = env.DATABASE_URL;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.outcome]);
    producer = await testProducer();
    service = await startTestService(outcomeService(env, clock));
  }, 180_000);

  afterAll(async () => {
    await service?.app.get(ReviewWindowJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await resetDatabase(db);
  });

  const iso = (d: Date) => d.toISOString();
  const now = () => clock.now();

  async function send<D extends EventDefinition>(definition: D, data: DataOf<D>): Promise<EventEnvelope<DataOf<D>>> {
    const envelope = envelopeFor(definition, data, { occurredAt: now() });
    await sendEnvelope(producer, definition.topic, envelope);
    return envelope;
  }

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await clock.notifyMoved();
  }

  /** What this instance published for the referral, from its own outbox (other runs share the broker). */
  async function eventsOf<T>(type: string, referralId: string): Promise<Array<EventEnvelope<T>>> {
    const rows = await queryDatabase<{ payload: EventEnvelope<T> }>(db, 'SELECT payload FROM outbox_message WHERE event_type = $1 AND message_key = $2 ORDER BY id', [type, referralId]);
    return rows.map((r) => r.payload);
  }

  async function waitFor<T>(type: string, referralId: string, match: (e: EventEnvelope<T>) => boolean = () => true): Promise<EventEnvelope<T>> {
    return waitUntil(async () => (await eventsOf<T>(type, referralId)).find(match), `${type} of referral ${referralId.slice(0, 8)}`, PATIENCE_MS);
  }

  async function statusOf(referralId: string): Promise<string | undefined> {
    const rows = await queryDatabase<{ status: string }>(db, 'SELECT status FROM referral_case WHERE referral_id = $1', [referralId]);
    return rows[0]?.status;
  }

  const waitStatus = (referralId: string, status: string) =>
    waitUntil(async () => (await statusOf(referralId)) === status, `referral ${referralId.slice(0, 8)} to be ${status}`, PATIENCE_MS);

  const sessionId = (r: ReferralCreatedData) => `SES-${r.referralId.slice(0, 8)}-1`;

  /** An adult under the force-wide deferred-prosecution scheme, assessed and on a one-session course. */
  async function onCourse(): Promise<ReferralCreatedData> {
    const r = aReferralCreated({ schemeId: 'thames-valley-adult-diversion-druglink', area: 'oxford', ageBand: 'adult', providerId: 'druglink' });
    await send(ReferralCreated, r);
    await waitStatus(r.referralId, 'referred');
    const assessmentId = `ASM-${r.referralId.slice(0, 8)}`;
    const startsAt = new Date(now().getTime() + HOUR);
    await send(AssessmentScheduled, {
      referralId: r.referralId, appointmentId: assessmentId, providerId: 'druglink', startsAt: iso(startsAt),
      endsAt: iso(new Date(startsAt.getTime() + 30 * 60_000)), modality: 'phone', deadline: r.assessmentDeadline,
    });
    await send(AssessmentCompleted, { referralId: r.referralId, appointmentId: assessmentId, completedAt: iso(now()), recordedBy: 'provider-worker-7' });
    const first = new Date(now().getTime() + 24 * HOUR);
    await send(CourseBooked, {
      referralId: r.referralId, courseId: `CRS-${r.referralId.slice(0, 8)}`, providerId: 'druglink',
      sessions: [{ appointmentId: sessionId(r), startsAt: iso(first), endsAt: iso(new Date(first.getTime() + HOUR)), modality: 'in-person' }],
    });
    await waitStatus(r.referralId, 'on-course');
    return r;
  }

  const missSession = (r: ReferralCreatedData) =>
    send(CourseMissed, { referralId: r.referralId, appointmentId: sessionId(r), sessionNumber: 1, absenceClass: 'unacceptable', recordedAt: iso(now()) });

  /** A miss opens a review; returns it once the referral is under review. */
  async function failAgain(r: ReferralCreatedData, known: string[]): Promise<{ missed: EventEnvelope; review: EventEnvelope<ComplianceReviewOpenedData> }> {
    const missed = await missSession(r);
    const review = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId, (e) => !known.includes(e.data.reviewId));
    await waitStatus(r.referralId, 'non-compliance-review');
    return { missed, review };
  }

  /** The provider's attendance, recorded an hour before the deadline, reaching the service after the decision. */
  async function lateReengagement(r: ReferralCreatedData, review: EventEnvelope<ComplianceReviewOpenedData>): Promise<void> {
    await send(SessionAttended, {
      referralId: r.referralId, appointmentId: sessionId(r), sessionNumber: 1, mark: 'attended',
      recordedAt: iso(new Date(Date.parse(review.data.showCauseDeadline) - HOUR)),
    });
    await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.reviewId === review.data.reviewId && e.data.resolution === 'excused');
    await waitStatus(r.referralId, 'on-course');
  }

  it('withdrawn automatically, then failing again twice (with redeliveries and concurrent deciders): one SummonsRequested, the same request reinstated', async () => {
    const r = await onCourse();

    // 1. First failure: the window closes, the request goes out.
    const first = await failAgain(r, []);
    await advance(PAST_DECISION);
    const requested = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    await waitStatus(r.referralId, 'summons-requested');

    // 2. A re-engagement inside the window arrives late: the pending request is withdrawn automatically.
    await lateReengagement(r, first.review);
    await waitFor('SummonsRequestWithdrawn', r.referralId);

    // 3. A new failure: its window closes, decided by the job and by three more deciders at once.
    const second = await failAgain(r, [first.review.data.reviewId]);
    await advance(PAST_DECISION);
    const compliance = service.app.get(ComplianceService);
    const decisions = await Promise.all([1, 2, 3].map(() => compliance.closeWindow({ reviewId: second.review.data.reviewId })));
    expect(decisions.filter((d) => d === 'summons-requested').length).toBeLessThanOrEqual(1);
    const reinstated = await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.reviewId === second.review.data.reviewId);
    expect(reinstated.data).toMatchObject({ resolution: 'summons-requested', summonsRequestId: requested.data.summonsRequestId });
    await waitStatus(r.referralId, 'summons-requested');

    // 4. Redeliveries of what led to it: the first miss, the second miss, the late attendance's trigger.
    await sendEnvelope(producer, TOPICS.scheduling, first.missed);
    await sendEnvelope(producer, TOPICS.scheduling, second.missed);

    // 5. Once more: withdrawn automatically by a late re-engagement, then a third failure reinstates it again.
    await lateReengagement(r, second.review);
    const third = await failAgain(r, [first.review.data.reviewId, second.review.data.reviewId]);
    await advance(PAST_DECISION);
    await waitFor<ComplianceReviewClosedData>('ComplianceReviewClosed', r.referralId, (e) => e.data.reviewId === third.review.data.reviewId && e.data.resolution === 'summons-requested');
    await waitStatus(r.referralId, 'summons-requested');
    await sleep(1500); // anything still in flight would be in the outbox by now

    const published = await eventsOf<SummonsRequestedData>('SummonsRequested', r.referralId);
    expect(published.map((e) => e.data.summonsRequestId)).toEqual([requested.data.summonsRequestId]);
    const rows = await queryDatabase<{ status: string }>(db, 'SELECT status FROM summons_request WHERE referral_id = $1', [r.referralId]);
    expect(rows).toEqual([{ status: 'pending' }]);
    const view = (await getJson(`${service.url}/v1/summons-requests/${requested.data.summonsRequestId}`)).body;
    expect(view.history.map((h: { action: string }) => h.action)).toEqual(['requested', 'withdrawn-automatically', 'reinstated', 'withdrawn-automatically', 'reinstated']);
    const compliant = (await getJson(`${service.url}/v1/referrals/${r.referralId}/compliance`)).body;
    expect(compliant).toMatchObject({ status: 'summons-requested', summonsRequestId: requested.data.summonsRequestId });
  }, 15 * 60_000);
});
