import { randomUUID } from 'node:crypto';
import { TOPICS } from '@ddp/contracts';
import {
  EventTap, anEncounter, comingMondayAtTen, getJson, postJson, sleep, startLocalNotifyApi, startLocalWebhookReceiver, startStack,
  type LocalNotifyApi, type LocalWebhookReceiver, type NotifyReceiptStatus, type NotifyRequest, type RunningStack,
} from '@ddp/testing';

const HOUR = 3_600_000;
const CALLBACK_TOKEN = 'notify-callback-token-e2e-0123456789';
/** How long a show-cause notice may go unconfirmed before the provider is asked to phone (the stack's setting). */
const CONFIRM_WITHIN_MS = 6 * HOUR;

/**
 * Journeys through the four running services (HTTP and Kafka only), with notices sent
 * through a GOV.UK Notify stand-in that posts delivery receipts back:
 * - the show-cause window counts from the notice reaching the person: a late receipt moves
 *   the deadline, an undelivered notice becomes the provider's phone task and the window waits
 *   for the recorded call (issue 18, point 3);
 * - a summons request is not a charge: the crime outcome is pending until the courts unit
 *   records its result, which then decides it (point 4);
 * - the young person's notices speak of a community resolution, never of a deferred
 *   prosecution (point 6).
 */
