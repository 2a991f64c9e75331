import { randomUUID } from 'node:crypto';
import { AssessmentScheduled, ReferralWithdrawn, type DataOf, type EventDefinition } from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  ControllableClock, envelopeFor, queryDatabase, resetDatabase, startLocalContactApi, startLocalNotifyApi, startTestService, testServiceEnv, waitUntil,
  type LocalContactApi, type LocalNotifyApi, loseRedisData,
} from '@ddp/testing';
import { DataSource } from 'typeorm';
import { notificationService } from '../notification.service-definition';
import { NotificationPlanner } from '../planning/notification-planner.service';
import { DeliveryQueues } from './delivery-queues';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/*
 * Redis runs without persistence here: when it loses its data, the running notification
 * service notices (RedisLossWatch, every 200 ms in this suite) and gives every pending
 * notification its job back (one per row, id = notification id, due at the row's due time),
 * none for a sent or cancelled one; the reminders still go, once.
 */
describe('notification: deliveries after Redis loses its data', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `ddp-test-notification-redis-loss-${run}`;
  const clock = new ControllableClock(new Date('2026-11-23T10:00:00Z'));
  let notify: LocalNotifyApi;
  let contacts: LocalContactApi;
  let env: Record<string, string>;
  let service: RunningService;

  beforeAll(async () => {
    [notify, contacts] = await Promise.all([startLocalNotifyApi(), startLocalContactApi()]);
    env = testServiceEnv(`notification_redis_loss_${run}`, {
      REDIS_PREFIX: prefix,
      REDIS_LOSS_CHECK_MS: '200',
      REFERRAL_SERVICE_URL: contacts.url,
      INTERNAL_API_TOKEN: contacts.token,
      NOTIFY_API_KEY: notify.apiKey,
      NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: randomUUID(),
      NOTIFY_EMAIL_TEMPLATE_ID: randomUUID(),
      PERSON_DEFAULT_CHANNEL: 'sms',
      REMINDER_OFFSETS: '24h,2h',
      DISPATCH_POLL_MS: '50',
    });
    // No Kafka consumer: events are planned through the consumer's own service call (publish, below).
    service = await startTestService({ ...notificationService(env, clock), consumer: undefined });
  });

  afterAll(async () => {
    if (service) await Promise.all(service.app.get(DeliveryQueues).all().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    await service?.stop();
    await Promise.all([notify?.stop(), contacts?.stop()]);
    if (env) await resetDatabase(env.DATABASE_URL);
  });

  /**
   * Plans an event's notices as the consumer does (same planner, one transaction), without
   * Kafka: every suite shares the broker, and on a busy machine its traffic is not what this is about.
   */
  const publish = async <D extends EventDefinition>(definition: D, data: DataOf<D>) =>
    service.app.get(DataSource).transaction((manager) => service.app.get(NotificationPlanner).handle(manager, envelopeFor(definition, data)));

  /** Someone booked for an assessment `startsAt`: a confirmation now, reminders 24 h and 2 h before. */
  async function booked(startsAt: Date): Promise<{ referralId: string; appointmentId: string }> {
    const referralId = randomUUID();
    const appointmentId = `appt-${randomUUID()}`;
    contacts.set({
      referralId, shortRef: 'HJKM-2345', givenName: 'Alex', officerCollarNumber: 'TV4172', area: 'reading', schemeId: 'thames-valley-adult-diversion-druglink',
      providerId: 'druglink', contact: { phone: '+447700900123', email: 'alex@example.test' },
    });
    await publish(AssessmentScheduled, {
      referralId, appointmentId, providerId: 'druglink', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
      modality: 'phone', deadline: new Date(startsAt.getTime() + DAY).toISOString(),
    });
    expect((await rowsOf(referralId)).map((r) => r.id)).toContain(`reminder-2h:${appointmentId}:person`);
    return { referralId, appointmentId };
  }

  const rowsOf = (referralId: string) =>
    queryDatabase<{ id: string; status: string; due_at: Date; needs_sync: boolean }>(env.DATABASE_URL, 'SELECT id, status, due_at, needs_sync FROM notification WHERE referral_id = $1', [referralId]);

  /**
   * The delivery jobs of these appointments in Redis, across the channel queues: queue, id,
   * due time, when Redis got it (other suites' events give this service notifications of its own).
   */
  async function deliveryJobs(appointmentIds: string[]): Promise<Array<{ queue: string; id: string; dueAt: string; addedAt: number }>> {
    const all = await Promise.all(service.app.get(DeliveryQueues).all().map(async (queue) =>
      (await queue.getJobs(['delayed', 'waiting', 'prioritized', 'active'])).map((j) => ({ queue: queue.name, id: j.id!, dueAt: j.data.dueAt, addedAt: j.timestamp }))));
    return all.flat().filter((j) => appointmentIds.some((a) => j.id.includes(a))).sort((x, y) => x.id.localeCompare(y.id));
  }

  it('gives each pending notification its one job back within seconds, none for sent or cancelled ones, and the reminders still go once', async () => {
    const startsAt = new Date(clock.now().getTime() + 3 * DAY + 8 * HOUR);
    const kept = await booked(startsAt);
    const withdrawn = await booked(startsAt);
    await publish(ReferralWithdrawn, { referralId: withdrawn.referralId, reasonCode: 'officer-error', withdrawnBy: 'TV4172', withdrawnAt: clock.now().toISOString() });
    await waitUntil(async () => (await rowsOf(withdrawn.referralId)).filter((r) => r.id.startsWith('reminder-')).every((r) => r.status === 'cancelled'), 'the withdrawn reminders cancelled');
    await waitUntil(async () => (await rowsOf(kept.referralId)).some((r) => r.id.startsWith('assessment-booked:') && r.status === 'sent'), 'the confirmation sent');

    const mine = [kept.appointmentId, withdrawn.appointmentId];
    const pending = await queryDatabase<{ id: string; channel: string; due_at: Date }>(
      env.DATABASE_URL, `SELECT id, channel, due_at FROM notification WHERE status IN ('scheduled', 'queued', 'held-quiet-hours') AND referral_id = ANY($1) ORDER BY id`,
      [[kept.referralId, withdrawn.referralId]],
    );
    expect(pending.map((r) => r.id)).toEqual([`reminder-24h:${kept.appointmentId}:person`, `reminder-2h:${kept.appointmentId}:person`]);
    const expected = pending.map((r) => ({ queue: `notification-${r.channel}`, id: r.id, dueAt: r.due_at.toISOString() }));
    await waitUntil(async () => (await deliveryJobs(mine)).length === expected.length || undefined, 'the reminder jobs in Redis');

    const lostAt = Date.now();
    expect(await loseRedisData(prefix)).toBeGreaterThan(0);

    const restored = await waitUntil(async () => {
      const jobs = await deliveryJobs(mine);
      return jobs.length >= expected.length ? jobs : undefined;
    }, 'the delivery jobs to be re-derived', 15_000, 50);
    expect(restored.map(({ queue, id, dueAt }) => ({ queue, id, dueAt }))).toEqual(expected);
    for (const job of restored) expect(job.addedAt).toBeGreaterThanOrEqual(lostAt);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await deliveryJobs(mine)).toEqual(restored);

    // The 24 h reminder goes at its time, once; the 2 h one waits.
    clock.set(new Date(startsAt.getTime() - 24 * HOUR + 1000));
    await clock.notifyMoved();
    const reminder = `reminder-24h:${kept.appointmentId}:person`;
    await waitUntil(async () => (await rowsOf(kept.referralId)).find((r) => r.id === reminder)?.status === 'sent', 'the 24 h reminder sent');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notify.sent('sms').filter((r) => r.reference === reminder)).toHaveLength(1);
    expect((await rowsOf(kept.referralId)).find((r) => r.id === `reminder-2h:${kept.appointmentId}:person`)?.status).toBe('scheduled');
    expect(notify.sent('sms').some((r) => r.reference?.startsWith('reminder-') && r.reference.includes(withdrawn.appointmentId))).toBe(false);
  });
});
