import { randomUUID } from 'node:crypto';
import {
  AssessmentCompleted, AssessmentScheduled, CourseBooked, CourseMissed, ReferralCreated, type DataOf, type EventDefinition, type EventEnvelope,
  type ReferralCreatedData,
} from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  aReferralCreated, ControllableClock, envelopeFor, postJson, queryDatabase, resetDatabase, startTestService, testDatabaseUrl, testServiceEnv, waitUntil, loseRedisData,
} from '@ddp/testing';
import { DataSource } from 'typeorm';
import { outcomeService } from '../outcome.service-definition';
import { ComplianceService } from '../referrals/compliance.service';
import { ReviewWindowJobs, reviewWindowJobId } from './review-window.jobs';

const HOUR = 3_600_000;

/*
 * Redis runs without persistence here: when it loses its data, the running outcome service
 * notices (RedisLossWatch, every 200 ms in this suite) and gives every open review its window
 * job back, with the same id and due time; a closed review gets none; the job still decides.
 */
describe('outcome: review windows after Redis loses its data', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `ddp-test-outcome-redis-loss-${run}`;
  const env = testServiceEnv('outcome_redis_loss', { DATABASE_URL: testDatabaseUrl(`outcome_redis_loss_${run}`), REDIS_PREFIX: prefix, REDIS_LOSS_CHECK_MS: '200' });
  const db = env.DATABASE_URL;
  const clock = new ControllableClock(new Date('2026-11-20T21:00:00Z'));
  let service: RunningService;

  beforeAll(async () => {
    // No Kafka consumer: events are applied through the consumer's own service calls (below).
    // Every suite shares the broker, and on a busy machine its traffic is not what this is about.
    service = await startTestService({ ...outcomeService(env, clock), consumer: undefined });
  });

  afterAll(async () => {
    await service?.app.get(ReviewWindowJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await resetDatabase(db);
  });

  const iso = (d: Date) => d.toISOString();
  /** Applies an event as OutcomeEventsConsumer does (same service call, one transaction). */
  const send = async <D extends EventDefinition>(definition: D, data: DataOf<D>) => {
    const envelope = envelopeFor(definition, data, { occurredAt: clock.now() }) as EventEnvelope<{ referralId: string }>;
    const compliance = service.app.get(ComplianceService);
    await service.app.get(DataSource).transaction((m) =>
      definition === ReferralCreated ? compliance.onReferralCreated(m, envelope as EventEnvelope<ReferralCreatedData>) : compliance.onSchedulingEvent(m, envelope));
  };
  const statusOf = async (referralId: string) =>
    (await queryDatabase<{ status: string }>(db, 'SELECT status FROM referral_case WHERE referral_id = $1', [referralId]))[0]?.status;
  const waitStatus = (referralId: string, status: string) => waitUntil(async () => (await statusOf(referralId)) === status, `${referralId.slice(0, 8)} ${status}`);

  /** referred → assessed → on a one-session course → the session missed: a review opens (read from this instance's database). */
  async function openReview(): Promise<{ referral: ReferralCreatedData; reviewId: string }> {
    const r = aReferralCreated({ providerId: 'cranstoun-windsor-maidenhead' });
    await send(ReferralCreated, r);
    await waitStatus(r.referralId, 'referred');
    const startsAt = new Date(clock.now().getTime() + HOUR);
    const appointmentId = `ASM-${r.referralId.slice(0, 8)}`;
    await send(AssessmentScheduled, {
      referralId: r.referralId, appointmentId, providerId: r.providerId!, startsAt: iso(startsAt), endsAt: iso(new Date(startsAt.getTime() + 30 * 60_000)),
      modality: 'phone', deadline: r.assessmentDeadline,
    });
    await send(AssessmentCompleted, { referralId: r.referralId, appointmentId, completedAt: iso(clock.now()), recordedBy: 'provider-worker-7' });
    const first = new Date(clock.now().getTime() + 24 * HOUR);
    const sessionId = `SES-${r.referralId.slice(0, 8)}-1`;
    await send(CourseBooked, {
      referralId: r.referralId, courseId: `CRS-${r.referralId.slice(0, 8)}`, providerId: r.providerId!,
      sessions: [{ appointmentId: sessionId, startsAt: iso(first), endsAt: iso(new Date(first.getTime() + HOUR)), modality: 'in-person' }],
    });
    await waitStatus(r.referralId, 'on-course');
    await send(CourseMissed, { referralId: r.referralId, appointmentId: sessionId, sessionNumber: 1, absenceClass: 'unacceptable', recordedAt: iso(clock.now()) });
    const [review] = await waitUntil(async () => {
      const rows = await queryDatabase<{ review_id: string }>(db, `SELECT review_id FROM compliance_review WHERE referral_id = $1 AND status = 'open'`, [r.referralId]);
      return rows.length ? rows : undefined;
    }, `review of ${r.referralId.slice(0, 8)} opened`);
    return { referral: r, reviewId: review.review_id };
  }

  /** The window jobs waiting in Redis: id, due time, and when Redis got it (a duplicate id would show up twice). */
  async function waitingJobs(): Promise<Array<{ id: string; dueAt: string; addedAt: number }>> {
    const jobs = await service.app.get(ReviewWindowJobs).queue.getJobs(['delayed', 'waiting', 'prioritized', 'active']);
    return jobs.map((j) => ({ id: j.id!, dueAt: j.data.dueAt, addedAt: j.timestamp })).sort((x, y) => x.id.localeCompare(y.id));
  }

  it('gives every open review its window job back within seconds (same id and due time, none for a closed review), and it still decides once', async () => {
    const first = await openReview();
    const second = await openReview();
    const excused = await openReview();
    expect((await postJson(`${service.url}/v1/reviews/${excused.reviewId}/excuse`, { excusedBy: 'SGT-2231', reason: 'Admitted to hospital on the day' })).status).toBe(200);

    const open = await queryDatabase<{ review_id: string; decide_at: Date }>(db, `SELECT review_id, decide_at FROM compliance_review WHERE status = 'open' ORDER BY review_id`);
    expect(open.map((r) => r.review_id).sort()).toEqual([first.reviewId, second.reviewId].sort());
    const expected = Object.fromEntries(open.map((r) => [reviewWindowJobId(r.review_id), r.decide_at.toISOString()]));
    await waitUntil(async () => (await waitingJobs()).length === 2 || undefined, 'the two window jobs in Redis');

    const lostAt = Date.now();
    expect(await loseRedisData(prefix)).toBeGreaterThan(0);

    const restored = await waitUntil(async () => {
      const jobs = await waitingJobs();
      return jobs.length >= 2 ? jobs : undefined;
    }, 'the window jobs to be re-derived', 10_000, 50);
    expect(Object.fromEntries(restored.map((j) => [j.id, j.dueAt]))).toEqual(expected);
    for (const job of restored) expect(job.addedAt).toBeGreaterThanOrEqual(lostAt);
    expect(await service.app.get(ReviewWindowJobs).queue.getJob(reviewWindowJobId(excused.reviewId))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await waitingJobs()).toEqual(restored);

    // Past the show-cause deadline and its grace: each restored job decides, once.
    clock.advance(169 * HOUR);
    await clock.notifyMoved();
    for (const { referral } of [first, second]) await waitStatus(referral.referralId, 'summons-requested');
    const summons = await queryDatabase<{ message_key: string }>(
      db, `SELECT message_key FROM outbox_message WHERE event_type = 'SummonsRequested' AND message_key = ANY($1) ORDER BY message_key`,
      [[first.referral.referralId, second.referral.referralId, excused.referral.referralId]],
    );
    expect(summons.map((s) => s.message_key)).toEqual([first.referral.referralId, second.referral.referralId].sort());
  });
});
