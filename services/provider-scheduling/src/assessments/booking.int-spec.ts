import { randomUUID } from 'node:crypto';
import { ReferralCreated, ReferralWithdrawn, TOPICS, type AssessmentEscalatedData, type AssessmentScheduledData, type EventEnvelope } from '@ddp/contracts';
import {
  ControllableClock, EventTap, envelopeFor, getJson, postJson, queryDatabase, referralCreatedAt, sendEnvelope, sendEnvelopes, sleep, startTestService, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import { JsonLogger, type RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import { SchedulingJobs, assessmentDeadlineJobId } from '../jobs/scheduling-jobs';
import { ProviderDirectory } from '../providers/provider-directory';
import { SlotBooking } from '../slots/slot-booking.service';
import { providerSchedulingService } from '../provider-scheduling.service-definition';

/*
 * Booking the telephone assessment on ReferralCreated, against real Postgres, Redis and Kafka.
 * Business time is January 2030 (GMT) on a ControllableClock: far from the dates other suites
 * on the shared broker use, so their referrals (whose deadlines have passed by this clock)
 * never take the slots these tests count.
 */
describe('provider-scheduling: booking the assessment', () => {
  const clock = new ControllableClock(new Date('2030-01-07T08:00:00Z'));
  const env = testServiceEnv('provider_scheduling_booking', { REDIS_PREFIX: `ddp-test-sched-booking-${randomUUID().slice(0, 8)}` });
  const db = env.DATABASE_URL;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.scheduling]);
    producer = await testProducer();
    service = await startTestService(providerSchedulingService(env, clock));
  });

  afterAll(async () => {
    await service?.app.get(SchedulingJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const refer = async (envelope: EventEnvelope) => sendEnvelope(producer, TOPICS.referral, envelope);
  const scheduled = (referralId: string) => tap.waitForEvent<AssessmentScheduledData>('AssessmentScheduled', (e) => e.key === referralId);
  const escalated = (referralId: string) => tap.waitForEvent<AssessmentEscalatedData>('AssessmentEscalated', (e) => e.key === referralId);
  const appointmentsOf = (referralId: string) =>
    queryDatabase<{ id: string; status: string; starts_at: Date; slot_id: string; counted_week: string }>(
      db, "SELECT id, status, starts_at, slot_id, counted_week::text FROM appointment WHERE referral_id = $1 ORDER BY created_at", [referralId],
    );
  const referralRow = async (referralId: string) =>
    (await queryDatabase<{ status: string; provider_id: string | null; escalation_reason: string | null }>(
      db, 'SELECT status, provider_id, escalation_reason FROM scheduling_referral WHERE referral_id = $1', [referralId],
    ))[0];

  it('books an adult into the same evening (Tuesday 19:30) when the encounter is at 19:00', async () => {
    clock.set(new Date('2030-01-08T19:02:00Z'));
    const referral = referralCreatedAt('2030-01-08T19:00:00Z', { area: 'reading', ageBand: 'adult' });
    await refer(referral);
    const event = await scheduled(referral.key);
    expect(event.data).toMatchObject({
      referralId: referral.key, providerId: 'druglink', modality: 'phone', schemeId: 'thames-valley-adult-diversion-druglink',
      startsAt: '2030-01-08T19:30:00.000Z', endsAt: '2030-01-08T20:00:00.000Z', deadline: '2030-01-09T23:59:59.999Z',
    });
    expect(event.producer).toBe('provider-scheduling');
    expect(event.correlationId).toBe(referral.correlationId);
    expect(event.causationId).toBe(referral.eventId);
    const [appointment] = await appointmentsOf(referral.key);
    expect(appointment).toMatchObject({ id: event.data.appointmentId, status: 'booked', counted_week: '2030-01-07' });
    expect(await referralRow(referral.key)).toEqual({ status: 'assessment-scheduled', provider_id: 'druglink', escalation_reason: null });
    // The deadline job waits in Redis under its deterministic id.
    const job = await service.app.get(SchedulingJobs).queue.getJob(assessmentDeadlineJobId(appointment.id));
    expect(job?.data).toMatchObject({ appointmentId: appointment.id, referralId: referral.key, dueAt: '2030-01-09T23:59:59.999Z' });
    expect(await job?.getState()).toBe('delayed');
  });

  it('books a young person found on Friday night into Saturday morning (08:00, phone cover every day) with the local youth service', async () => {
    clock.set(new Date('2030-01-11T20:20:00Z'));
    const referral = referralCreatedAt('2030-01-11T20:15:00Z', { area: 'reading', ageBand: 'youth' });
    await refer(referral);
    const event = await scheduled(referral.key);
    expect(event.data).toMatchObject({
      providerId: 'reading-youth-substance-misuse-service', startsAt: '2030-01-12T08:00:00.000Z', deadline: '2030-01-12T23:59:59.999Z',
      schemeId: 'thames-valley-youth-diversion',
    });
  });

  it('books an adult found on Friday night or on Saturday in time, though the service is closed at the weekend (seed 003: "on that day or that day after")', async () => {
    clock.set(new Date('2030-01-11T20:20:00Z'));
    const friday = referralCreatedAt('2030-01-11T20:15:00Z', { area: 'reading', ageBand: 'adult' });
    await refer(friday);
    expect((await scheduled(friday.key)).data).toMatchObject({ providerId: 'druglink', startsAt: '2030-01-12T08:00:00.000Z', deadline: '2030-01-12T23:59:59.999Z' });
    clock.set(new Date('2030-01-12T22:50:00Z'));
    const saturday = referralCreatedAt('2030-01-12T22:45:00Z', { area: 'oxford', ageBand: 'adult' });
    await refer(saturday);
    expect((await scheduled(saturday.key)).data).toMatchObject({ providerId: 'druglink', startsAt: '2030-01-13T08:00:00.000Z', deadline: '2030-01-13T23:59:59.999Z' });
    expect(tap.events('AssessmentEscalated', friday.key)).toEqual([]);
    expect(tap.events('AssessmentEscalated', saturday.key)).toEqual([]);
  });

  it('escalates with no-provider-for-area when no provider serves the referral', async () => {
    clock.set(new Date('2030-01-08T10:00:00Z'));
    const referral = referralCreatedAt('2030-01-08T09:55:00Z', { area: 'atlantis', ageBand: 'adult', schemeId: 'thames-valley-adult-diversion-druglink' });
    await refer(referral);
    const event = await escalated(referral.key);
    expect(event.data.reason).toBe('no-provider-for-area');
    expect(event.data.providerId).toBeUndefined();
    expect(await referralRow(referral.key)).toMatchObject({ status: 'referred', provider_id: null });
  });

  it('escalates with unknown-scheme when the referral names a scheme the rule tables do not know', async () => {
    clock.set(new Date('2030-01-08T10:00:00Z'));
    const referral = referralCreatedAt('2030-01-08T09:55:00Z', { area: 'reading', ageBand: 'adult', schemeId: 'tvp-adult-diversion-2021', providerId: 'druglink' });
    await refer(referral);
    expect((await escalated(referral.key)).data.reason).toBe('unknown-scheme');
    expect(await appointmentsOf(referral.key)).toEqual([]);
  });

  it('books once however often the referral arrives (same event redelivered, or a second ReferralCreated)', async () => {
    clock.set(new Date('2030-01-09T09:00:00Z'));
    const referral = referralCreatedAt('2030-01-09T08:50:00Z', { area: 'slough', ageBand: 'youth' });
    await refer(referral);
    await refer(referral);
    await refer(envelopeFor(ReferralCreated, referral.data, { correlationId: referral.correlationId }));
    await scheduled(referral.key);
    await sleep(1000);
    expect(tap.events('AssessmentScheduled', referral.key)).toHaveLength(1);
    expect(await appointmentsOf(referral.key)).toHaveLength(1);
  });

  it('gives the last slot to exactly one of several referrals arriving together; the others escalate', async () => {
    // Saturday 20:10, encounters on Friday night (deadline: the end of Saturday): with a 15-minute lead the only slot left is 20:30.
    clock.set(new Date('2030-01-12T20:10:00Z'));
    const referrals = Array.from({ length: 8 }, () => referralCreatedAt('2030-01-11T23:05:00Z', { area: 'reading', ageBand: 'youth' }));
    await Promise.all(referrals.map(refer));
    const outcomes = await waitUntil(() => {
      const got = referrals.map((r) => tap.events('AssessmentScheduled', r.key)[0] ?? tap.events('AssessmentEscalated', r.key)[0]);
      return got.every(Boolean) ? got : undefined;
    }, 'every referral scheduled or escalated');
    const winners = outcomes.filter((e) => e.eventType === 'AssessmentScheduled') as Array<EventEnvelope<AssessmentScheduledData>>;
    expect(winners).toHaveLength(1);
    expect(winners[0].data.startsAt).toBe('2030-01-12T20:30:00.000Z');
    const losers = outcomes.filter((e) => e.eventType === 'AssessmentEscalated') as Array<EventEnvelope<AssessmentEscalatedData>>;
    expect(losers.map((e) => e.data.reason)).toEqual(Array(7).fill('no-slot-before-deadline'));
    const [slot] = await queryDatabase<{ booked: number; capacity: number }>(
      db, "SELECT booked, capacity FROM provider_slot WHERE provider_id = 'reading-youth-substance-misuse-service' AND kind = 'assessment' AND starts_at = '2030-01-12T20:30:00Z'",
    );
    expect(slot).toEqual({ booked: 1, capacity: 1 });
  });

  it('lets exactly one of 20 parallel bookings by hand take the last place of a slot (409 slot-full for the rest, nothing written)', async () => {
    // 20 escalated young people (referred on Saturday for Thursday's encounters: their deadline had passed).
    clock.set(new Date('2030-01-12T13:35:00Z'));
    const referrals = Array.from({ length: 20 }, () => referralCreatedAt('2030-01-10T13:30:00Z', { area: 'reading', ageBand: 'youth' }));
    await Promise.all(referrals.map(refer));
    await Promise.all(referrals.map((r) => escalated(r.key)));
    const results = await Promise.all(
      referrals.map((r) =>
        postJson(`${service.url}/v1/providers/reading-youth-substance-misuse-service/referrals/${r.key}/assessment`, { startsAt: '2030-01-14T09:00:00Z' }, { 'x-actor-id': 'caseworker-7' }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(1);
    expect(lost.map((r) => [r.status, r.body.code])).toEqual(Array(19).fill([409, 'slot-full']));
    expect(won[0].body).toMatchObject({ startsAt: '2030-01-14T09:00:00.000Z', status: 'booked', bookedBy: 'caseworker-7', deadline: '2030-01-14T23:59:59.999Z' });
    const booked = await queryDatabase<{ n: number }>(db, 'SELECT count(*)::int AS n FROM appointment WHERE referral_id = ANY($1)', [referrals.map((r) => r.key)]);
    expect(booked).toEqual([{ n: 1 }]);
    const statuses = await queryDatabase<{ status: string; n: number }>(db, 'SELECT status, count(*)::int AS n FROM scheduling_referral WHERE referral_id = ANY($1) GROUP BY status ORDER BY status', [referrals.map((r) => r.key)]);
    expect(statuses).toEqual([{ status: 'assessment-scheduled', n: 1 }, { status: 'referred', n: 19 }]);
    const [slot] = await queryDatabase<{ booked: number }>(
      db, "SELECT booked FROM provider_slot WHERE provider_id = 'reading-youth-substance-misuse-service' AND kind = 'assessment' AND starts_at = '2030-01-14T09:00:00Z'",
    );
    expect(slot.booked).toBe(1);
  });

  it("enforces the provider's weekly capacity (10 referrals a week for a youth service), even when they arrive together", async () => {
    clock.set(new Date('2030-01-07T09:05:00Z'));
    const referrals = Array.from({ length: 13 }, () => referralCreatedAt('2030-01-07T09:00:00Z', { area: 'wokingham', ageBand: 'youth' }));
    await Promise.all(referrals.map(refer));
    const outcomes = await waitUntil(() => {
      const got = referrals.map((r) => tap.events('AssessmentScheduled', r.key)[0] ?? tap.events('AssessmentEscalated', r.key)[0]);
      return got.every(Boolean) ? got : undefined;
    }, 'every referral scheduled or escalated');
    expect(outcomes.filter((e) => e.eventType === 'AssessmentScheduled')).toHaveLength(10);
    const escalations = outcomes.filter((e) => e.eventType === 'AssessmentEscalated') as Array<EventEnvelope<AssessmentEscalatedData>>;
    expect(escalations.map((e) => e.data.reason)).toEqual(Array(3).fill('provider-weekly-capacity-reached'));
    expect(await queryDatabase(db, "SELECT taken FROM provider_week WHERE provider_id = 'wokingham-youth-substance-misuse-service' AND week_start = '2030-01-07'")).toEqual([{ taken: 10 }]);
    // Slots are never double-booked either.
    expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM provider_slot WHERE booked > capacity')).toEqual([{ n: 0 }]);

    // Each escalation is an action for people, never a failure of the person: on the provider's and the officer's
    // worklists at once, on the supervisors' a day later; the full week is a capacity alert for the provider and the supervisors.
    const escalatedIds = escalations.map((e) => e.key).sort();
    const provider = 'wokingham-youth-substance-misuse-service';
    const itemsOf = async (path: string, kind: string) =>
      ((await getJson(`${service.url}${path}`)).body.items as Array<{ kind: string; referralId?: string; providerId: string }>).filter((i) => i.kind === kind);
    const bookings = async (path: string) => (await itemsOf(path, 'book-assessment')).map((i) => i.referralId).filter((id) => escalatedIds.includes(id!)).sort();
    expect(await bookings(`/v1/providers/${provider}/worklist`)).toEqual(escalatedIds);
    expect(await bookings('/v1/worklists/officers/TV4172')).toEqual(escalatedIds);
    expect(await bookings('/v1/worklists/supervisors')).toEqual([]);
    expect(await itemsOf(`/v1/providers/${provider}/worklist`, 'capacity-near-weekly-capacity')).toEqual([expect.objectContaining({ providerId: provider })]);
    expect((await itemsOf('/v1/worklists/supervisors', 'capacity-near-weekly-capacity')).map((i) => i.providerId)).toContain(provider);
    expect(await bookings('/v1/worklists/officers/TV9999')).toEqual([]);
    expect((await getJson(`${service.url}/v1/worklists/officers/${encodeURIComponent('TV 4172;')}`)).status).toBe(400);
    clock.set(new Date('2030-01-08T09:10:00Z'));
    expect(await bookings('/v1/worklists/supervisors')).toEqual(escalatedIds);
    expect(await queryDatabase(db, 'SELECT DISTINCT status FROM scheduling_referral WHERE referral_id = ANY($1)', [escalatedIds])).toEqual([{ status: 'referred' }]);

    // The provider books one by hand: it leaves every worklist.
    const booked = await postJson(`${service.url}/v1/providers/${provider}/referrals/${escalatedIds[0]}/assessment`, { startsAt: '2030-01-14T09:00:00Z' }, { 'x-actor-id': 'caseworker-3' });
    expect(booked.status).toBe(201);
    expect(await bookings(`/v1/providers/${provider}/worklist`)).toEqual(escalatedIds.slice(1));
    expect(await bookings('/v1/worklists/officers/TV4172')).toEqual(escalatedIds.slice(1));
  });

  it('books a burst of referrals in batches with the same rules: earliest slots first, none overbooked, the week counted, the rest escalated', async () => {
    // Monday 21 January 09:05: Druglink's slots until Tuesday night hold 98 adults (two assessors, 08:00-21:00 every day).
    clock.set(new Date('2030-01-21T09:05:00Z'));
    const referrals = Array.from({ length: 120 }, () => referralCreatedAt('2030-01-21T09:00:00Z', { area: 'oxford', ageBand: 'adult' }));
    const before = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.ReferralCreated ?? 0;
    await sendEnvelopes(producer, TOPICS.referral, referrals);
    const outcomes = await waitUntil(() => {
      const got = referrals.map((r) => [...tap.events('AssessmentScheduled', r.key), ...tap.events('AssessmentEscalated', r.key)]);
      return got.every((events) => events.length > 0) ? got : undefined;
    }, 'every referral scheduled or escalated');
    await sleep(500);
    expect(referrals.map((r) => tap.events('AssessmentScheduled', r.key).length + tap.events('AssessmentEscalated', r.key).length)).toEqual(Array(120).fill(1));
    // Most of them went through the batch handler (a partition's share of one produce request is one Kafka batch).
    expect((await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.ReferralCreated - before).toBeGreaterThan(40);

    const scheduledIds = outcomes.flat().filter((e) => e.eventType === 'AssessmentScheduled').map((e) => e.key);
    const escalations = outcomes.flat().filter((e) => e.eventType === 'AssessmentEscalated') as Array<EventEnvelope<AssessmentEscalatedData>>;
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.map((e) => e.data.reason)).toEqual(Array(escalations.length).fill('no-slot-before-deadline'));
    // Escalated only because every slot from the 15-minute lead to the deadline is full; each slot counts exactly its appointments.
    const window = ['2030-01-21T09:20:00Z', '2030-01-22T23:59:59.999Z'];
    const slots = await queryDatabase<{ booked: number; capacity: number; appointments: number }>(db, `
      SELECT s.booked, s.capacity, (SELECT count(*)::int FROM appointment a WHERE a.slot_id = s.id AND a.status = 'booked') AS appointments
        FROM provider_slot s WHERE s.provider_id = 'druglink' AND s.kind = 'assessment' AND s.starts_at >= $1 AND s.ends_at <= $2`, window);
    expect(slots.reduce((n, slot) => n + slot.booked, 0)).toBe(scheduledIds.length);
    expect(slots.every((slot) => slot.booked === slot.capacity && slot.appointments === slot.booked)).toBe(true);
    expect(await queryDatabase(db, "SELECT taken FROM provider_week WHERE provider_id = 'druglink' AND week_start = '2030-01-21'")).toEqual([{ taken: scheduledIds.length }]);
    const statuses = await queryDatabase<{ status: string; n: number }>(db, 'SELECT status, count(*)::int AS n FROM scheduling_referral WHERE referral_id = ANY($1) GROUP BY status ORDER BY status', [referrals.map((r) => r.key)]);
    expect(statuses).toEqual([{ status: 'assessment-scheduled', n: scheduledIds.length }, { status: 'referred', n: escalations.length }]);
    // Each booking's history, deadline job and causation are those of a single booking.
    const history = await queryDatabase<{ n: number }>(db, "SELECT count(*)::int AS n FROM referral_status_change WHERE referral_id = ANY($1) AND lifecycle_event IN ('received', 'assessment-scheduled')", [scheduledIds]);
    expect(history).toEqual([{ n: 2 * scheduledIds.length }]);
    const queue = service.app.get(SchedulingJobs).queue;
    for (const id of scheduledIds.slice(0, 5)) {
      const event = tap.events<AssessmentScheduledData>('AssessmentScheduled', id)[0];
      expect(event.causationId).toBe(referrals.find((r) => r.key === id)!.eventId);
      expect(await (await queue.getJob(assessmentDeadlineJobId(event.data.appointmentId)))?.getState()).toBe('delayed');
    }
  });

  it('books a burst for several providers at once: each provider\'s slots and week counted on their own, none overbooked', async () => {
    // Monday 28 January: a fresh week. Three youth services (10 referrals a week each) get 13 each; Druglink gets 20 adults.
    clock.set(new Date('2030-01-28T09:05:00Z'));
    const youthAreas = ['wycombe', 'milton-keynes', 'cherwell-west-oxfordshire'];
    const youths = youthAreas.map((area) => Array.from({ length: 13 }, () => referralCreatedAt('2030-01-28T09:00:00Z', { area, ageBand: 'youth' })));
    const adults = Array.from({ length: 20 }, () => referralCreatedAt('2030-01-28T09:00:00Z', { area: 'oxford', ageBand: 'adult' }));
    // Interleaved, so every Kafka batch holds referrals of several providers.
    const burst = Array.from({ length: 20 }, (_, i) => [...youths.map((list) => list[i]), adults[i]]).flat().filter(Boolean);
    const before = (await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.ReferralCreated ?? 0;
    await sendEnvelopes(producer, TOPICS.referral, burst);
    const outcomes = await waitUntil(() => {
      const got = burst.map((r) => tap.events('AssessmentScheduled', r.key)[0] ?? tap.events('AssessmentEscalated', r.key)[0]);
      return got.every(Boolean) ? got : undefined;
    }, 'every referral scheduled or escalated');
    expect((await getJson(`${service.url}/admin/consumer`)).body.batchedEvents.ReferralCreated - before).toBeGreaterThan(30);
    const typeOf = (key: string) => outcomes[burst.findIndex((r) => r.key === key)].eventType;
    for (const [k, area] of youthAreas.entries()) {
      const provider = `${area}-youth-substance-misuse-service`;
      expect(youths[k].filter((r) => typeOf(r.key) === 'AssessmentScheduled')).toHaveLength(10);
      expect(await queryDatabase(db, 'SELECT taken FROM provider_week WHERE provider_id = $1 AND week_start = $2', [provider, '2030-01-28'])).toEqual([{ taken: 10 }]);
      const booked = await queryDatabase<{ n: number }>(db, "SELECT coalesce(sum(booked), 0)::int AS n FROM provider_slot WHERE provider_id = $1 AND local_date BETWEEN '2030-01-28' AND '2030-02-03'", [provider]);
      expect(booked).toEqual([{ n: 10 }]);
    }
    const escalations = outcomes.filter((e) => e.eventType === 'AssessmentEscalated') as Array<EventEnvelope<AssessmentEscalatedData>>;
    expect(escalations.map((e) => e.data.reason)).toEqual(Array(9).fill('provider-weekly-capacity-reached'));
    expect(adults.every((r) => typeOf(r.key) === 'AssessmentScheduled')).toBe(true);
    expect(await queryDatabase(db, "SELECT taken FROM provider_week WHERE provider_id = 'druglink' AND week_start = '2030-01-28'")).toEqual([{ taken: 20 }]);
    // Each slot counts exactly its appointments.
    const slots = await queryDatabase<{ n: number }>(db, `
      SELECT count(*)::int AS n FROM provider_slot s
       WHERE s.local_date BETWEEN '2030-01-28' AND '2030-02-03' AND s.kind = 'assessment'
         AND s.booked <> (SELECT count(*) FROM appointment a WHERE a.slot_id = s.id AND a.status = 'booked')`);
    expect(slots).toEqual([{ n: 0 }]);
  });

  it('reads which days are materialised only until it has seen them committed, never from a run that could roll back', async () => {
    const slots = service.app.get(SlotBooking);
    const druglink = service.app.get(ProviderDirectory).find('druglink')!;
    const wanted = [{ provider: druglink, notBefore: new Date('2030-02-04T09:00:00Z'), notAfter: new Date('2030-02-06T18:00:00Z') }];
    /** One booking run's read in its own transaction; the SQL it sent. */
    const run = async (rollBack: boolean) => {
      const sent: string[] = [];
      let free = 0;
      await service.app.get(DataSource).transaction(async (manager: EntityManager) => {
        const query = manager.queryRunner!.query.bind(manager.queryRunner);
        manager.queryRunner!.query = (sql: string, ...rest: unknown[]) => (sent.push(sql), (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest)) as never;
        free = (await slots.freeAssessmentCapacities(manager, wanted)).get('druglink')!.slots.length;
        if (rollBack) throw new Error('rolled back on purpose');
      }).catch((error: Error) => {
        if (!rollBack) throw error;
      });
      return { readDays: sent.some((sql) => sql.includes('FROM provider_slot_day')), materialised: sent.some((sql) => sql.includes('INSERT INTO provider_slot_day')), free };
    };
    expect(await run(true)).toMatchObject({ readDays: true, materialised: true });
    const committed = await run(false);
    expect(committed).toMatchObject({ readDays: true, materialised: true });
    expect(committed.free).toBeGreaterThan(0);
    // What a run that materialised read could still have rolled back: the next run reads once more, then none do.
    expect(await run(false)).toEqual({ readDays: true, materialised: false, free: committed.free });
    expect(await run(false)).toEqual({ readDays: false, materialised: false, free: committed.free });
  });

  it('cancels the open appointment, gives its places back and drops its job when the referral is withdrawn', async () => {
    clock.set(new Date('2030-01-08T09:05:00Z'));
    const referral = referralCreatedAt('2030-01-08T09:00:00Z', { area: 'bracknell-forest', ageBand: 'youth' });
    await refer(referral);
    const event = await scheduled(referral.key);
    const [before] = await appointmentsOf(referral.key);
    const weekBefore = await queryDatabase<{ taken: number }>(db, "SELECT taken FROM provider_week WHERE provider_id = 'bracknell-forest-youth-substance-misuse-service'");
    const queue = service.app.get(SchedulingJobs).queue;
    expect(await queue.getJob(assessmentDeadlineJobId(event.data.appointmentId))).toBeTruthy();

    await refer(envelopeFor(ReferralWithdrawn, { referralId: referral.key, reasonCode: 'referred-in-error', withdrawnBy: 'TV4172', withdrawnAt: '2030-01-08T09:10:00Z' }));
    await waitUntil(async () => (await referralRow(referral.key)).status === 'withdrawn', 'the referral withdrawn');
    const [after] = await appointmentsOf(referral.key);
    expect(after.status).toBe('cancelled');
    expect(await queryDatabase(db, 'SELECT booked FROM provider_slot WHERE id = $1', [before.slot_id])).toEqual([{ booked: 0 }]);
    expect(await queryDatabase(db, "SELECT taken FROM provider_week WHERE provider_id = 'bracknell-forest-youth-substance-misuse-service'")).toEqual([{ taken: weekBefore[0].taken - 1 }]);
    await waitUntil(async () => !(await queue.getJob(assessmentDeadlineJobId(event.data.appointmentId))), 'the deadline job removed');
  });

  it("alerts on the supervisors' and Druglink's worklists when Druglink nears its estimated 5,000 referrals a year (seed 004)", async () => {
    clock.set(new Date('2030-03-04T09:00:00Z')); // a Monday: the last 52 weeks run from 2029-03-12
    const annual = async (path: string) =>
      ((await getJson(`${service.url}${path}`)).body.items as Array<{ kind: string; providerId: string }>).filter((i) => i.kind === 'capacity-near-annual-estimate');
    expect(await annual('/v1/worklists/supervisors')).toEqual([]);
    // 51 weeks of 90 referrals: 4,590 (at least nine tenths of 5,000); this week none yet, so no weekly alert.
    await queryDatabase(db, `INSERT INTO provider_week (provider_id, week_start, taken)
      SELECT 'druglink', d::date, 90 FROM generate_series('2029-03-12'::date, '2030-02-25'::date, interval '7 days') AS d
      ON CONFLICT (provider_id, week_start) DO UPDATE SET taken = provider_week.taken + 90`);
    expect(await annual('/v1/worklists/supervisors')).toEqual([expect.objectContaining({ providerId: 'druglink' })]);
    expect(await annual('/v1/providers/druglink/worklist')).toEqual([expect.objectContaining({ providerId: 'druglink' })]);
    expect(await annual('/v1/providers/reading-youth-substance-misuse-service/worklist')).toEqual([]);
    // And a warning in the log when a booking finds it (alert: capacity-near-limit), for log-based alerting.
    const warn = jest.spyOn(service.app.get(JsonLogger), 'warn');
    try {
      const referral = referralCreatedAt('2030-03-04T08:55:00Z', { area: 'oxford', ageBand: 'adult' });
      await refer(referral);
      await scheduled(referral.key);
      await waitUntil(() => warn.mock.calls.some(([line]) => (line as { alert?: string }).alert === 'capacity-near-limit'), 'the capacity warning');
      expect(warn.mock.calls.map(([line]) => line).filter((line) => (line as { alert?: string }).alert === 'capacity-near-limit')).toEqual([
        expect.objectContaining({ providerId: 'druglink', kind: 'near-annual-estimate', taken: expect.any(Number), limit: 5000 }),
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
