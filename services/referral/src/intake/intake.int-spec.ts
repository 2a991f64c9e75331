import { DEAD_LETTER_TOPICS, HEADERS, TOPICS, type Encounter, type ReferralCreatedData, type ReferralDeclinedData } from '@ddp/contracts';
import {
  anEncounter, EventTap, getJson, postJson, produceJson, queryDatabase, sleep, startTestService, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { referralService } from '../referral.service-definition';

/** An encounter a few minutes ago (the assessment deadline is still ahead). */
const recently = () => new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('referral intake (real Postgres and Kafka)', () => {
  const env = testServiceEnv('referral_intake');
  const db = env.DATABASE_URL;
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.referral, DEAD_LETTER_TOPICS.referral]);
    producer = await testProducer();
    service = await startTestService(referralService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const post = (encounter: unknown, headers?: Record<string, string>) => postJson(`${service.url}/v1/encounters`, encounter, headers);
  const created = (encounterId: string) => tap.waitForEvent<ReferralCreatedData>('ReferralCreated', (e) => e.data.encounterId === encounterId);
  const declined = (encounterId: string) => tap.waitForEvent<ReferralDeclinedData>('ReferralDeclined', (e) => e.data.encounterId === encounterId);
  const referralRows = (encounterId: string) => queryDatabase(db, 'SELECT * FROM referral WHERE encounter_id = $1', [encounterId]);

  describe('over HTTP', () => {
    it('refers an eligible adult: 201 with the answer, ReferralCreated published, personal details kept apart', async () => {
      const encounter = anEncounter({ occurredAt: recently(), area: 'reading', person: { sex: 'female', ethnicity: 'black-caribbean' } });
      const res = await post(encounter, { 'x-correlation-id': 'corr-http-1' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        decision: 'referred',
        reasons: [],
        scheme: { id: 'thames-valley-adult-diversion-druglink' },
        provider: { id: 'druglink', name: 'Druglink adult drug diversion education programme' },
        assessmentDeadline: { at: expect.stringMatching(/Z$/), ukLocal: expect.stringContaining('(UK time)') },
      });
      expect(res.body.shortRef).toMatch(/^[ACEFHJKMNPRTWXY2-9]{4}-[ACEFHJKMNPRTWXY2-9]{4}$/);
      expect(res.body.nextSteps).toContain(res.body.shortRef);

      const event = await created(encounter.encounterId);
      expect(event.key).toBe(res.body.referralId);
      expect(event.correlationId).toBe('corr-http-1');
      expect(event.data).toEqual({
        referralId: res.body.referralId, shortRef: res.body.shortRef, encounterId: encounter.encounterId, personRef: encounter.person.personRef,
        schemeId: 'thames-valley-adult-diversion-druglink', area: 'reading', ageBand: 'adult', offenceType: 'possession', substance: 'cannabis',
        drugClass: 'B', encounterAt: encounter.occurredAt, assessmentDeadline: res.body.assessmentDeadline.at, providerId: 'druglink',
        officerCollarNumber: 'TV4172', bwvReference: encounter.bwvReference, equality: { sex: 'female', ethnicity: 'black-caribbean' },
        quantityBasis: 'threshold',
      });
      const raw = tap.messages.find((m) => m.topic === TOPICS.referral && m.key === res.body.referralId)!.raw!;
      for (const personal of [encounter.person.givenName, encounter.person.familyName, encounter.person.dateOfBirth, encounter.person.contact!.phone!]) {
        expect(raw).not.toContain(personal);
      }

      const [referral] = await referralRows(encounter.encounterId);
      expect(referral).toMatchObject({ decision: 'referred', status: 'referred', person_ref: encounter.person.personRef, provider_id: 'druglink' });
      expect(JSON.stringify(referral)).not.toContain(encounter.person.familyName);
      expect(await queryDatabase(db, 'SELECT given_name, family_name, date_of_birth, phone FROM referral_person WHERE referral_id = $1', [res.body.referralId])).toEqual([
        { given_name: 'Alex', family_name: 'Example', date_of_birth: '1994-06-15', phone: '+447700900123' },
      ]);
      expect(await queryDatabase(db, "SELECT outcome FROM diversion_history WHERE referral_id = $1 AND superseded_at IS NULL", [res.body.referralId])).toEqual([
        { outcome: 'in-progress' },
      ]);
    });

    it('answers a repeat of the same encounter with 200 and the same body, and publishes nothing more', async () => {
      const encounter = anEncounter({ occurredAt: recently() });
      const first = await post(encounter);
      expect(first.status).toBe(201);
      const again = await post(encounter);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      await created(encounter.encounterId);
      await sleep(300);
      expect(tap.events('ReferralCreated', first.body.referralId)).toHaveLength(1);
    });

    it('answers an encounterId reused with a different body with 409 naming it, never the first person\'s referral; the same body (keys in another order) stays a 200', async () => {
      const encounter = anEncounter({ occurredAt: recently() });
      const first = await post(encounter);
      expect(first.status).toBe(201);
      const other = anEncounter({ encounterId: encounter.encounterId, occurredAt: recently(), person: { givenName: 'Other', familyName: 'Person', personRef: 'PNC-OTHER-1' } });
      const reused = await post(other);
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({ statusCode: 409, code: 'encounter-id-reused', message: expect.stringContaining(encounter.encounterId) });
      expect(JSON.stringify(reused.body)).not.toContain(first.body.referralId);
      expect(JSON.stringify(reused.body)).not.toContain(first.body.shortRef);
      const reordered = Object.fromEntries(Object.entries(encounter).reverse());
      const again = await post(reordered);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });

    it('refuses a malformed encounter with 400 naming every bad field, and stores nothing', async () => {
      const encounter: any = anEncounter();
      encounter.occurredAt = '20/11/2026 21:40';
      encounter.person.dateOfBirth = '2001-02-30';
      delete encounter.person.givenName;
      encounter.offence.type = 'Burglary!'; // offence types are configuration: the contract refuses a non-code only
      encounter.offence.quantity.value = -1;
      encounter.indicators = { suspectedSupply: 'no' };
      delete encounter.officer;
      const res = await post(encounter);
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
        ['indicators.suspectedSupply', 'occurredAt', 'offence.quantity.value', 'offence.type', 'officer', 'person.dateOfBirth', 'person.givenName'].sort(),
      );
      for (const issue of res.body.issues) expect(issue.message).toMatch(new RegExp(`^${issue.path.replace('.', '\\.')} `));
      expect(res.body.message).toContain('person.givenName');
      expect(await referralRows(encounter.encounterId)).toEqual([]);
    });

    it('refuses an encounter dated ahead of the clock with 422 naming occurredAt (a fast device clock within 5 minutes is accepted)', async () => {
      const ahead = anEncounter({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() });
      const res = await post(ahead);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'occurred-in-future', issues: [{ path: 'occurredAt', rule: 'notInFuture' }] });
      expect(res.body.issues[0].message).toMatch(/60 minutes ahead of the time now/);
      expect(await referralRows(ahead.encounterId)).toEqual([]);
      const slightlyAhead = anEncounter({ occurredAt: new Date(Date.now() + 3 * 60_000).toISOString() });
      expect((await post(slightlyAhead)).status).toBe(201);
    });

    it('refuses a body that is not JSON', async () => {
      const res = await post('{"encounterId": ');
      expect(res.status).toBe(400);
    });
  });

  describe('over Kafka (police.encounters.v1)', () => {
    it('gives the same decision and event as HTTP', async () => {
      const encounter = anEncounter({ occurredAt: recently(), area: 'slough', person: { dateOfBirth: '2011-03-04' }, bwvReference: undefined });
      await produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter, { [HEADERS.correlationId]: 'corr-kafka-1' });
      const event = await created(encounter.encounterId);
      expect(event.correlationId).toBe('corr-kafka-1');
      expect(event.causationId).toBe(`EncounterReported:${encounter.encounterId}`);
      expect(event.data).toMatchObject({ schemeId: 'thames-valley-youth-diversion', ageBand: 'youth', providerId: 'slough-youth-substance-misuse-service' });
      // The officer's device asks again over HTTP: the decision already made.
      const res = await post(encounter);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ referralId: event.key, shortRef: event.data.shortRef, decision: 'referred' });
    });

    it('dead-letters an encounterId reused with a different body at once, and goes on with the next message', async () => {
      const encounter = anEncounter({ occurredAt: recently() });
      expect((await post(encounter)).status).toBe(201);
      const other = anEncounter({ encounterId: encounter.encounterId, occurredAt: recently() });
      const good = anEncounter({ occurredAt: recently() });
      await producer.send({ topic: TOPICS.policeEncounters, messages: [
        { key: other.encounterId, value: JSON.stringify(other), partition: 1 },
        { key: good.encounterId, value: JSON.stringify(good), partition: 1 },
      ] });
      const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && m.key === other.encounterId, 'the reused encounterId on the DLQ');
      expect(dead.headers[HEADERS.dlqError]).toContain('reported before with different details');
      await created(good.encounterId);
    });

    it('dead-letters a malformed encounter naming its fields, and goes on with the next message', async () => {
      const bad: any = anEncounter({ occurredAt: recently() });
      bad.person.dateOfBirth = 'yesterday';
      bad.area = 'Not An Area';
      const good = anEncounter({ occurredAt: recently() });
      await producer.send({ topic: TOPICS.policeEncounters, messages: [
        { key: bad.encounterId, value: JSON.stringify(bad), partition: 2 },
        { key: good.encounterId, value: JSON.stringify(good), partition: 2 },
        { key: 'not-json', value: '{"encounterId": "x"', partition: 2 },
      ] });
      const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && m.key === bad.encounterId, 'the malformed encounter on the DLQ');
      expect(dead.headers[HEADERS.dlqReason]).toBe('contract-violation');
      expect(dead.headers[HEADERS.dlqOriginalTopic]).toBe(TOPICS.policeEncounters);
      expect(dead.headers[HEADERS.dlqError]).toContain('person.dateOfBirth');
      expect(dead.headers[HEADERS.dlqError]).toContain('area');
      expect(JSON.parse(dead.raw!)).toEqual(bad);
      await created(good.encounterId);
      const notJson = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && m.key === 'not-json', 'the non-JSON message on the DLQ');
      expect(notJson.headers[HEADERS.dlqError]).toMatch(/not valid JSON \(error at position 19\)/);
      expect(await referralRows(bad.encounterId)).toEqual([]);
    });

    it('dead-letters an encounter dated ahead of the clock (naming occurredAt) and decides the rest of its group', async () => {
      const ahead = anEncounter({ occurredAt: new Date(Date.now() + 2 * 3_600_000).toISOString() });
      const others = Array.from({ length: 4 }, () => anEncounter({ occurredAt: recently() }));
      await producer.send({ topic: TOPICS.policeEncounters, messages: [ahead, ...others].map((e) => ({ key: e.encounterId, value: JSON.stringify(e), partition: 1 })) });
      const dead = await tap.waitForMessage((m) => m.topic === DEAD_LETTER_TOPICS.referral && m.key === ahead.encounterId, 'the future encounter on the DLQ');
      expect(dead.headers[HEADERS.dlqReason]).toBe('rejected');
      expect(dead.headers[HEADERS.dlqError]).toMatch(/occurredAt .* ahead of the time now/);
      for (const e of others) await created(e.encounterId);
      expect(await referralRows(ahead.encounterId)).toEqual([]);
    });

    it('decides a burst as a group, as it would one by one: repeats and encounters decided over HTTP keep their first answer', async () => {
      const groupedBefore = service.consumer!.groupedCommits;
      const decidedOverHttp = anEncounter({ occurredAt: recently(), area: 'wycombe' });
      const httpAnswer = await post(decidedOverHttp);
      expect(httpAnswer.status).toBe(201);
      const person = anEncounter({ occurredAt: recently(), area: 'reading' }).person;
      const burst: Encounter[] = [
        ...Array.from({ length: 20 }, (_, i) => anEncounter({ occurredAt: recently(), area: i % 2 ? 'oxford' : 'milton-keynes' })),
        anEncounter({ occurredAt: recently(), indicators: { suspectedSupply: true } }),
        // The same person twice in one group: both are referred (an in-progress diversion does not bar).
        anEncounter({ occurredAt: recently(), area: 'reading', person }),
        anEncounter({ occurredAt: recently(), area: 'reading', person }),
        decidedOverHttp,
      ];
      const repeated = burst[3];
      // One partition, one send: the consumer receives them as one batch and decides them as a group.
      await producer.send({
        topic: TOPICS.policeEncounters,
        messages: [...burst, repeated].map((e) => ({ key: e.encounterId, value: JSON.stringify(e), partition: 4 })),
      });
      const last = burst[burst.length - 2];
      await created(last.encounterId);
      await declined(burst[20].encounterId);
      await sleep(500);

      const stored = await queryDatabase<{ encounter_id: string }>(db, 'SELECT encounter_id FROM referral WHERE encounter_id = ANY($1)', [burst.map((e) => e.encounterId)]);
      expect(stored.map((r) => r.encounter_id).sort()).toEqual(burst.map((e) => e.encounterId).sort());
      const decisions = [...tap.events<ReferralCreatedData>('ReferralCreated'), ...tap.events<ReferralDeclinedData>('ReferralDeclined')]
        .filter((e) => burst.some((b) => b.encounterId === e.data.encounterId));
      expect(decisions.map((e) => e.data.encounterId).sort()).toEqual(burst.map((e) => e.encounterId).sort());
      expect((await referralRows(decidedOverHttp.encounterId))[0]).toMatchObject({ id: httpAnswer.body.referralId, answer: httpAnswer.body });

      const referred = burst.slice(0, 23).filter((_, i) => i !== 20).map((e) => e.encounterId);
      const counts = await queryDatabase<{ people: number; history: number; timeline: number }>(db, `
        SELECT (SELECT count(*)::int FROM referral_person p JOIN referral r ON r.id = p.referral_id WHERE r.encounter_id = ANY($1)) AS people,
               (SELECT count(*)::int FROM diversion_history h JOIN referral r ON r.id::text = h.referral_id WHERE r.encounter_id = ANY($1) AND h.outcome = 'in-progress') AS history,
               (SELECT count(*)::int FROM referral_timeline t JOIN referral r ON r.id = t.referral_id WHERE r.encounter_id = ANY($1)) AS timeline`, [referred]);
      expect(counts).toEqual([{ people: 22, history: 22, timeline: 22 }]);
      const samePerson = await queryDatabase(db, "SELECT 1 FROM referral WHERE person_ref = $1 AND decision = 'referred'", [person.personRef]);
      expect(samePerson).toHaveLength(2);
      expect(service.consumer!.groupedCommits).toBeGreaterThan(groupedBefore);
    });
  });

  describe('idempotency under concurrent duplicates', () => {
    it('10 parallel POSTs and 3 Kafka copies of one encounter: one referral, one ReferralCreated, one answer', async () => {
      const encounter = anEncounter({ occurredAt: recently(), area: 'oxford' });
      const kafkaCopies = Promise.all([0, 1, 2].map(() => produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter)));
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(encounter)));
      await kafkaCopies;

      expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(1);
      for (const a of answers) expect([200, 201]).toContain(a.status);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);

      await created(encounter.encounterId);
      // Let the Kafka copies be consumed before counting.
      await waitUntil(async () => (await queryDatabase(db, 'SELECT 1 FROM inbox_event WHERE event_id = $1', [`EncounterReported:${encounter.encounterId}`])).length === 1, 'the Kafka copy consumed');
      await sleep(500);
      expect(await referralRows(encounter.encounterId)).toHaveLength(1);
      expect(tap.events<ReferralCreatedData>('ReferralCreated').filter((e) => e.data.encounterId === encounter.encounterId)).toHaveLength(1);
      expect(await queryDatabase(db, 'SELECT count(*)::int AS n FROM outbox_message WHERE message_key = $1', [answers[0].body.referralId])).toEqual([{ n: 1 }]);
    });

    it('the same for a decline', async () => {
      const encounter = anEncounter({ occurredAt: recently(), indicators: { suspectedSupply: true } });
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(encounter)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      await declined(encounter.encounterId);
      await sleep(300);
      expect(tap.events<ReferralDeclinedData>('ReferralDeclined').filter((e) => e.data.encounterId === encounter.encounterId)).toHaveLength(1);
    });
  });

  describe('every decline reason, end to end', () => {
    type Case = [reason: string, encounter: Encounter];
    const adultNow = (overrides: Parameters<typeof anEncounter>[0] = {}) => anEncounter({ occurredAt: recently(), area: 'wycombe', ...overrides });
    const possession = (offence: object) => ({ type: 'possession', ...offence }) as Encounter['offence'];
    const cases: Case[] = [
      ['date-of-birth-in-future', adultNow({ person: { dateOfBirth: '2099-01-01' } })],
      ['unknown-area', adultNow({ area: 'gotham' })],
      ['no-scheme-in-force', anEncounter({ occurredAt: '2019-06-01T21:00:00Z', area: 'reading' })],
      ['offence-not-admissible', adultNow({ person: { dateOfBirth: '2010-01-01' }, offence: { type: 'shoplifting', substance: undefined, drugClass: undefined, quantity: undefined } })],
      ['offence-not-linked-to-substance-misuse', adultNow({ offence: { type: 'theft' }, indicators: { suspectedSupply: false, linkedToSubstanceMisuse: false } })],
      ['substance-unknown', adultNow({ offence: possession({ substance: 'khat', quantity: { value: 1, unit: 'g' } }) })],
      ['quantity-missing', { ...adultNow(), offence: possession({ substance: 'cannabis', drugClass: 'B' }) }],
      ['quantity-unit-not-comparable', adultNow({ offence: { quantity: { value: 5, unit: 'ml' } } })],
      ['quantity-above-threshold', adultNow({ offence: { quantity: { value: 28, unit: 'g' } } })],
      ['suspected-supply', adultNow({ indicators: { suspectedSupply: true } })],
      ['bwv-interview-missing', { ...adultNow(), bwvReference: undefined }],
      ['offence-type-unknown', adultNow({ offence: { type: 'fraud' } })],
      ['quantity-not-judged-small', adultNow({ offence: possession({ substance: 'khat', quantity: { value: 1, unit: 'g' }, officerJudgedSmallPersonalQuantity: false }) })],
    ];
    // 'prior-non-engagement' is proven with the history read model (history.int-spec.ts).

    it.each(cases)('%s: 201 declined with the reason in words, and ReferralDeclined with it', async (reason, encounter) => {
      if (encounter.offence.type !== 'possession') {
        delete encounter.offence.substance;
        delete encounter.offence.drugClass;
        delete encounter.offence.quantity;
      }
      const res = await post(encounter);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ decision: 'declined', provider: null, assessmentDeadline: null });
      expect(res.body.reasons).toEqual([{ code: reason, explanation: expect.any(String) }]);
      expect(res.body.nextSteps).toContain('Not eligible for diversion.');
      const event = await declined(encounter.encounterId);
      expect(event.key).toBe(res.body.referralId);
      expect(event.data.reasons).toEqual([reason]);
      expect(event.data.offenceType).toBe(encounter.offence.type);
      const [row] = await referralRows(encounter.encounterId);
      expect(row).toMatchObject({ decision: 'declined', status: 'declined', reasons: [reason] });
      // Declines keep no personal details.
      expect(await queryDatabase(db, 'SELECT 1 FROM referral_person WHERE referral_id = $1', [res.body.referralId])).toEqual([]);
    });

    it('gives every reason that applies, in the domain order, over Kafka too', async () => {
      const encounter = adultNow({ offence: { quantity: { value: 40, unit: 'g' } }, indicators: { suspectedSupply: true }, bwvReference: undefined });
      delete encounter.bwvReference;
      await produceJson(producer, TOPICS.policeEncounters, encounter.encounterId, encounter);
      const event = await declined(encounter.encounterId);
      expect(event.data.reasons).toEqual(['quantity-above-threshold', 'suspected-supply', 'bwv-interview-missing']);
      expect(event.data.schemeConsidered).toBe('thames-valley-adult-diversion-druglink');
      expect(event.data.ageBand).toBe('adult');
      const res = await getJson(`${service.url}/v1/referrals/${event.key}`);
      expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(event.data.reasons);
    });

    it.each([
      ['date-of-birth-invalid', 'person.dateOfBirth', (e: any) => { e.person.dateOfBirth = '2001-02-29'; }],
      ['quantity-invalid', 'offence.quantity.value', (e: any) => { e.offence.quantity.value = -3; }],
    ])('%s cannot reach the rules: the contract refuses it first (400 naming %s)', async (_reason, field, change) => {
      const encounter: any = adultNow();
      change(encounter);
      const res = await post(encounter);
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual([field]);
    });
  });
});
