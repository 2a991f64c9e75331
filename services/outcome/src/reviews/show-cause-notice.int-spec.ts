import { randomUUID } from 'node:crypto';
import {
  AssessmentCompleted, AssessmentScheduled, CourseBooked, CourseMissed, NotificationDeliveryReported, ReferralCreated,
  type ComplianceReviewOpenedData, type DataOf, type EventDefinition, type EventEnvelope, type ReferralCreatedData, type SummonsRequestedData,
} from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  aReferralCreated, ControllableClock, envelopeFor, getJson, postJson, queryDatabase, resetDatabase, sendEnvelope, sleep, startTestService,
  testDatabaseUrl, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { outcomeService } from '../outcome.service-definition';
import { ReviewWindowJobs } from './review-window.jobs';

const HOUR = 3_600_000;
const PATIENCE_MS = 90_000;

/**
 * The rule: a show-cause window never closes on a notice that was not confirmed to have
 * reached the person. It counts from the confirmation (a delivery receipt, or the provider's
 * recorded call), and a review whose notice was never confirmed is held open.
 */
describe('outcome service: the show-cause window counts from the notice reaching the person', () => {
  const clock = new ControllableClock(new Date('2026-11-23T10:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const env = testServiceEnv('outcome_notice', {
    DATABASE_URL: testDatabaseUrl(`outcome_notice_${run}`), REDIS_PREFIX: `ddp-test-notice-${run}`, SHOW_CAUSE_NOTICE_CONFIRMATION: 'required',
  });
  const db = env.DATABASE_URL;
  let service: RunningService;
  let producer: Producer;

  beforeAll(async () => {
    producer = await testProducer();
    service = await startTestService(outcomeService(env, clock));
  }, 180_000);

  afterAll(async () => {
    await service?.app.get(ReviewWindowJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await producer?.disconnect();
    await resetDatabase(db);
  });

  const iso = (d: Date) => d.toISOString();
  const now = () => clock.now();

  async function send<D extends EventDefinition>(definition: D, data: DataOf<D>): Promise<void> {
    await sendEnvelope(producer, definition.topic, envelopeFor(definition, data, { occurredAt: now() }));
  }

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await clock.notifyMoved();
  }

  async function eventsOf<T>(type: string, referralId: string): Promise<Array<EventEnvelope<T>>> {
    const rows = await queryDatabase<{ payload: EventEnvelope<T> }>(db, 'SELECT payload FROM outbox_message WHERE event_type = $1 AND message_key = $2 ORDER BY id', [type, referralId]);
    return rows.map((r) => r.payload);
  }

  const waitFor = <T>(type: string, referralId: string) =>
    waitUntil(async () => (await eventsOf<T>(type, referralId))[0], `${type} of referral ${referralId.slice(0, 8)}`, PATIENCE_MS);

  /** The clock flows in real time between two readings: a deadline a full window after "now" is within seconds of it. */
  const aWindowFromNow = (deadline: string) => {
    const ahead = Date.parse(deadline) - now().getTime();
    expect(ahead).toBeGreaterThan(168 * HOUR - 60_000);
    expect(ahead).toBeLessThanOrEqual(168 * HOUR);
  };

  const notice = async (reviewId: string) => (await getJson(`${service.url}/v1/reviews/${reviewId}/notice`)).body;

  /** An adult on a one-session course who misses it: the review is open. */
  async function underReview(): Promise<{ r: ReferralCreatedData; review: ComplianceReviewOpenedData }> {
    const r = aReferralCreated({ schemeId: 'thames-valley-adult-diversion-druglink', area: 'oxford', ageBand: 'adult', providerId: 'druglink' });
    await send(ReferralCreated, r);
    const id = r.referralId.slice(0, 8);
    const startsAt = new Date(now().getTime() + HOUR);
    await send(AssessmentScheduled, {
      referralId: r.referralId, appointmentId: `ASM-${id}`, providerId: 'druglink', startsAt: iso(startsAt), endsAt: iso(new Date(startsAt.getTime() + 30 * 60_000)),
      modality: 'phone', deadline: r.assessmentDeadline,
    });
    await send(AssessmentCompleted, { referralId: r.referralId, appointmentId: `ASM-${id}`, completedAt: iso(now()), recordedBy: 'provider-worker-7' });
    const first = new Date(now().getTime() + 24 * HOUR);
    await send(CourseBooked, {
      referralId: r.referralId, courseId: `CRS-${id}`, providerId: 'druglink',
      sessions: [{ appointmentId: `SES-${id}-1`, startsAt: iso(first), endsAt: iso(new Date(first.getTime() + HOUR)), modality: 'in-person' }],
    });
    await send(CourseMissed, { referralId: r.referralId, appointmentId: `SES-${id}-1`, sessionNumber: 1, absenceClass: 'unacceptable', recordedAt: iso(now()) });
    const opened = await waitFor<ComplianceReviewOpenedData>('ComplianceReviewOpened', r.referralId);
    return { r, review: opened.data };
  }

  async function delivered(r: ReferralCreatedData, reviewId: string, status = 'delivered'): Promise<void> {
    await send(NotificationDeliveryReported, {
      notificationId: `show-cause:${reviewId}:person`, referralId: r.referralId, channel: 'sms', recipientRole: 'person', template: 'show-cause',
      status, reportedAt: iso(now()), reviewId,
    });
  }

  it('a notice never confirmed: the window does not close, however long; the provider\'s recorded call starts a full window', async () => {
    const { r, review } = await underReview();
    await delivered(r, review.reviewId, 'permanent-failure'); // a failure confirms nothing
    // Nor does a guardian's copy reaching the guardian (issue 18: a young person's notices are copied): the person was not told.
    await send(NotificationDeliveryReported, {
      notificationId: `show-cause:${review.reviewId}:guardian`, referralId: r.referralId, channel: 'email', recipientRole: 'guardian', template: 'show-cause',
      status: 'delivered', reportedAt: iso(now()), reviewId: review.reviewId,
    });
    await advance(10 * 24 * HOUR);
    await sleep(2000); // the window job has run (and held the review) by now
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
    expect(await notice(review.reviewId)).toMatchObject({ status: 'open', notice: null });
    const awaiting = async () => ((await getJson(`${service.url}/v1/reviews/awaiting-notice`)).body.items as Array<{ reviewId: string; held: boolean }>).find((i) => i.reviewId === review.reviewId);
    expect(await awaiting()).toMatchObject({ referralId: r.referralId, held: true });

    const called = await postJson(`${service.url}/v1/reviews/${review.reviewId}/notice-confirmed`, { confirmedBy: 'DL-WORKER-12', via: 'phone' });
    expect(called.status).toBe(200);
    expect(called.body).toMatchObject({ status: 'open', notice: { via: 'phone', by: 'DL-WORKER-12' } });
    aWindowFromNow(called.body.showCauseDeadline);
    expect((await postJson(`${service.url}/v1/reviews/${review.reviewId}/notice-confirmed`, { confirmedBy: 'x', via: 'pigeon' })).status).toBe(400);
    expect(await awaiting()).toBeUndefined();

    await advance(167 * HOUR);
    await sleep(1500);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
    await advance(2 * HOUR);
    const summons = await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
    expect(summons.data.showCauseDeadline).toBe(called.body.showCauseDeadline);
  }, 10 * 60_000);

  it('a delivery receipt that comes late moves the deadline to a full window after it', async () => {
    const { r, review } = await underReview();
    await advance(30 * HOUR);
    await delivered(r, review.reviewId);
    await waitUntil(async () => (await notice(review.reviewId)).notice ?? undefined, 'the receipt to be applied', PATIENCE_MS);
    const moved = await notice(review.reviewId);
    expect(moved).toMatchObject({ notice: { via: 'sms', by: 'notify-delivery-receipt' } });
    aWindowFromNow(moved.showCauseDeadline);

    await advance(140 * HOUR); // past the original deadline and its grace: 170 h after opening
    await sleep(1500);
    expect(await eventsOf('SummonsRequested', r.referralId)).toHaveLength(0);
    await advance(30 * HOUR);
    await waitFor<SummonsRequestedData>('SummonsRequested', r.referralId);
  }, 10 * 60_000);

  it('a closed review is not reopened by a confirmation', async () => {
    const { r, review } = await underReview();
    await delivered(r, review.reviewId);
    await waitUntil(async () => (await notice(review.reviewId)).notice ?? undefined, 'the receipt to be applied', PATIENCE_MS);
    await advance(170 * HOUR);
    await waitFor('SummonsRequested', r.referralId);
    const again = await postJson(`${service.url}/v1/reviews/${review.reviewId}/notice-confirmed`, { confirmedBy: 'DL-WORKER-12', via: 'phone' });
    expect(again).toMatchObject({ status: 409, body: { code: 'review-closed' } });
    expect((await getJson(`${service.url}/v1/reviews/${randomUUID()}/notice`)).status).toBe(404);
  }, 10 * 60_000);
});
