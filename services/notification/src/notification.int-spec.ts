import { randomUUID } from 'node:crypto';
import {
  AppointmentRescheduled, AssessmentScheduled, ComplianceReviewOpened, ReferralCreated, ReferralWithdrawn, SummonsRequested, TOPICS,
  type DataOf, type EventDefinition, type EventEnvelope,
} from '@ddp/contracts';
import type { RunningService } from '@ddp/platform';
import {
  ControllableClock, EventTap, aReferralCreated, envelopeFor, getJson, queryDatabase, resetDatabase, sendEnvelope, sendEnvelopes, startLocalContactApi, startLocalNotifyApi,
  startLocalSmtpServer, startLocalWebhookReceiver, startTestService, testProducer, testServiceEnv, waitUntil, sleep,
  type LocalContactApi, type LocalNotifyApi, type LocalSmtpServer, type LocalWebhookReceiver,
} from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryQueues } from './delivery/delivery-queues';
import { notificationService } from './notification.service-definition';

/*
 * The notification service against real Kafka, Postgres and Redis, with the real
 * protocols on loopback: an SMTP server, a server speaking the GOV.UK Notify API,
 * webhook receivers that verify signatures, and the referral service's contact API.
 * One test clock drives reminders and quiet hours; each test starts on a fresh day at
 * 10:00 (November: UK time is UTC).
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('notification service: notices and reminders over real channels', () => {
  const clock = new ControllableClock(new Date('2026-11-23T10:00:00Z'));
  let smtp: LocalSmtpServer;
  let notify: LocalNotifyApi;
  let provider: LocalWebhookReceiver;
  let courts: LocalWebhookReceiver;
  let contacts: LocalContactApi;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;
  let env: Record<string, string>;
  let day = 0;

  beforeAll(async () => {
    [smtp, notify, provider, courts, contacts] = await Promise.all([
      startLocalSmtpServer(), startLocalNotifyApi(), startLocalWebhookReceiver('provider-secret-0123456789'), startLocalWebhookReceiver('courts-secret-0123456789'), startLocalContactApi(),
    ]);
    // A database and Redis prefix of this run's own: several people run the suites at once on this machine.
    env = testServiceEnv(`notification_${randomUUID().slice(0, 8)}`, {
      REFERRAL_SERVICE_URL: contacts.url,
      INTERNAL_API_TOKEN: contacts.token,
      SMTP_URL: smtp.url,
      NOTIFY_API_KEY: notify.apiKey,
      NOTIFY_BASE_URL: notify.url,
      NOTIFY_SMS_TEMPLATE_ID: randomUUID(),
      NOTIFY_EMAIL_TEMPLATE_ID: randomUUID(),
      EMAIL_CHANNEL: 'smtp',
      PERSON_DEFAULT_CHANNEL: 'sms',
      REMINDER_OFFSETS: '24h,2h',
      QUIET_HOURS: '21:00-08:00',
      DELIVERY_MAX_ATTEMPTS: '3',
      DELIVERY_BACKOFF_MS: '100',
      DISPATCH_POLL_MS: '50',
    });
    tap = await EventTap.start([TOPICS.notification]);
    producer = await testProducer();
    service = await startTestService(notificationService(env, clock));
    const put = (body: object) => fetch(`${service.url}/v1/recipient-endpoints`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-internal-token': contacts.token }, body: JSON.stringify(body),
    }).then((r) => expect(r.status).toBe(200));
    await put({ role: 'provider', match: 'provider', value: 'druglink', channel: 'webhook', address: `${provider.url}/referrals`, secret: provider.secret });
    await put({ role: 'provider', match: 'provider', value: 'cranstoun-windsor-maidenhead', channel: 'webhook', address: `${provider.url}/cranstoun`, secret: provider.secret });
    await put({ role: 'courts-unit', match: 'default', channel: 'webhook', address: `${courts.url}/summons`, secret: courts.secret });
    await fetch(`${service.url}/v1/provider-contacts/druglink`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-internal-token': contacts.token }, body: JSON.stringify({ phone: '0118 496 0000' }),
    }).then((r) => expect(r.status).toBe(200));
  }, 120_000);

  afterAll(async () => {
    // This run's Redis keys go with it (delayed reminders included).
    if (service) await Promise.all(service.app.get(DeliveryQueues).all().map((q) => q.obliterate({ force: true })));
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
    await Promise.all([smtp?.stop(), notify?.stop(), provider?.stop(), courts?.stop(), contacts?.stop()]);
    if (env) await resetDatabase(env.DATABASE_URL);
  });

  /** Moves the test clock (forward only) and fires the delayed jobs that became due. */
  async function moveClockTo(at: Date): Promise<void> {
    clock.set(at);
    await clock.notifyMoved();
  }

  /** Each test starts on its own day at 10:00 UK time, far after the last test's reminders. */
  async function newDay(): Promise<Date> {
    day += 7;
    const start = new Date(Date.parse('2026-11-23T10:00:00Z') + day * DAY);
    await moveClockTo(start);
    return start;
  }

  function aPerson(overrides: Partial<{ phone: string; email: string }> | null = {}) {
    const referralId = randomUUID();
    contacts.set({
      referralId, shortRef: 'HJKM-2345', givenName: 'Alex', officerCollarNumber: 'TV4172', area: 'reading', schemeId: 'thames-valley-adult-diversion-druglink', providerId: 'druglink',
      contact: overrides === null ? {} : { phone: '+447700900123', email: 'alex@example.test', ...overrides },
    });
    return referralId;
  }

  async function publish<D extends EventDefinition>(definition: D, data: DataOf<D>, correlationId?: string): Promise<EventEnvelope<DataOf<D>>> {
    const envelope = envelopeFor(definition, data, { correlationId });
    await sendEnvelope(producer, definition.topic, envelope);
    return envelope;
  }

  const scheduled = (referralId: string, startsAt: Date, appointmentId = `appt-${randomUUID()}`) =>
    publish(AssessmentScheduled, {
      referralId, appointmentId, providerId: 'druglink', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
      modality: 'phone', deadline: new Date(startsAt.getTime() + DAY).toISOString(),
    });

  interface LogLine { id: string; template: string; channel: string; recipientRole: string; destination: string | null; status: string; attempts: number; lastError: string | null; dueAt: string; heldUntil: string | null; cancelReason: string | null }

  async function deliveryLog(referralId: string): Promise<LogLine[]> {
    const res = await getJson(`${service.url}/v1/notifications?referralId=${referralId}`);
    expect(res.status).toBe(200);
    return res.body.notifications;
  }

  async function waitForLog(referralId: string, id: string, status: string, timeoutMs = 20_000): Promise<LogLine> {
    return waitUntil(async () => (await deliveryLog(referralId)).find((n) => n.id === id && n.status === status), `${id} to be ${status}`, timeoutMs, 50);
  }

  const smsTo = (reference: string) => notify.sent('sms').filter((r) => r.reference === reference);
  const jobState = async (channel: 'sms' | 'email' | 'webhook', id: string) => {
    const job = await service.app.get(DeliveryQueues).queue(channel).getJob(id);
    return job ? job.getState() : 'none';
  };

  it('confirms a booking by SMS through the Notify API, and reminds 24 h and 2 h before (test clock)', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const startsAt = new Date(now.getTime() + 3 * DAY + 8 * HOUR); // 18:00, three days on
    const appointmentId = `appt-${randomUUID()}`;
    const event = await scheduled(referralId, startsAt, appointmentId);

    await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
    const [confirmation] = smsTo(`assessment-booked:${appointmentId}:person`);
    expect(confirmation.to).toBe('+447700900123');
    expect(confirmation.personalisation.body).toContain('HJKM-2345');
    expect(confirmation.personalisation.body).toContain('Thursday 3 December 2026 at 6:00pm');
    expect(confirmation.personalisation.body).toContain('0118 496 0000');

    const log = await deliveryLog(referralId);
    const reminders = log.filter((n) => n.template === 'appointment-reminder');
    expect(reminders.map((n) => [n.id, n.status, n.dueAt])).toEqual([
      [`reminder-24h:${appointmentId}:person`, 'scheduled', new Date(startsAt.getTime() - 24 * HOUR).toISOString()],
      [`reminder-2h:${appointmentId}:person`, 'scheduled', new Date(startsAt.getTime() - 2 * HOUR).toISOString()],
    ]);
    await waitUntil(async () => (await jobState('sms', `reminder-24h:${appointmentId}:person`)) === 'delayed', 'the 24 h reminder as a delayed job');

    // A minute before the 24 h mark nothing goes; at the mark the reminder does.
    await moveClockTo(new Date(startsAt.getTime() - 24 * HOUR - 60_000));
    await sleep(300);
    expect(smsTo(`reminder-24h:${appointmentId}:person`)).toHaveLength(0);
    await moveClockTo(new Date(startsAt.getTime() - 24 * HOUR + 1000));
    await waitForLog(referralId, `reminder-24h:${appointmentId}:person`, 'sent');
    expect(smsTo(`reminder-24h:${appointmentId}:person`)[0].personalisation.body).toMatch(/reminder of your assessment .* Thursday 3 December 2026 at 6:00pm/);
    expect((await deliveryLog(referralId)).find((n) => n.id === `reminder-2h:${appointmentId}:person`)?.status).toBe('scheduled');

    await moveClockTo(new Date(startsAt.getTime() - 2 * HOUR + 1000));
    await waitForLog(referralId, `reminder-2h:${appointmentId}:person`, 'sent');

    // Each delivery is announced, in the booking's correlation.
    const sent = await tap.waitForEvent<{ notificationId: string; channel: string; attempts: number }>('NotificationSent', (e) => e.key === referralId && e.data.notificationId === `reminder-2h:${appointmentId}:person`);
    expect(sent.data).toMatchObject({ channel: 'sms', attempts: 1 });
    expect(sent.correlationId).toBe(event.correlationId);
  });

  it('plans a burst of bookings in batches exactly as one by one: a confirmation on the chosen channel and both reminders for each', async () => {
    const now = await newDay();
    const people = Array.from({ length: 24 }, () => aPerson());
    const emailPerson = people[5];
    await fetch(`${service.url}/v1/preferences/${emailPerson}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'email', recordedBy: 'provider' }) });
    const before = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.AssessmentScheduled ?? 0;
    const startsAt = new Date(now.getTime() + 3 * DAY);
    const bookings = people.map((referralId) => envelopeFor(AssessmentScheduled, {
      referralId, appointmentId: `appt-${randomUUID()}`, providerId: 'druglink', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
      modality: 'phone', deadline: new Date(startsAt.getTime() + DAY).toISOString(),
    }));
    // Deliveries that run together read their rows and write their results with shared statements (counted here).
    const statements = jest.spyOn(service.app.get(DataSource), 'query');
    await sendEnvelopes(producer, AssessmentScheduled.topic, [...bookings, bookings[0]]); // and one delivered twice in the same batch
    for (const booking of bookings) {
      const { referralId, appointmentId } = booking.data;
      const confirmation = await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
      expect(confirmation.channel).toBe(referralId === emailPerson ? 'email' : 'sms');
      expect(confirmation.attempts).toBe(1);
      const log = await deliveryLog(referralId);
      expect(log.map((n) => n.id).sort()).toEqual([`assessment-booked:${appointmentId}:person`, `reminder-24h:${appointmentId}:person`, `reminder-2h:${appointmentId}:person`].sort());
    }
    const sql = statements.mock.calls.map(([text]) => String(text));
    statements.mockRestore();
    const reads = sql.filter((s) => s.includes('FROM notification n LEFT JOIN notification_preference')).length;
    const results = sql.filter((s) => s.startsWith('WITH counted0')).length;
    // One by one would be 24 of each; measured here 6–10.
    expect(reads).toBeLessThanOrEqual(16);
    expect(results).toBeLessThanOrEqual(16);
    // Each confirmation sent once, with one attempt logged and one NotificationSent.
    const ids = bookings.map((b) => `assessment-booked:${b.data.appointmentId}:person`);
    const attempts = await queryDatabase<{ n: number }>(env.DATABASE_URL, 'SELECT count(*)::int AS n FROM notification_attempt WHERE notification_id = ANY($1)', [ids]);
    expect(attempts[0].n).toBe(24);
    const sentEvent = (id: string) => tap.messages.some((m) => { const v = m.value as { eventType?: string; data?: { notificationId?: string } }; return v?.eventType === 'NotificationSent' && v.data?.notificationId === id; });
    await waitUntil(() => ids.every(sentEvent), 'NotificationSent for each', 10_000);
    expect(smsTo(`assessment-booked:${bookings[0].data.appointmentId}:person`)).toHaveLength(1);
    expect((await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.AssessmentScheduled - before).toBeGreaterThan(12);
  });

  it('moves the reminders when the appointment is rescheduled', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const first = new Date(now.getTime() + 2 * DAY + 4 * HOUR); // 14:00 in two days
    const moved = new Date(now.getTime() + 4 * DAY + 8 * HOUR); // 18:00 in four days
    await scheduled(referralId, first, 'appt-first-' + referralId);
    await waitForLog(referralId, `reminder-24h:appt-first-${referralId}:person`, 'scheduled');
    await waitUntil(async () => (await jobState('sms', `reminder-24h:appt-first-${referralId}:person`)) === 'delayed', 'the first reminder job');

    await publish(AppointmentRescheduled, {
      referralId, supersededAppointmentId: `appt-first-${referralId}`, kind: 'assessment', appointmentId: `appt-moved-${referralId}`,
      startsAt: moved.toISOString(), endsAt: new Date(moved.getTime() + 30 * 60_000).toISOString(), modality: 'video', requestedBy: 'provider', reason: 'works late', cancelledOnly: false,
    });
    const old = await waitForLog(referralId, `reminder-24h:appt-first-${referralId}:person`, 'cancelled');
    expect(old.cancelReason).toBe('appointment rescheduled');
    await waitUntil(async () => (await jobState('sms', `reminder-24h:appt-first-${referralId}:person`)) === 'none', 'the old reminder job removed');
    const newReminder = await waitForLog(referralId, `reminder-24h:appt-moved-${referralId}:person`, 'scheduled');
    expect(newReminder.dueAt).toBe(new Date(moved.getTime() - 24 * HOUR).toISOString());
    await waitForLog(referralId, `appointment-rescheduled:appt-moved-${referralId}:person`, 'sent');
    expect(smsTo(`appointment-rescheduled:appt-moved-${referralId}:person`)[0].personalisation.body).toContain('Friday');

    // The old time passes without a reminder; the new one comes 24 h before the new time.
    await moveClockTo(new Date(first.getTime() - HOUR));
    await sleep(300);
    expect(smsTo(`reminder-24h:appt-first-${referralId}:person`)).toHaveLength(0);
    expect(smsTo(`reminder-2h:appt-first-${referralId}:person`)).toHaveLength(0);
    await moveClockTo(new Date(moved.getTime() - 24 * HOUR + 1000));
    await waitForLog(referralId, `reminder-24h:appt-moved-${referralId}:person`, 'sent');
    expect(smsTo(`reminder-24h:appt-moved-${referralId}:person`)[0].personalisation.body).toContain('by video call');
  });

  it('sends a new referral to the provider as a signed webhook the receiver verifies, and the decision to the officer by e-mail', async () => {
    await newDay();
    const referralId = aPerson();
    const created = aReferralCreated({ referralId, shortRef: 'HJKM-2345', providerId: 'druglink', area: 'reading', schemeId: 'thames-valley-adult-diversion-druglink' });
    await publish(ReferralCreated, created);

    // Other suites share the broker, and a real scheduling service may answer this referral too: look for our delivery by id.
    const delivery = await waitUntil(() => provider.deliveries.find((d) => d.headers['x-ddp-delivery-id'] === `new-referral:${referralId}:provider`), 'the provider webhook');
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.path).toBe('/hooks/referrals');
    expect(delivery.headers['x-ddp-delivery-id']).toBe(`new-referral:${referralId}:provider`);
    expect(delivery.headers['x-ddp-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(delivery.json).toMatchObject({ template: 'new-referral', shortRef: 'HJKM-2345', data: { schemeId: 'thames-valley-adult-diversion-druglink', area: 'reading' } });
    // The provider phones the person for the assessment: the details go to its system only.
    expect(delivery.json.person).toEqual({ givenName: 'Alex', phone: '+447700900123', email: 'alex@example.test' });

    const mail = await waitUntil(() => smtp.messages.find((m) => m.headers['x-ddp-notification-id'] === `referral-decision:${referralId}:officer`), 'the officer e-mail');
    expect(mail.to).toEqual(['diversion-officers@thamesvalley.police.example']);
    expect(mail.subject).toBe('Diversion referral HJKM-2345 accepted');
    expect(mail.text).toContain('Scheme: Thames Valley adult drug diversion with Druglink (force-wide)');
    expect(mail.text).not.toContain('Alex');
    await tap.waitForEvent<{ notificationId: string }>('NotificationSent', (e) => e.key === referralId && e.data.notificationId === `new-referral:${referralId}:provider`);
  });

  it('sends the referral to the provider that holds the booking when scheduling booked another one', async () => {
    const now = await newDay();
    const referralId = aPerson();
    await publish(ReferralCreated, aReferralCreated({ referralId, shortRef: 'HJKM-2345', providerId: 'druglink', area: 'windsor-maidenhead' }));
    await scheduled(referralId, new Date(now.getTime() + DAY), `appt-${referralId}`).then(() => undefined);
    // scheduled() books with druglink: book again with another provider, as a re-route would.
    await publish(AssessmentScheduled, {
      referralId, appointmentId: `appt2-${referralId}`, providerId: 'cranstoun-windsor-maidenhead', startsAt: new Date(now.getTime() + 2 * DAY).toISOString(),
      endsAt: new Date(now.getTime() + 2 * DAY + 1800_000).toISOString(), modality: 'phone', deadline: new Date(now.getTime() + 3 * DAY).toISOString(),
    });
    const rerouted = await waitUntil(() => provider.deliveries.find((d) => d.headers['x-ddp-delivery-id'] === `new-referral:${referralId}.cranstoun-windsor-maidenhead:provider`), 'the referral to the booked provider');
    expect(rerouted.path).toBe('/hooks/cranstoun');
    expect(rerouted.signatureValid).toBe(true);
    expect(rerouted.json).toMatchObject({ template: 'new-referral', shortRef: 'HJKM-2345', data: { providerId: 'cranstoun-windsor-maidenhead', area: 'windsor-maidenhead' }, person: { phone: '+447700900123' } });
    await waitForLog(referralId, `new-referral:${referralId}:provider`, 'sent');
    expect(provider.deliveries.filter((d) => (d.headers['x-ddp-delivery-id'] ?? '').startsWith(`new-referral:${referralId}`))).toHaveLength(2);
  });

  it('retries a failing webhook with backoff, then records the failure and publishes NotificationFailed', async () => {
    await newDay();
    const referralId = aPerson();
    courts.respondWith(() => 500);
    try {
      await publish(SummonsRequested, {
        referralId, summonsRequestId: `sr-${referralId}`, personRef: 'PNC-12345', schemeId: 'thames-valley-adult-diversion-druglink', area: 'reading', offenceType: 'possession',
        encounterAt: '2026-11-01T20:00:00Z', reason: 'did not attend the course and gave no reason', attendance: [], requestedAt: clock.now().toISOString(),
      });
      const id = `summons-requested:sr-${referralId}:courts-unit`;
      const failed = await tap.waitForEvent<{ notificationId: string; attempts: number; error: string; channel: string; recipientRole: string }>('NotificationFailed', (e) => e.key === referralId);
      expect(failed.data).toMatchObject({ notificationId: id, attempts: 3, channel: 'webhook', recipientRole: 'courts-unit', error: 'webhook answered HTTP 500' });
      const attempts = courts.deliveries.filter((d) => d.headers['x-ddp-delivery-id'] === id);
      expect(attempts).toHaveLength(3);
      expect(attempts.every((d) => d.signatureValid && d.json.data.personRef === 'PNC-12345')).toBe(true);
      const line = await waitForLog(referralId, id, 'failed');
      expect(line).toMatchObject({ attempts: 3, lastError: 'webhook answered HTTP 500', destination: `${courts.url}/summons` });
      const detail = await getJson(`${service.url}/v1/notifications/${encodeURIComponent(id)}`);
      expect(detail.body.history.map((h: { outcome: string }) => h.outcome)).toEqual(['failed', 'failed', 'gave-up']);
    } finally {
      courts.respondWith(null);
    }
  });

  it('writes results that finish together in one statement, each only if its row is still at the attempt count read', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const ids = [`spec-result-a:${referralId}`, `spec-result-b:${referralId}`];
    // Two queued notices the dispatcher leaves alone (needs_sync false): only this test touches them.
    for (const id of ids) {
      await queryDatabase(
        env.DATABASE_URL,
        `INSERT INTO notification (id, referral_id, template, channel, recipient_role, category, status, due_at, attempts, context, source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
         VALUES ($1, $2, 'assessment-booked', 'email', 'person', 'operational', 'queued', $3, 0, '{}'::jsonb, $4, 'AssessmentScheduled', $4, false, $3, $3)`,
        [id, referralId, now, randomUUID()],
      );
    }
    // The processor's own batch path (private): the second result was read at a stale attempt count.
    const processor = service.app.get(DeliveryProcessor) as unknown as {
      loadMany(ids: string[]): Promise<Array<{ row: { attempts: number } } | null>>;
      settleMany(results: unknown[]): Promise<Array<number | Error>>;
    };
    const [a, b] = await processor.loadMany(ids);
    const result = (row: unknown) => ({
      row, changes: { status: 'sent', sent_at: now, updated_at: now }, attempt: { channel: 'email', via: 'smtp', outcome: 'sent', error: null, durationMs: 3, at: now },
    });
    const answers = await processor.settleMany([result(a!.row), result({ ...b!.row, attempts: 4 })]);
    expect(answers[0]).toBe(1);
    expect(answers[1]).toBeInstanceOf(Error);
    expect((answers[1] as Error).message).toContain('changed while it was being delivered');
    const rows = await queryDatabase<{ id: string; status: string; attempts: number; logged: number }>(
      env.DATABASE_URL,
      'SELECT n.id, n.status, n.attempts, (SELECT count(*)::int FROM notification_attempt t WHERE t.notification_id = n.id) AS logged FROM notification n WHERE n.id = ANY($1) ORDER BY n.id',
      [ids],
    );
    expect(rows).toEqual([
      { id: ids[0], status: 'sent', attempts: 1, logged: 1 },
      { id: ids[1], status: 'queued', attempts: 0, logged: 0 },
    ]);
  });

  it('sends once when an event is delivered twice or published again', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const startsAt = new Date(now.getTime() + 3 * DAY);
    const appointmentId = `appt-${randomUUID()}`;
    const event = await scheduled(referralId, startsAt, appointmentId);
    await sendEnvelope(producer, TOPICS.scheduling, event); // the same envelope again (redelivery)
    await sendEnvelope(producer, TOPICS.scheduling, { ...event, eventId: randomUUID() }); // re-published with a new event id
    await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
    await sleep(1000);
    expect(smsTo(`assessment-booked:${appointmentId}:person`)).toHaveLength(1);
    const rows = await queryDatabase<{ n: number }>(env.DATABASE_URL, 'SELECT count(*)::int AS n FROM notification WHERE referral_id = $1 AND appointment_id = $2', [referralId, appointmentId]);
    expect(rows[0].n).toBe(3); // the confirmation and two reminders
    expect(tap.events<{ notificationId: string }>('NotificationSent', referralId).filter((e) => e.data.notificationId === `assessment-booked:${appointmentId}:person`)).toHaveLength(1);
  });

  it('retries a refused e-mail (SMTP 451) and delivers it; the person chose e-mail', async () => {
    const now = await newDay();
    const referralId = aPerson({ email: 'alex.smtp@example.test' });
    const pref = await fetch(`${service.url}/v1/preferences/${referralId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'email', recordedBy: 'provider' }) });
    expect(await pref.json()).toMatchObject({ referralId, channel: 'email', optOut: false });
    smtp.refuseNext(1, 451, 'alex.smtp@example.test');
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 3 * DAY), appointmentId);
    const line = await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
    expect(line).toMatchObject({ channel: 'email', attempts: 2, destination: 'a***@example.test' });
    const mail = smtp.messages.find((m) => m.headers['x-ddp-notification-id'] === `assessment-booked:${appointmentId}:person`)!;
    expect(mail.to).toEqual(['alex.smtp@example.test']);
    expect(mail.subject).toBe('Your drug service assessment is booked (HJKM-2345)');
    expect(mail.text).toContain('Hello Alex,');
    expect(mail.text).toContain('contact Druglink adult drug diversion education programme on 0118 496 0000');
  });

  it('opting out cancels reminders, but a show-cause notice still goes, by e-mail', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 3 * DAY), appointmentId);
    await waitForLog(referralId, `reminder-24h:${appointmentId}:person`, 'scheduled');
    const res = await fetch(`${service.url}/v1/preferences/${referralId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ optOut: true }) });
    expect(res.status).toBe(200);
    const cancelled = await waitForLog(referralId, `reminder-24h:${appointmentId}:person`, 'cancelled');
    expect(cancelled.cancelReason).toBe('the person opted out');
    await waitUntil(async () => (await jobState('sms', `reminder-24h:${appointmentId}:person`)) === 'none', 'the reminder job removed');

    await publish(ComplianceReviewOpened, {
      referralId, reviewId: `rev-${referralId}`, trigger: 'assessment-missed', openedAt: now.toISOString(), showCauseDeadline: new Date(now.getTime() + 7 * DAY).toISOString(),
    });
    const notice = await waitForLog(referralId, `show-cause:rev-${referralId}:person`, 'sent');
    expect(notice.channel).toBe('email');
    const mail = smtp.messages.find((m) => m.headers['x-ddp-notification-id'] === notice.id)!;
    expect(mail.subject).toContain('please get in touch by');
    expect(mail.text).toContain('the assessment was missed');
  });

  it('fails at once, visibly, when the person has no contact details; falls back to e-mail when there is no phone', async () => {
    const now = await newDay();
    const nobody = aPerson(null);
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(nobody, new Date(now.getTime() + 3 * DAY), appointmentId);
    const failed = await tap.waitForEvent<{ attempts: number; error: string }>('NotificationFailed', (e) => e.key === nobody);
    expect(failed.data).toMatchObject({ attempts: 1, error: 'cannot reach the person: no phone number or e-mail address is on record' });

    const emailOnly = aPerson({ phone: undefined });
    const second = `appt-${randomUUID()}`;
    await scheduled(emailOnly, new Date(now.getTime() + 3 * DAY), second);
    const line = await waitForLog(emailOnly, `assessment-booked:${second}:person`, 'sent');
    expect(line).toMatchObject({ channel: 'email', destination: 'a***@example.test' });
  });

  it('withdrawing the referral cancels the reminders still to come', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 3 * DAY), appointmentId);
    await waitForLog(referralId, `reminder-2h:${appointmentId}:person`, 'scheduled');
    await publish(ReferralWithdrawn, { referralId, reasonCode: 'officer-error', withdrawnBy: 'TV4172', withdrawnAt: now.toISOString() });
    const line = await waitForLog(referralId, `reminder-2h:${appointmentId}:person`, 'cancelled');
    expect(line.cancelReason).toBe('referral withdrawn (officer-error)');
    await waitUntil(async () => (await jobState('sms', `reminder-2h:${appointmentId}:person`)) === 'none', 'the reminder job removed');
    // A booking that arrives afterwards (from another topic) tells the person nothing.
    const late = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 5 * DAY), late);
    await sleep(800);
    expect((await deliveryLog(referralId)).some((n) => n.id.includes(late))).toBe(false);
  });

  it('keeps personal data out of the delivery log and the database: destinations are masked', async () => {
    const now = await newDay();
    const referralId = aPerson();
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 3 * DAY), appointmentId);
    await publish(ReferralCreated, aReferralCreated({ referralId, shortRef: 'HJKM-2345', providerId: 'druglink', area: 'reading' }));
    await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
    await waitForLog(referralId, `new-referral:${referralId}:provider`, 'sent');
    await waitForLog(referralId, `referral-decision:${referralId}:officer`, 'sent');
    const log = await deliveryLog(referralId);
    expect(log.find((n) => n.recipientRole === 'person' && n.status === 'sent')?.destination).toBe('+44*******123');
    expect(log.find((n) => n.recipientRole === 'officer')?.destination).toBe('d***@thamesvalley.police.example');
    const text = JSON.stringify(log);
    const everything = JSON.stringify(await queryDatabase(env.DATABASE_URL, `SELECT n.*, a.* FROM notification n LEFT JOIN notification_attempt a ON a.notification_id = n.id WHERE n.referral_id = $1`, [referralId]));
    for (const personal of ['+447700900123', 'alex@example.test', 'Alex']) {
      expect(text).not.toContain(personal);
      expect(everything).not.toContain(personal);
    }
  });

  it('holds an SMS during quiet hours and sends it at 08:00', async () => {
    const now = await newDay();
    const evening = new Date(now.getTime() + 12.5 * HOUR); // 22:30
    await moveClockTo(evening);
    const referralId = aPerson();
    const appointmentId = `appt-${randomUUID()}`;
    await scheduled(referralId, new Date(now.getTime() + 2 * DAY), appointmentId);
    const held = await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'held-quiet-hours');
    const morning = new Date(now.getTime() + 22 * HOUR); // 08:00 the next day
    expect(held.heldUntil).toBe(morning.toISOString());
    expect(held.attempts).toBe(0);
    await waitUntil(async () => (await jobState('sms', `assessment-booked:${appointmentId}:person`)) === 'delayed', 'the held job delayed');
    await sleep(300);
    expect(smsTo(`assessment-booked:${appointmentId}:person`)).toHaveLength(0);

    await moveClockTo(new Date(morning.getTime() - 60_000));
    await sleep(300);
    expect(smsTo(`assessment-booked:${appointmentId}:person`)).toHaveLength(0);
    await moveClockTo(new Date(morning.getTime() + 1000));
    const sent = await waitForLog(referralId, `assessment-booked:${appointmentId}:person`, 'sent');
    expect(sent.attempts).toBe(1);
    expect(smsTo(`assessment-booked:${appointmentId}:person`)).toHaveLength(1);
  });
});
