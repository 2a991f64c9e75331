import { randomUUID } from 'node:crypto';
import { AssessmentMissed, AttendanceOverdue, ReferralDeclined, TOPICS, type DataOf, type EventDefinition } from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  EventTap, envelopeFor, getJson, resetDatabase, sendEnvelope, startLocalContactApi, startLocalNotifyApi, startLocalWebhookReceiver, startTestService,
  testProducer, testServiceEnv, waitUntil, type LocalContactApi, type LocalNotifyApi, type LocalWebhookReceiver,
} from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { DeliveryQueues } from './delivery/delivery-queues';
import { notificationService } from './notification.service-definition';

/*
 * A deployment that sends e-mail through GOV.UK Notify too (EMAIL_CHANNEL=notify), with
 * no quiet hours and the system clock; and the configuration endpoints.
 */
describe('notification service: GOV.UK Notify for e-mail, configuration, and failures of the services it depends on', () => {
  let notify: LocalNotifyApi;
  let contacts: LocalContactApi;
  let officerSystem: LocalWebhookReceiver;
  let providerSystem: LocalWebhookReceiver;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;
  let env: Record<string, string>;
  const emailTemplate = randomUUID();

  beforeAll(async () => {
    [notify, contacts, officerSystem, providerSystem] = await Promise.all([
      startLocalNotifyApi(), startLocalContactApi(), startLocalWebhookReceiver('officer-system-secret-0123'), startLocalWebhookReceiver('provider-system-secret-0123'),
    ]);
    env = testServiceEnv(`notification_${randomUUID().slice(0, 8)}`, {
      REFERRAL_SERVICE_URL: contacts.url,
      INTERNAL_API_TOKEN: contacts.token,
      EMAIL_CHANNEL: 'notify',
      NOTIFY_API_KEY: notify.apiKey,
      NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: randomUUID(),
      NOTIFY_EMAIL_TEMPLATE_ID: emailTemplate,
      PERSON_DEFAULT_CHANNEL: 'email',
      QUIET_HOURS: 'off',
      DELIVERY_MAX_ATTEMPTS: '4',
      DELIVERY_BACKOFF_MS: '100',
      DISPATCH_POLL_MS: '50',
      // E-mail paced at 10 a second (SMS keeps its default, Notify's limit shared with e-mail).
      DELIVERY_RATE_LIMITS: 'email:10/s',
    });
    tap = await EventTap.start([TOPICS.notification]);
    producer = await testProducer();
    service = await startTestService(notificationService(env));
  }, 120_000);

  afterAll(async () => {
    // This run's Redis keys go with it (delayed reminders included).
    if (service) await Promise.all(service.app.get(DeliveryQueues).all().map((q) => q.obliterate({ force: true })));
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await Promise.all([notify?.stop(), contacts?.stop(), officerSystem?.stop(), providerSystem?.stop()]);
    if (env) await resetDatabase(env.DATABASE_URL);
  });

  const configure = (path: string, body: object, token: string | null = contacts.token, method = 'PUT') =>
    fetch(`${service.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { 'x-internal-token': token } : {}) }, body: JSON.stringify(body) });

  async function publish<D extends EventDefinition>(definition: D, data: DataOf<D>): Promise<void> {
    await sendEnvelope(producer, definition.topic, envelopeFor(definition, data));
  }

  const lineOf = async (referralId: string, id: string) =>
    ((await getJson(`${service.url}/v1/notifications?referralId=${referralId}`)).body.notifications as Array<Record<string, unknown>>).find((n) => n.id === id);

  function aPerson(contact: { phone?: string; email?: string } = { email: 'sam@example.test' }) {
    const referralId = randomUUID();
    contacts.set({ referralId, shortRef: 'PQRS-6789', givenName: 'Sam', officerCollarNumber: 'TV9001', area: 'slough', providerId: 'slough-youth-substance-misuse-service', contact });
    return referralId;
  }

  it('guards the configuration endpoints with the internal token and validates them', async () => {
    expect((await configure('/v1/recipient-endpoints', { role: 'officer', match: 'default', channel: 'email', address: 'x@y.example' }, null)).status).toBe(401);
    const bad = await configure('/v1/recipient-endpoints', { role: 'judge', match: 'collar', channel: 'webhook', address: 'not a url' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['role', 'value', 'address', 'secret']));
    const mismatch = await configure('/v1/recipient-endpoints', { role: 'officer', match: 'area', value: 'slough', channel: 'webhook', address: 'someone@example.test', secret: '0123456789abcdef' });
    expect(mismatch.status).toBe(422);
    expect(((await mismatch.json()) as { code: string }).code).toBe('address-does-not-fit-channel');

    const put = await configure('/v1/recipient-endpoints', { role: 'officer', match: 'area', value: 'slough', channel: 'webhook', address: `${officerSystem.url}/slough?key=abc`, secret: officerSystem.secret });
    expect(put.status).toBe(200);
    const listed = (await fetch(`${service.url}/v1/recipient-endpoints`, { headers: { 'x-internal-token': contacts.token } }).then((r) => r.json())) as { endpoints: Array<Record<string, string>> };
    const slough = listed.endpoints.find((e) => e.value === 'slough');
    expect(slough).toMatchObject({ role: 'officer', match: 'area', channel: 'webhook', address: `${officerSystem.url}/slough`, signed: true });
    expect(JSON.stringify(listed)).not.toContain(officerSystem.secret);
    expect(listed.endpoints.find((e) => e.role === 'officer' && e.match === 'default')).toMatchObject({ channel: 'email', address: 'd***@thamesvalley.police.example' });

    const pref = await fetch(`${service.url}/v1/preferences/${randomUUID()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(pref.status).toBe(422);
    const badPref = await fetch(`${service.url}/v1/preferences/${randomUUID()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'pigeon' }) });
    expect(badPref.status).toBe(400);
    expect((await getJson(`${service.url}/v1/notifications`)).status).toBe(400);
  });

  it('takes eight identical configuration PUTs at once: each answers 200, one endpoint stays current and the history keeps every change', async () => {
    const endpoint = { role: 'courts-unit', match: 'area', value: `race-${randomUUID().slice(0, 8)}`, channel: 'email', address: 'courts@example.test' };
    const endpoints = await Promise.all(Array.from({ length: 8 }, () => configure('/v1/recipient-endpoints', endpoint)));
    expect(endpoints.map((r) => r.status)).toEqual(Array(8).fill(200));
    const listed = (await fetch(`${service.url}/v1/recipient-endpoints`, { headers: { 'x-internal-token': contacts.token } }).then((r) => r.json())) as { endpoints: Array<Record<string, string>> };
    expect(listed.endpoints.filter((e) => e.value === endpoint.value)).toHaveLength(1);

    const providerId = `race-${randomUUID().slice(0, 8)}`;
    const contactsPut = await Promise.all(Array.from({ length: 8 }, () => configure(`/v1/provider-contacts/${providerId}`, { phone: '0118 496 0000', web: 'https://provider.example/rebook' })));
    expect(contactsPut.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await contactsPut[0].json()).toEqual({ providerId, phone: '0118 496 0000', web: 'https://provider.example/rebook' });
  });

  it('sends e-mail through the Notify API (JWT checked), with the officer reached by the webhook configured for the area', async () => {
    const referralId = aPerson();
    await publish(AssessmentMissed, { referralId, appointmentId: `appt-${referralId}`, deadline: new Date().toISOString(), detectedBy: 'deadline', providerId: 'slough-youth-substance-misuse-service' });

    const mail = await waitUntil(() => notify.sent('email').find((r) => r.reference === `assessment-missed:appt-${referralId}:person`), 'the e-mail through Notify');
    expect(mail.templateId).toBe(emailTemplate);
    expect(mail.to).toBe('sam@example.test');
    expect(mail.personalisation.subject).toBe('We missed you - please rebook your assessment (PQRS-6789)');
    expect(mail.personalisation.body).toContain("Slough young people's substance misuse service");

    const hook = await waitUntil(() => officerSystem.deliveries.find((d) => d.headers['x-ddp-delivery-id'] === `assessment-missed:appt-${referralId}:officer`), 'the officer webhook');
    expect(hook.signatureValid).toBe(true);
    expect(hook.path).toBe('/hooks/slough?key=abc');
    expect(hook.json).toMatchObject({ template: 'officer-assessment-missed', shortRef: 'PQRS-6789', data: { detectedBy: 'deadline' } });
    expect(JSON.stringify(hook.json)).not.toContain('sam@example.test');
    await waitUntil(async () => (await lineOf(referralId, `assessment-missed:appt-${referralId}:person`))?.status === 'sent', 'the person notice logged as sent');
    expect(await lineOf(referralId, `assessment-missed:appt-${referralId}:person`)).toMatchObject({ channel: 'email', sentVia: 'notify', destination: 's***@example.test' });
  });

  it('retries while the referral service is unavailable, and sends once it answers', async () => {
    const referralId = aPerson();
    contacts.failNext(2, 503, referralId);
    await publish(ReferralDeclined, {
      referralId, encounterId: `ENC-${referralId}`, personRef: 'PNC-1', area: 'reading', ageBand: 'adult', reasons: ['suspected-supply'], encounterAt: new Date().toISOString(), officerCollarNumber: 'TV9001',
    });
    // The decline goes to the officer without asking the referral service; the booking notice below needs it.
    await waitUntil(() => notify.sent('email').find((r) => r.reference === `referral-decision:${referralId}:officer`), 'the decline e-mail to the officer');
    await publish(AssessmentMissed, { referralId, appointmentId: `appt-${referralId}`, deadline: new Date().toISOString(), detectedBy: 'provider' });
    const id = `assessment-missed:appt-${referralId}:person`;
    await waitUntil(async () => (await lineOf(referralId, id))?.status === 'sent', 'the notice sent after the referral service came back');
    const detail = (await getJson(`${service.url}/v1/notifications/${encodeURIComponent(id)}`)).body;
    // The person's and the officer's notices both asked the referral service, apart or in one request:
    // each of the two 503 answers failed every notice that asked in it.
    const history = detail.history as Array<{ outcome: string; error: string | null }>;
    expect(history.at(-1)).toMatchObject({ outcome: 'sent', error: null });
    expect(history.slice(0, -1).every((h) => h.outcome === 'failed' && h.error === 'referral contact service answered HTTP 503')).toBe(true);
    expect(detail.attempts).toBe(history.length);
    await waitUntil(async () => (await lineOf(referralId, `assessment-missed:appt-${referralId}:officer`))?.status === 'sent', 'the officer notice sent too');
    const officer = (await getJson(`${service.url}/v1/notifications/${encodeURIComponent(`assessment-missed:appt-${referralId}:officer`)}`)).body;
    expect(officer.history.at(-1)).toMatchObject({ outcome: 'sent', error: null });
    const failures = history.length - 1 + officer.history.length - 1;
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(failures).toBeLessThanOrEqual(4);
    expect(notify.sent('email').filter((r) => r.reference === id)).toHaveLength(1);
  });

  it('records a Notify refusal (400) as a failure at once, with the number masked in the error', async () => {
    const referralId = aPerson({ phone: '+447700900999' });
    await fetch(`${service.url}/v1/preferences/${referralId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'sms' }) });
    notify.respondWith((r) => (r.to === '+447700900999' ? 400 : 201));
    try {
      await publish(AssessmentMissed, { referralId, appointmentId: `appt-${referralId}`, deadline: new Date().toISOString(), detectedBy: 'deadline' });
      const failed = await tap.waitForEvent<{ notificationId: string; error: string; attempts: number; channel: string }>('NotificationFailed', (e) => e.key === referralId && e.data.notificationId.endsWith(':person'));
      expect(failed.data).toMatchObject({ attempts: 1, channel: 'sms', error: 'GOV.UK Notify answered HTTP 400: BadRequestError [redacted] refused by the test server (400)' });
      expect((await lineOf(referralId, `assessment-missed:appt-${referralId}:person`))?.lastError).not.toContain('900999');
      expect(notify.requests.filter((r) => r.to === '+447700900999')).toHaveLength(1);
    } finally {
      notify.respondWith(null);
    }
  });

  it('reminds the provider to record attendance: failed at once while no endpoint is configured, delivered once one is', async () => {
    const first = aPerson();
    const overdue = (referralId: string) => publish(AttendanceOverdue, {
      referralId, appointmentId: `s-${referralId}`, providerId: 'druglink', kind: 'session', sessionNumber: 2,
      startsAt: '2026-11-20T18:00:00Z', endsAt: '2026-11-20T20:00:00Z', overdueSince: '2026-11-21T08:00:00Z',
    });
    await overdue(first);
    const failed = await tap.waitForEvent<{ notificationId: string; error: string; attempts: number }>('NotificationFailed', (e) => e.key === first);
    expect(failed.data).toMatchObject({ notificationId: `attendance-overdue:s-${first}:provider`, attempts: 1, error: 'no endpoint configured for provider druglink (PUT /v1/recipient-endpoints)' });

    expect((await configure('/v1/recipient-endpoints', { role: 'provider', match: 'provider', value: 'druglink', channel: 'webhook', address: `${providerSystem.url}/attendance`, secret: providerSystem.secret })).status).toBe(200);
    const second = aPerson();
    await overdue(second);
    const hook = await waitUntil(() => providerSystem.deliveries.find((d) => d.headers['x-ddp-delivery-id'] === `attendance-overdue:s-${second}:provider`), 'the attendance reminder to the provider');
    expect(hook.signatureValid).toBe(true);
    expect(hook.json.message).toBe('Attendance not recorded for the course session 2 of referral PQRS-6789 on Friday 20 November 2026 at 6:00pm.');
    expect(hook.json.data).toMatchObject({ appointmentId: `s-${second}`, overdueSince: '2026-11-21T08:00:00Z' });
  });

  const missed = (referralId: string) =>
    publish(AssessmentMissed, { referralId, appointmentId: `appt-${referralId}`, deadline: new Date().toISOString(), detectedBy: 'deadline', providerId: 'slough-youth-substance-misuse-service' });

  it('sends e-mail no faster than its configured limit (10 a second)', async () => {
    const ids = Array.from({ length: 31 }, () => aPerson());
    await Promise.all(ids.map(missed));
    const references = new Set(ids.map((id) => `assessment-missed:appt-${id}:person`));
    const arrivals = () => notify.sent('email').filter((r) => references.has(r.reference ?? '')).map((r) => r.receivedAt);
    await waitUntil(() => arrivals().length === 31 || undefined, "the persons' 31 e-mails", 30_000);
    // BullMQ counts in fixed windows of a second: 31 e-mails need four of them (more when the
    // officers' notices take e-mail turns too), so at least two whole windows lie between the
    // first and the last. Unlimited, they all went within ~0.3 s.
    const times = arrivals().sort((a, b) => a - b);
    expect(times[30] - times[0]).toBeGreaterThanOrEqual(1_900);
  });

  it('waits when Notify says too many requests a minute (429 RateLimitError), spending no attempt, and sends afterwards', async () => {
    const referralId = aPerson();
    const reference = `assessment-missed:appt-${referralId}:person`;
    // More refusals than DELIVERY_MAX_ATTEMPTS (4): counted as attempts, they would fail the notice.
    let refused = 0;
    notify.respondWith((r) => (r.reference === reference && refused++ < 5 ? 429 : 201));
    try {
      await missed(referralId);
      await waitUntil(async () => (await lineOf(referralId, reference))?.status === 'sent', 'the e-mail sent once Notify accepts', 30_000);
    } finally {
      notify.respondWith(null);
    }
    const tries = notify.requests.filter((r) => r.reference === reference);
    expect(tries.map((r) => r.error ?? r.status)).toEqual(['RateLimitError', 'RateLimitError', 'RateLimitError', 'RateLimitError', 'RateLimitError', 201]);
    // Each refusal paused the e-mail queue for a second (Notify refills 50 requests a second).
    for (let i = 1; i < tries.length; i++) expect(tries[i].receivedAt - tries[i - 1].receivedAt).toBeGreaterThanOrEqual(950);
    const detail = (await getJson(`${service.url}/v1/notifications/${encodeURIComponent(reference)}`)).body;
    expect(detail).toMatchObject({ status: 'sent', attempts: 1 });
    expect(detail.history).toEqual([expect.objectContaining({ outcome: 'sent', error: null })]);
  });

  it("stops SMS for 15 minutes at Notify's daily limit (429 TooManyRequestsError), failing nothing", async () => {
    const referralId = aPerson({ phone: '+447700900123' });
    await fetch(`${service.url}/v1/preferences/${referralId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'sms' }) });
    const reference = `assessment-missed:appt-${referralId}:person`;
    notify.respondWith((r) => (r.reference === reference ? { status: 429, error: 'TooManyRequestsError' } : 201));
    const sms = service.app.get(DeliveryQueues).queue('sms');
    try {
      await missed(referralId);
      await waitUntil(() => notify.requests.find((r) => r.reference === reference), 'the SMS refused for the day');
      const job = await waitUntil(async () => ((await sms.getJobState(reference)) === 'delayed' ? sms.getJob(reference) : undefined), 'the SMS waiting');
      // The notice waits a quarter of an hour, and so does every SMS behind it (the queue's rate limit).
      expect(job!.timestamp + job!.delay - Date.now()).toBeGreaterThan(14 * 60_000);
      expect(job!.attemptsMade).toBe(0);
      expect(await sms.getRateLimitTtl()).toBeGreaterThan(14 * 60_000);
      expect(await lineOf(referralId, reference)).toMatchObject({ status: 'queued', attempts: 0 });
    } finally {
      notify.respondWith(null);
      await sms.removeRateLimitKey();
    }
  });
});
