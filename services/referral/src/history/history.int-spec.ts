import { randomUUID } from 'node:crypto';
import {
  ComplianceReviewClosed, DiversionCompleted, NoFurtherDiversion, SummonsRequested, SummonsRequestWithdrawn, TOPICS,
} from '@ddp/contracts';
import { anEncounter, EventTap, getJson, postJson, publishEvent, queryDatabase, startTestService, testProducer, testServiceEnv, waitUntil } from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { referralService } from '../referral.service-definition';

/**
 * The person's diversion history is this service's own read model, built from the
 * outcome service's events: these tests play the outcome service on diversion.outcome.v1.
 */
describe('diversion history read model (real Postgres and Kafka)', () => {
  const env = testServiceEnv('referral_history');
  const db = env.DATABASE_URL;
  let service: RunningService;
  let producer: Producer;
  let tap: EventTap;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.referral]);
    producer = await testProducer();
    service = await startTestService(referralService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  const post = async (encounter: ReturnType<typeof anEncounter>) => {
    const res = await postJson(`${service.url}/v1/encounters`, encounter);
    expect(res.status).toBe(201);
    return res.body;
  };
  const currentOutcome = async (referralId: string) =>
    (await queryDatabase<{ outcome: string }>(db, 'SELECT outcome FROM diversion_history WHERE referral_id = $1 AND superseded_at IS NULL', [referralId]))[0]?.outcome;
  const outcomeBecomes = (referralId: string, outcome: string) =>
    waitUntil(async () => (await currentOutcome(referralId)) === outcome, `history of ${referralId} to be ${outcome}`);

  it('a person with no further diversion under the voluntary scheme is declined next time', async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const first = await post(anEncounter({ occurredAt: '2019-03-01T20:00:00Z', area: 'west-berkshire', person: { personRef } }));
    expect(first).toMatchObject({ decision: 'referred', scheme: { id: 'west-berkshire-voluntary-pilot' }, provider: { id: 'resilience-cranstoun-west-berkshire' } });
    expect(first.nextSteps).toContain('cannot be diverted again');

    await publishEvent(producer, NoFurtherDiversion, {
      referralId: first.referralId, personRef, schemeId: 'west-berkshire-voluntary-pilot', area: 'west-berkshire',
      reason: 'did not attend the assessment or the course', decidedAt: '2019-04-01T10:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'no-further-diversion');

    const second = await post(anEncounter({ occurredAt: '2019-06-01T20:00:00Z', area: 'west-berkshire', person: { personRef } }));
    expect(second.decision).toBe('declined');
    expect(second.reasons).toEqual([{ code: 'prior-non-engagement', explanation: expect.stringContaining('did not engage') }]);
    expect(second.scheme).toEqual({ id: 'west-berkshire-voluntary-pilot', name: 'West Berkshire voluntary attendance pilot' });
    const declined = await tap.waitForEvent<{ reasons: string[] }>('ReferralDeclined', (e) => e.key === second.referralId);
    expect(declined.data.reasons).toEqual(['prior-non-engagement']);

    // Someone else, same place and time, is not affected.
    const other = await post(anEncounter({ occurredAt: '2019-06-01T20:00:00Z', area: 'west-berkshire' }));
    expect(other.decision).toBe('referred');

    // The first referral's timeline shows how it ended.
    const view = await getJson(`${service.url}/v1/referrals/${first.referralId}`);
    expect(view.body.status).toBe('no-further-diversion');
    expect(view.body.timeline.map((t: { eventType: string }) => t.eventType)).toEqual(['ReferralCreated', 'NoFurtherDiversion']);
  });

  it('a young person who completed is referred again', async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const young = { dateOfBirth: '2010-05-01', personRef };
    const first = await post(anEncounter({ occurredAt: '2026-08-01T19:00:00Z', area: 'reading', person: young }));
    expect(first).toMatchObject({ decision: 'referred', scheme: { id: 'thames-valley-youth-diversion' } });

    await publishEvent(producer, DiversionCompleted, {
      referralId: first.referralId, personRef, schemeId: 'thames-valley-youth-diversion', area: 'reading', crimeOutcomeCode: 8, completedAt: '2026-09-20T16:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'completed');

    const second = await post(anEncounter({ occurredAt: '2026-11-01T19:00:00Z', area: 'reading', person: young }));
    expect(second).toMatchObject({ decision: 'referred', scheme: { id: 'thames-valley-youth-diversion' }, provider: { id: 'reading-youth-substance-misuse-service' } });

    const list = await getJson(`${service.url}/v1/referrals?personRef=${personRef}`);
    expect(list.body.items.map((i: { referralId: string; status: string }) => [i.referralId, i.status])).toEqual([
      [second.referralId, 'referred'],
      [first.referralId, 'completed'],
    ]);
  });

  it('a young person whose latest diversion ended in a summons request is declined, and referred again once the request is withdrawn', async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const young = { dateOfBirth: '2009-02-01', personRef };
    const first = await post(anEncounter({ occurredAt: '2026-06-01T19:00:00Z', area: 'oxford', person: young }));
    await publishEvent(producer, SummonsRequested, {
      referralId: first.referralId, summonsRequestId: randomUUID(), personRef, schemeId: 'thames-valley-youth-diversion', area: 'oxford',
      offenceType: 'possession', encounterAt: '2026-06-01T19:00:00Z', reason: 'did not engage after the show-cause window', attendance: [],
      requestedAt: '2026-07-01T10:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'summons-requested');

    const second = await post(anEncounter({ occurredAt: '2026-08-01T19:00:00Z', area: 'oxford', person: young }));
    expect(second.decision).toBe('declined');
    expect(second.reasons.map((r: { code: string }) => r.code)).toEqual(['prior-non-engagement']);

    await publishEvent(producer, SummonsRequestWithdrawn, {
      referralId: first.referralId, summonsRequestId: randomUUID(), withdrawnBy: 'sgt-2041', reason: 'attendance was recorded late', withdrawnAt: '2026-08-05T10:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'withdrawn');

    const third = await post(anEncounter({ occurredAt: '2026-09-01T19:00:00Z', area: 'oxford', person: young }));
    expect(third.decision).toBe('referred');
    // Superseded, never overwritten: the referral's whole story is kept.
    expect(await queryDatabase(db, 'SELECT outcome, superseded_at IS NOT NULL AS superseded FROM diversion_history WHERE referral_id = $1 ORDER BY id', [first.referralId])).toEqual([
      { outcome: 'in-progress', superseded: true },
      { outcome: 'summons-requested', superseded: true },
      { outcome: 'withdrawn', superseded: false },
    ]);
  });

  it("follows the outcome service's correction of a late re-engagement: summons withdrawn automatically, review excused", async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const adult = { personRef, dateOfBirth: '1988-03-03' };
    const first = await post(anEncounter({ occurredAt: '2026-05-01T21:00:00Z', area: 'slough', person: adult }));
    const reviewId = randomUUID();
    const summonsRequestId = randomUUID();
    await publishEvent(producer, SummonsRequested, {
      referralId: first.referralId, summonsRequestId, personRef, schemeId: 'thames-valley-adult-diversion-druglink', area: 'slough',
      offenceType: 'possession', encounterAt: '2026-05-01T21:00:00Z', reason: 'no engagement in the window', attendance: [], requestedAt: '2026-06-01T10:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'summons-requested');
    expect((await getJson(`${service.url}/v1/referrals/${first.referralId}`)).body.status).toBe('summons-requested');

    await publishEvent(producer, SummonsRequestWithdrawn, {
      referralId: first.referralId, summonsRequestId, withdrawnBy: 'system', reason: 're-engaged inside the window', withdrawnAt: '2026-06-02T10:00:00Z', automatic: true,
    }, { key: first.referralId, producer: 'outcome' });
    await publishEvent(producer, ComplianceReviewClosed, {
      referralId: first.referralId, reviewId, resolution: 'excused', closedAt: '2026-06-02T10:00:00Z', supersedesResolution: 'summons-requested',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'excused');
    await waitUntil(async () => (await getJson(`${service.url}/v1/referrals/${first.referralId}`)).body.status === 'excused', 'the referral excused');
    expect((await post(anEncounter({ occurredAt: '2026-07-01T21:00:00Z', area: 'slough', person: adult }))).decision).toBe('referred');
  });

  it('builds history from the outcome events alone (a diversion this deployment never decided)', async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const elsewhere = randomUUID();
    await publishEvent(producer, NoFurtherDiversion, {
      referralId: elsewhere, personRef, schemeId: 'west-berkshire-voluntary-pilot', area: 'west-berkshire', reason: 'no engagement', decidedAt: '2019-01-10T10:00:00Z',
    }, { key: elsewhere, producer: 'outcome' });
    await outcomeBecomes(elsewhere, 'no-further-diversion');
    const answer = await post(anEncounter({ occurredAt: '2019-02-01T20:00:00Z', area: 'west-berkshire', person: { personRef, dateOfBirth: '2003-01-01' } }));
    expect(answer.reasons.map((r: { code: string }) => r.code)).toEqual(['prior-non-engagement']);
    // Nothing of it shows as a referral of ours.
    expect((await getJson(`${service.url}/v1/referrals/${elsewhere}`)).status).toBe(404);
  });

  it('an excused review does not bar; the history ignores outcomes decided after the encounter', async () => {
    const personRef = `PNC-${randomUUID().slice(0, 8)}`;
    const adult = { personRef, dateOfBirth: '1990-01-01' };
    const first = await post(anEncounter({ occurredAt: '2026-03-01T21:00:00Z', area: 'milton-keynes', person: adult }));
    await publishEvent(producer, ComplianceReviewClosed, { referralId: first.referralId, reviewId: randomUUID(), resolution: 'excused', closedAt: '2026-04-01T10:00:00Z' },
      { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'excused');
    expect((await post(anEncounter({ occurredAt: '2026-05-01T21:00:00Z', area: 'milton-keynes', person: adult }))).decision).toBe('referred');

    await publishEvent(producer, SummonsRequested, {
      referralId: first.referralId, summonsRequestId: randomUUID(), personRef, schemeId: 'thames-valley-adult-diversion-druglink', area: 'milton-keynes',
      offenceType: 'possession', encounterAt: '2026-03-01T21:00:00Z', reason: 'did not engage', attendance: [], requestedAt: '2026-07-01T10:00:00Z',
    }, { key: first.referralId, producer: 'outcome' });
    await outcomeBecomes(first.referralId, 'summons-requested');
    // An encounter before the summons request was made is judged on what was known then.
    expect((await post(anEncounter({ occurredAt: '2026-06-01T21:00:00Z', area: 'milton-keynes', person: adult }))).decision).toBe('referred');
    expect((await post(anEncounter({ occurredAt: '2026-07-02T21:00:00Z', area: 'milton-keynes', person: adult }))).decision).toBe('declined');
  });
});