describe('outcomes follow the courts; the show-cause notice must reach the person', () => {
  let stack: RunningStack;
  let tap: EventTap;
  let notify: LocalNotifyApi;
  let providerSystem: LocalWebhookReceiver;
  /** The receipt the Notify stand-in sends for a show-cause SMS (null: none until the journey sends one). */
  let showCauseReceipt: NotifyReceiptStatus | null = 'delivered';
  const ACTOR = { 'x-actor-id': 'caseworker-e2e' };
  const INTERNAL = { 'x-internal-token': 'dev-internal-token' };

  beforeAll(async () => {
    [notify, providerSystem] = await Promise.all([startLocalNotifyApi(), startLocalWebhookReceiver('provider-system-secret-0123')]);
    stack = await startStack({
      name: 'outcomes_courts',
      startAt: comingMondayAtTen(),
      env: {
        outcome: { SHOW_CAUSE_NOTICE_CONFIRMATION: 'required' },
        notification: {
          NOTIFY_API_KEY: notify.apiKey, NOTIFY_BASE_URL: notify.url, NOTIFY_SMS_TEMPLATE_ID: randomUUID(), NOTIFY_EMAIL_TEMPLATE_ID: randomUUID(),
          EMAIL_CHANNEL: 'notify', NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN, QUIET_HOURS: 'off', SHOW_CAUSE_CONFIRM_WITHIN_MS: String(CONFIRM_WITHIN_MS),
          INTERNAL_API_TOKEN: 'dev-internal-token',
        },
        referral: { INTERNAL_API_TOKEN: 'dev-internal-token' },
      },
    });
    notify.sendReceiptsTo({
      url: `${stack.urls.notification}/v1/notify/delivery-receipts`,
      token: CALLBACK_TOKEN,
      decide: (req) => (req.reference?.startsWith('show-cause:') ? showCauseReceipt : 'delivered'),
    });
    const endpoint = await fetch(`${stack.urls.notification}/v1/recipient-endpoints`, {
      method: 'PUT', headers: { 'content-type': 'application/json', ...INTERNAL },
      body: JSON.stringify({ role: 'provider', match: 'default', channel: 'webhook', address: providerSystem.url, secret: providerSystem.secret }),
    });
    expect(endpoint.status).toBeLessThan(300);
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling, TOPICS.outcome]);
    await warmUp();
  }, 480_000);

  afterAll(async () => {
    await tap?.stop();
    await stack?.stop();
    await Promise.all([notify?.stop(), providerSystem?.stop()]);
  });

  async function clockNow(): Promise<Date> {
    return new Date((await getJson(`${stack.urls.referral}/admin/clock`)).body.now);
  }

  async function advanceTo(at: Date): Promise<void> {
    const ms = at.getTime() - (await clockNow()).getTime();
    if (ms > 0) await stack.advanceClock(ms);
  }

  const person = (dateOfBirth: string) => ({ personRef: `PNC-C-${randomUUID().slice(0, 8)}`, dateOfBirth });

  async function refer(overrides: Parameters<typeof anEncounter>[0]) {
    const encounter = anEncounter({ occurredAt: new Date((await clockNow()).getTime() - 60_000).toISOString(), ...overrides });
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    expect(answer.status).toBe(201);
    expect(answer.body.decision).toBe('referred');
    return answer.body as { referralId: string; scheme: { id: string } };
  }

  /** With KAFKA_NEW_GROUP_START=latest, an event published before a group joined is never seen: refer until every consumer answers. */
  async function warmUp(): Promise<void> {
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      const { referralId } = await refer({ area: 'reading', person: person('1980-01-01') });
      for (const stop = Date.now() + 15_000; Date.now() < stop; await sleep(200)) {
        const compliance = await getJson(`${stack.urls.outcome}/v1/referrals/${referralId}/compliance`);
        const notices = await getJson(`${stack.urls.notification}/v1/notifications?referralId=${referralId}`);
        if (tap.events('AssessmentScheduled', referralId).length > 0 && compliance.status === 200 && (notices.body?.notifications ?? []).length > 0) return;
      }
    }
    throw new Error('warm-up: the consumers never answered');
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
    for (const stop = Date.now() + ms; Date.now() < stop; await sleep(200)) {
      const value = await probe();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const compliance = async (referralId: string) => (await getJson(`${stack.urls.outcome}/v1/referrals/${referralId}/compliance`)).body;
  const notice = async (reviewId: string) => (await getJson(`${stack.urls.outcome}/v1/reviews/${reviewId}/notice`)).body;
  const showCauseSms = (reviewId: string) => waitFor<NotifyRequest>('the show-cause SMS', async () => notify.sent('sms').find((r) => r.reference === `show-cause:${reviewId}:person`));
  const phoneTasks = (referralId: string) => providerSystem.deliveries.filter((d) => d.json?.template === 'show-cause-phone-task' && d.json?.referralId === referralId);
  const courtsEmail = (summonsRequestId: string) =>
    waitFor<NotifyRequest>('the courts-unit notice', async () => notify.sent('email').find((r) => r.reference === `summons-requested:${summonsRequestId}:courts-unit`)).then(
      (r) => `${r.personalisation.subject}\n${r.personalisation.body}`,
    );

  async function providerRecords(providerId: string, appointmentId: string, body: object, path: 'assessment-outcome' | 'attendance') {
    const res = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${providerId}/appointments/${appointmentId}/${path}`, body, ACTOR);
    if (![200, 201].includes(res.status)) throw new Error(`provider API refused: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function summonsFor(referralId: string): Promise<{ summonsRequestId: string; showCauseDeadline: string }> {
    const summons = await tap.waitForEvent<{ summonsRequestId: string; showCauseDeadline: string }>('SummonsRequested', (e) => e.key === referralId, 30_000);
    return summons.data;
  }

  async function courtsUnitRecords(summonsRequestId: string, result: string) {
    const base = `${stack.urls.outcome}/v1/summons-requests/${summonsRequestId}`;
    expect((await postJson(`${base}/acknowledge`, { acknowledgedBy: 'CU-0412' })).status).toBe(200);
    const recorded = await postJson(`${base}/court-result`, { result, recordedBy: 'CU-0412', hearingDate: '2027-03-01' });
    expect(recorded.status).toBe(200);
    return recorded.body;
  }

  it('adult: the receipt comes late, so the window runs a full length from it; the summons request leaves the outcome pending until the summons is issued (Outcome 1)', async () => {
    showCauseReceipt = null; // the carrier has not reported yet
    const { referralId } = await refer({ area: 'oxford', person: person('1988-07-21') });
    const appt = await tap.waitForEvent<{ appointmentId: string; providerId: string; startsAt: string }>('AssessmentScheduled', (e) => e.key === referralId, 30_000);
    await advanceTo(new Date(Date.parse(appt.data.startsAt) + 5 * 60_000));
    await providerRecords(appt.data.providerId, appt.data.appointmentId, { outcome: 'missed', absenceClass: 'unacceptable', supportPlanSummary: 'Did not answer.' }, 'assessment-outcome');
    const opened = await tap.waitForEvent<{ reviewId: string; showCauseDeadline: string; openedAt: string }>('ComplianceReviewOpened', (e) => e.key === referralId, 30_000);
    const { reviewId } = opened.data;

    // The notice names the adult scheme's consequence.
    const sms = await showCauseSms(reviewId);
    expect(sms.personalisation.body).toContain('you may be reported for the offence and summoned to court');

    // Two hours on, Notify reports it delivered: the window now ends a full 168 h after that.
    await advanceTo(new Date(Date.parse(opened.data.openedAt) + 2 * HOUR));
    expect(await notify.sendReceipt(sms, 'delivered')).toBe(200);
    const confirmed = await waitFor('the receipt to reach the outcome service', async () => ((await notice(reviewId)).notice ? notice(reviewId) : undefined));
    expect(confirmed.notice).toMatchObject({ via: 'sms', by: 'notify-delivery-receipt' });
    expect(Date.parse(confirmed.showCauseDeadline) - Date.parse(opened.data.showCauseDeadline)).toBeGreaterThanOrEqual(2 * HOUR - 60_000);

    // Past the first deadline and its grace: nothing is decided, and no phone task went (the notice was delivered).
    await advanceTo(new Date(Date.parse(opened.data.showCauseDeadline) + 31 * 60_000));
    await sleep(3000);
    expect(tap.events('SummonsRequested', referralId)).toHaveLength(0);
    expect(phoneTasks(referralId)).toHaveLength(0);

    await advanceTo(new Date(Date.parse(confirmed.decideAt) + 60_000));
    const summons = await summonsFor(referralId);
    expect(summons.showCauseDeadline).toBe(confirmed.showCauseDeadline);

    // A request is not a charge: no crime outcome yet.
    expect(await waitFor('the summons-requested status', async () => ((await compliance(referralId)).status === 'summons-requested' ? compliance(referralId) : undefined)))
      .toMatchObject({ crimeOutcomeCode: null, crimeOutcome: 'pending' });
    const toCourts = await courtsEmail(summons.summonsRequestId);
    expect(toCourts).toContain('The deferred prosecution has failed');

    // The courts unit records that the summons was issued: Outcome 1, told on the topic.
    const view = await courtsUnitRecords(summons.summonsRequestId, 'summons-issued');
    expect(view.courtResult).toMatchObject({ result: 'summons-issued', crimeOutcome: 'recorded' });
    const result = await tap.waitForEvent<{ crimeOutcome: string; crimeOutcomeCode?: number }>('CourtResultRecorded', (e) => e.key === referralId, 30_000);
    expect(result.data).toMatchObject({ crimeOutcome: 'recorded', crimeOutcomeCode: 1, summonsRequestId: summons.summonsRequestId });
    expect(await compliance(referralId)).toMatchObject({ crimeOutcomeCode: 1, crimeOutcome: 'recorded', courtResult: 'summons-issued' });
  }, 240_000);

  it('young person: the notice is not delivered, the provider is asked to phone, the window waits for the call; the courts unit hears of a community resolution and its result decides (no summons issued: no code)', async () => {
    showCauseReceipt = 'permanent-failure';
    const now = await clockNow();
    const { referralId, scheme } = await refer({ area: 'reading', person: person(`${now.getUTCFullYear() - 15}-02-01`) });
    expect(scheme.id).toBe('thames-valley-youth-diversion');
    const appt = await tap.waitForEvent<{ appointmentId: string; providerId: string; startsAt: string }>('AssessmentScheduled', (e) => e.key === referralId, 30_000);
    await advanceTo(new Date(Date.parse(appt.data.startsAt) + 5 * 60_000));
    await providerRecords(appt.data.providerId, appt.data.appointmentId, { outcome: 'completed', supportPlanSummary: 'Agreed to attend the course.' }, 'assessment-outcome');
    await tap.waitForEvent('AssessmentCompleted', (e) => e.key === referralId, 30_000);

    // Two unacceptable misses (the youth scheme tolerates one): a review opens.
    const startsAt = new Date((await clockNow()).getTime() + 24 * HOUR);
    startsAt.setUTCHours(10, 0, 0, 0);
    while ([0, 3, 6].includes(startsAt.getUTCDay())) startsAt.setUTCDate(startsAt.getUTCDate() + 1);
    const booked = await postJson(`${stack.urls['provider-scheduling']}/v1/providers/${appt.data.providerId}/referrals/${referralId}/course`, { startsAt: startsAt.toISOString(), modality: 'in-person' }, ACTOR);
    expect([200, 201]).toContain(booked.status);
    const course = await tap.waitForEvent<{ sessions: Array<{ appointmentId: string; endsAt: string; startsAt: string }> }>('CourseBooked', (e) => e.key === referralId, 30_000);
    const sessions = [...course.data.sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    for (const session of sessions.slice(0, 2)) {
      await advanceTo(new Date(Date.parse(session.endsAt) + 60_000));
      await providerRecords(appt.data.providerId, session.appointmentId, { mark: 'did-not-attend', absenceClass: 'unacceptable' }, 'attendance');
    }
    const opened = await tap.waitForEvent<{ reviewId: string; showCauseDeadline: string }>('ComplianceReviewOpened', (e) => e.key === referralId, 30_000);
    const { reviewId } = opened.data;

    // The young person's notice: prosecution instead, never a deferred prosecution.
    const sms = await showCauseSms(reviewId);
    expect(sms.personalisation.body).toContain('you may be prosecuted for the offence instead');
    expect(sms.personalisation.body).not.toMatch(/deferred/i);

    // Notify reports it undelivered: the provider's phone task goes at once, in the scheme's words.
    const task = await waitFor('the phone task', async () => phoneTasks(referralId)[0]);
    expect(task.signatureValid).toBe(true);
    expect(task.json.message).toContain(reviewId);
    expect(task.json.message).toContain('you may be prosecuted for the offence instead');

    // The first deadline passes: the window does not close on a notice that never arrived.
    await advanceTo(new Date(Date.parse(opened.data.showCauseDeadline) + 2 * HOUR));
    await sleep(3000);
    expect(tap.events('SummonsRequested', referralId)).toHaveLength(0);
    expect(await notice(reviewId)).toMatchObject({ status: 'open', notice: null });

    // The provider phones and records it: the window runs a full length from the call.
    const called = await postJson(`${stack.urls.outcome}/v1/reviews/${reviewId}/notice-confirmed`, { confirmedBy: 'YOT-WORKER-3', via: 'phone' });
    expect(called.status).toBe(200);
    expect(Date.parse(called.body.showCauseDeadline) - (await clockNow()).getTime()).toBeGreaterThan(167 * HOUR);
    await advanceTo(new Date(Date.parse(called.body.decideAt) + 60_000));
    const summons = await summonsFor(referralId);

    const toCourts = await courtsEmail(summons.summonsRequestId);
    expect(toCourts).not.toMatch(/deferred/i);
    expect(toCourts).toContain('community resolution offered as an alternative to prosecution');
    expect(toCourts).toContain('under 18');

    expect(await waitFor('the summons-requested status', async () => ((await compliance(referralId)).status === 'summons-requested' ? compliance(referralId) : undefined)))
      .toMatchObject({ crimeOutcomeCode: null, crimeOutcome: 'pending' });
    await courtsUnitRecords(summons.summonsRequestId, 'summons-not-issued');
    const result = await tap.waitForEvent<{ crimeOutcome: string; crimeOutcomeCode?: number }>('CourtResultRecorded', (e) => e.key === referralId, 30_000);
    expect(result.data.crimeOutcome).toBe('none');
    expect(result.data.crimeOutcomeCode).toBeUndefined();
    expect(await compliance(referralId)).toMatchObject({ crimeOutcomeCode: null, crimeOutcome: 'none', courtResult: 'summons-not-issued' });
  }, 300_000);
});
