import { randomUUID } from 'node:crypto';
import type { RunningService } from '@ddp/platform';
import { ControllableClock, postJson, queryDatabase, referralCreatedAt, resetDatabase, startTestService, testDatabaseUrl, testServiceEnv, waitUntil, loseRedisData } from '@ddp/testing';
import { AssessmentService } from '../assessments/assessment.service';
import { Transactions } from '../common/transactions';
import { providerSchedulingService } from '../provider-scheduling.service-definition';
import { SchedulingJobs, assessmentDeadlineJobId, attendanceReminderJobId } from './scheduling-jobs';

/*
 * Redis runs without persistence here: when it loses its data, the running service notices
 * (RedisLossWatch, checked every 200 ms in this suite) and re-derives its jobs from the
 * database: the same ids and due times, none for closed appointments, and they still fire.
 */
describe('provider-scheduling: jobs after Redis loses its data', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `ddp-test-sched-redis-loss-${run}`;
  const env = testServiceEnv('provider_scheduling_redis_loss', {
    DATABASE_URL: testDatabaseUrl(`provider_scheduling_redis_loss_${run}`), REDIS_PREFIX: prefix, REDIS_LOSS_CHECK_MS: '200',
  });
  const db = env.DATABASE_URL;
  const clock = new ControllableClock(new Date('2030-03-04T09:50:00Z')); // a Monday
  const actor = { 'x-actor-id': 'caseworker-12' };
  let service: RunningService;

  beforeAll(async () => {
    // No Kafka consumer: bookings go through the consumer's own service call (below). Every
    // suite shares the broker, and on a busy machine its traffic is not what this is about.
    service = await startTestService({ ...providerSchedulingService(env, clock), consumer: undefined });
  });

  afterAll(async () => {
    await service?.app.get(SchedulingJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await resetDatabase(db);
  });

  const moveClockTo = async (at: string) => {
    clock.set(new Date(at));
    await clock.notifyMoved();
  };

  /** A referral arrives: the assessment is booked and its deadline job added, as the ReferralCreated handler does. */
  async function book(encounterAt: string, area: string, ageBand: 'youth' | 'adult') {
    const referral = referralCreatedAt(encounterAt, { area, ageBand });
    await service.app.get(Transactions).run('system:referral-created', (uow) =>
      service.app.get(AssessmentService).onReferralCreated(uow, referral.data, referral.correlationId));
    const [appointment] = await queryDatabase<{ id: string; provider_id: string }>(db, `SELECT id, provider_id FROM appointment WHERE referral_id = $1 AND kind = 'assessment'`, [referral.key]);
    return { referralId: referral.key, appointmentId: appointment.id, providerId: appointment.provider_id };
  }

  /** The jobs the database says must exist: id → due time. */
  async function expectedJobs(): Promise<Record<string, string>> {
    const rows = await queryDatabase<{ id: string; kind: string; deadline: Date | null; ends_at: Date }>(
      db, `SELECT id, kind, deadline, ends_at FROM appointment WHERE status = 'booked' AND reminder_sent_at IS NULL`,
    );
    return Object.fromEntries(rows.map((a) => a.kind === 'assessment'
      ? [assessmentDeadlineJobId(a.id), a.deadline!.toISOString()]
      : [attendanceReminderJobId(a.id), new Date(a.ends_at.getTime() + 4 * 3_600_000).toISOString()]));
  }

  /** The jobs waiting in Redis: id, due time and when Redis got it (a duplicate id would show up twice). */
  async function waitingJobs(): Promise<Array<{ id: string; dueAt: string; addedAt: number }>> {
    const jobs = await service.app.get(SchedulingJobs).queue.getJobs(['delayed', 'waiting', 'prioritized', 'active']);
    return jobs.map((j) => ({ id: j.id!, dueAt: j.data.dueAt, addedAt: j.timestamp })).sort((x, y) => x.id.localeCompare(y.id));
  }

  it('re-creates exactly the jobs of open appointments within seconds, and they still fire once', async () => {
    // A: an assessment still to happen (its deadline job). B: assessed, on a course (a reminder job per session).
    const a = await book('2030-03-04T09:45:00Z', 'reading', 'adult');
    const b = await book('2030-03-04T09:46:00Z', 'reading', 'youth');
    const [assessment] = await queryDatabase<{ ends_at: Date }>(db, 'SELECT ends_at FROM appointment WHERE id = $1', [b.appointmentId]);
    await moveClockTo(assessment.ends_at.toISOString());
    expect((await postJson(`${service.url}/v1/providers/${b.providerId}/appointments/${b.appointmentId}/assessment-outcome`,
      { outcome: 'completed', supportPlanSummary: 'Six-week course, online' }, actor)).status).toBe(200);
    const course = await postJson(`${service.url}/v1/providers/${b.providerId}/referrals/${b.referralId}/course`, { startsAt: '2030-03-05T17:30:00Z', modality: 'online' }, actor);
    expect(course.status).toBe(201);
    const sessions = await queryDatabase<{ id: string; ends_at: Date }>(db, `SELECT id, ends_at FROM appointment WHERE referral_id = $1 AND kind = 'session' ORDER BY starts_at`, [b.referralId]);
    expect(sessions.length).toBeGreaterThan(1);

    const expected = await expectedJobs();
    expect(Object.keys(expected).sort()).toEqual([assessmentDeadlineJobId(a.appointmentId), ...sessions.map((s) => attendanceReminderJobId(s.id))].sort());
    await waitUntil(async () => (await waitingJobs()).length === Object.keys(expected).length || undefined, 'the booked jobs in Redis');

    const lostAt = Date.now();
    expect(await loseRedisData(prefix)).toBeGreaterThan(0);

    const restored = await waitUntil(async () => {
      const jobs = await waitingJobs();
      return jobs.length >= Object.keys(expected).length ? jobs : undefined;
    }, 'the jobs to be re-derived', 10_000, 50);
    expect(Object.fromEntries(restored.map((j) => [j.id, j.dueAt]))).toEqual(expected);
    expect(restored).toHaveLength(Object.keys(expected).length);
    // Added again after the loss (not left over from before it).
    for (const job of restored) expect(job.addedAt).toBeGreaterThanOrEqual(lostAt);
    // B's completed assessment keeps no deadline job.
    expect(await service.app.get(SchedulingJobs).queue.getJob(assessmentDeadlineJobId(b.appointmentId))).toBeUndefined();
    // A second check finds the sentinel back: nothing is added twice.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await waitingJobs()).toEqual(restored);

    // They still fire: A's deadline passes, then session 1's reminder falls due.
    await moveClockTo('2030-03-06T00:30:00Z');
    // A: nothing recorded by its deadline: the provider is asked (a missing record is not a missed appointment).
    await waitUntil(async () => (await queryDatabase<{ reminder_sent_at: Date | null }>(db, 'SELECT reminder_sent_at FROM appointment WHERE id = $1', [a.appointmentId]))[0].reminder_sent_at !== null, 'A: the provider asked to record it');
    await waitUntil(async () => (await queryDatabase<{ reminder_sent_at: Date | null }>(db, 'SELECT reminder_sent_at FROM appointment WHERE id = $1', [sessions[0].id]))[0].reminder_sent_at !== null, 'session 1 reminded');
    const published = await queryDatabase<{ event_type: string; n: string }>(
      db, `SELECT event_type, count(*) AS n FROM outbox_message WHERE message_key = ANY($1) AND event_type IN ('AssessmentMissed', 'AttendanceOverdue') GROUP BY event_type ORDER BY event_type`,
      [[a.referralId, b.referralId]],
    );
    expect(published).toEqual([{ event_type: 'AttendanceOverdue', n: '2' }]);
  });
});
