import { randomUUID } from 'node:crypto';
import { ComplianceReviewOpened, TOPICS, type DataOf } from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  ControllableClock, EventTap, envelopeFor, getJson, postJson, resetDatabase, sendEnvelope, startLocalContactApi, startLocalNotifyApi, startLocalWebhookReceiver,
  startTestService, testProducer, testServiceEnv, waitUntil, type LocalContactApi, type LocalNotifyApi, type LocalWebhookReceiver, type NotifyRequest,
} from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { DeliveryQueues } from '../delivery/delivery-queues';
import { notificationService } from '../notification.service-definition';

const HOUR = 3_600_000;
const TOKEN = 'notify-callback-token-0123456789';

/**
 * GOV.UK Notify's delivery receipts, as Notify posts them: recorded, published, and acted on
 * for the show-cause notice (delivered: the provider's phone task is cancelled; failed: it
 * goes at once; neither in time: it goes when the wait ends).
 */
describe('notification service: delivery receipts and the show-cause fallback', () => {
  const clock = new ControllableClock(new Date('2026-11-23T10:00:00Z'));
  let notify: LocalNotifyApi;
  let contacts: LocalContactApi;
  let providerSystem: LocalWebhookReceiver;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;
  let env: Record<string, string>;

  beforeAll(async () => {
    [notify, contacts, providerSystem] = await Promise.all([startLocalNotifyApi(), startLocalContactApi(), startLocalWebhookReceiver('provider-system-secret-0123')]);
    env = testServiceEnv(`notification_receipts_${randomUUID().slice(0, 8)}`, {
      REFERRAL_SERVICE_URL: contacts.url, INTERNAL_API_TOKEN: contacts.token, NOTIFY_API_KEY: notify.apiKey, NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: randomUUID(), QUIET_HOURS: 'off', DISPATCH_POLL_MS: '50', NOTIFY_CALLBACK_TOKEN: TOKEN, SHOW_CAUSE_CONFIRM_WITHIN_MS: String(6 * HOUR),
    });
    tap = await EventTap.start([TOPICS.notification]);
    producer = await testProducer();
    service = await startTestService(notificationService(env, clock));
    const endpoint = await fetch(`${service.url}/v1/recipient-endpoints`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-internal-token': contacts.token },
      body: JSON.stringify({ role: 'provider', match: 'default', channel: 'webhook', address: providerSystem.url, secret: providerSystem.secret }),
    });
    expect(endpoint.status).toBeLessThan(300);
    notify.sendReceiptsTo({ url: `${service.url}/v1/notify/delivery-receipts`, token: TOKEN, decide: () => null });
  }, 120_000);

  afterAll(async () => {
    if (service) await Promise.all(service.app.get(DeliveryQueues).all().map((q) => q.obliterate({ force: true })));
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await Promise.all([notify?.stop(), contacts?.stop(), providerSystem?.stop()]);
    if (env) await resetDatabase(env.DATABASE_URL);
  });

  /** A review opened for a young person: the show-cause SMS has gone to Notify. */
  async function showCauseSent(): Promise<{ referralId: string; reviewId: string; sms: NotifyRequest }> {
    const { referralId, reviewId } = await reviewOpened({ phone: '+447700900456' });
    const sms = await waitUntil(() => notify.sent('sms').find((r) => r.reference === `show-cause:${reviewId}:person`), 'the show-cause SMS', 60_000);
    return { referralId, reviewId, sms };
  }

  async function reviewOpened(contact: { phone?: string }): Promise<{ referralId: string; reviewId: string }> {
    const referralId = randomUUID();
    const reviewId = randomUUID();
    contacts.set({ referralId, shortRef: 'WXYZ-2345', givenName: 'Jo', officerCollarNumber: 'TV9001', area: 'reading', providerId: 'reading-youth-substance-misuse-service', contact });
    const data: DataOf<typeof ComplianceReviewOpened> = {
      referralId, reviewId, trigger: 'course-missed', openedAt: clock.now().toISOString(), showCauseDeadline: new Date(clock.now().getTime() + 168 * HOUR).toISOString(),
      schemeId: 'thames-valley-youth-diversion', area: 'reading', kind: 'session', absenceClass: 'unacceptable',
    };
    await sendEnvelope(producer, TOPICS.outcome, envelopeFor(ComplianceReviewOpened, data, { occurredAt: clock.now() }));
    return { referralId, reviewId };
  }

  const phoneTasks = (referralId: string) => providerSystem.deliveries.filter((d) => d.json?.template === 'show-cause-phone-task' && d.json?.referralId === referralId);
  const statusOf = async (referralId: string, id: string) =>
    ((await getJson(`${service.url}/v1/notifications?referralId=${referralId}`)).body.notifications as Array<{ id: string; status: string }>).find((n) => n.id === id)?.status;

  it('refuses a receipt without the bearer token, or with bad fields', async () => {
    const url = `${service.url}/v1/notify/delivery-receipts`;
    const body = { id: randomUUID(), reference: 'show-cause:x:person', status: 'delivered' };
    expect((await postJson(url, body)).status).toBe(401);
    expect((await postJson(url, body, { authorization: 'Bearer wrong-token' })).body).toMatchObject({ code: 'notify-callback-token-required' });
    const bad = await postJson(url, { id: randomUUID(), status: 'lost-in-the-post' }, { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['reference', 'status']));
    expect((await postJson(url, body, { authorization: `Bearer ${TOKEN}` })).body).toEqual({ outcome: 'unknown-notification' });
  });

  it('delivered: published for the outcome service, and the provider is not asked to phone', async () => {
    const { referralId, reviewId, sms } = await showCauseSent();
    expect(await notify.sendReceipt(sms, 'delivered')).toBe(200);
    const reported = await tap.waitForEvent<{ status: string; reviewId: string; template: string }>('NotificationDeliveryReported', (e) => e.key === referralId, 30_000);
    expect(reported.data).toMatchObject({ status: 'delivered', reviewId, template: 'show-cause', channel: 'sms', recipientRole: 'person' });
    expect(JSON.stringify(reported.data)).not.toContain('+447700900456');
    await waitUntil(async () => (await statusOf(referralId, `show-cause-phone-task:${reviewId}:provider`)) === 'cancelled', 'the phone task cancelled', 30_000);
    clock.advance(7 * HOUR);
    await clock.notifyMoved();
    await new Promise((r) => setTimeout(r, 1500));
    expect(phoneTasks(referralId)).toHaveLength(0);
  }, 120_000);

  it('a failure receipt: the phone task goes at once, in the young person\'s scheme\'s words', async () => {
    const { referralId, reviewId, sms } = await showCauseSent();
    expect(await notify.sendReceipt(sms, 'permanent-failure')).toBe(200);
    const task = await waitUntil(() => phoneTasks(referralId)[0], 'the phone task', 30_000);
    expect(task.signatureValid).toBe(true);
    expect(task.json.message).toContain(reviewId);
    expect(task.json.message).toContain('you may be prosecuted for the offence instead');
    expect(await statusOf(referralId, `show-cause-phone-task:${reviewId}:provider`)).toBe('cancelled');
  }, 120_000);

  it('a notice that cannot be sent at all (no phone or e-mail on record): the phone task goes at once', async () => {
    const { referralId, reviewId } = await reviewOpened({});
    await waitUntil(async () => (await statusOf(referralId, `show-cause:${reviewId}:person`)) === 'failed', 'the show-cause notice to fail', 30_000);
    await waitUntil(() => phoneTasks(referralId)[0], 'the phone task', 30_000);
  }, 120_000);

  it('no receipt in time: the phone task goes when the wait ends', async () => {
    const { referralId } = await showCauseSent();
    await new Promise((r) => setTimeout(r, 1000));
    expect(phoneTasks(referralId)).toHaveLength(0);
    clock.advance(6 * HOUR + 60_000);
    await clock.notifyMoved();
    await waitUntil(() => phoneTasks(referralId)[0], 'the phone task', 30_000);
  }, 120_000);
});
