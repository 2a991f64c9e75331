import { TOPICS, type DiversionRefusedData, type ReferralCreatedData } from '@ddp/contracts';
import { anEncounter, EventTap, postJson, queryDatabase, sleep, startTestService, testServiceEnv } from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import { referralService } from '../referral.service-definition';

/** An encounter a few minutes ago (the assessment deadline is still ahead). */
const recently = () => new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
const TOKEN = 'test-internal-token-choice';

/** Issue 18, points 8-10 at intake: the person's choice, the officer's judgement, any linked offence, a guardian. */
describe('referral intake: choice, judgement, offences and guardians (real Postgres and Kafka)', () => {
  const env = testServiceEnv('referral_choice', { INTERNAL_API_TOKEN: TOKEN });
  const db = env.DATABASE_URL;
  let service: RunningService;
  let tap: EventTap;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.referral]);
    service = await startTestService(referralService(env));
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
  });

  const post = (encounter: unknown) => postJson(`${service.url}/v1/encounters`, encounter);
  const created = (encounterId: string) => tap.waitForEvent<ReferralCreatedData>('ReferralCreated', (e) => e.data.encounterId === encounterId);

  it('records a refusal of an eligible diversion as its own decision: DiversionRefused, no referral, no personal details', async () => {
    const encounter = anEncounter({ occurredAt: recently(), area: 'reading', offer: { accepted: false } });
    const res = await post(encounter);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ decision: 'refused', reasons: [], provider: null, assessmentDeadline: null, scheme: { id: 'thames-valley-adult-diversion-druglink' } });
    expect(res.body.nextSteps).toContain('refused');
    const refused = await tap.waitForEvent<DiversionRefusedData>('DiversionRefused', (e) => e.data.encounterId === encounter.encounterId);
    expect(refused.data).toEqual({
      referralId: res.body.referralId, encounterId: encounter.encounterId, personRef: encounter.person.personRef, schemeId: 'thames-valley-adult-diversion-druglink',
      area: 'reading', ageBand: 'adult', offenceType: 'possession', encounterAt: encounter.occurredAt, officerCollarNumber: 'TV4172',
    });
    await sleep(300);
    expect(tap.messages.filter((m) => m.key === res.body.referralId).map((m) => (m.value as { eventType: string }).eventType)).toEqual(['DiversionRefused']);
    expect(await queryDatabase(db, "SELECT decision, status, indicators->'offerAccepted' AS accepted FROM referral WHERE id = $1", [res.body.referralId])).toEqual([
      { decision: 'refused', status: 'refused', accepted: false },
    ]);
    expect(await queryDatabase(db, 'SELECT 1 FROM referral_person WHERE referral_id = $1', [res.body.referralId])).toEqual([]);
  });

  it('refers when the person accepted the offer', async () => {
    const encounter = anEncounter({ occurredAt: recently(), area: 'reading', offer: { accepted: true } });
    const res = await post(encounter);
    expect(res.body.decision).toBe('referred');
    expect(await queryDatabase(db, "SELECT indicators->'offerAccepted' AS accepted FROM referral WHERE id = $1", [res.body.referralId])).toEqual([{ accepted: true }]);
  });

  it("diverts a drug with no threshold on the officer's judgement of a small, personal quantity, and says so in ReferralCreated", async () => {
    const encounter = anEncounter({
      occurredAt: recently(), area: 'reading',
      offence: { type: 'possession', substance: 'khat', drugClass: 'C', quantity: { value: 40, unit: 'g' }, officerJudgedSmallPersonalQuantity: true },
    });
    const res = await post(encounter);
    expect(res.body.decision).toBe('referred');
    expect((await created(encounter.encounterId)).data).toMatchObject({ substance: 'khat', quantityBasis: 'officer-judgement' });
    const withThreshold = anEncounter({ occurredAt: recently(), area: 'reading' });
    await post(withThreshold);
    expect((await created(withThreshold.encounterId)).data.quantityBasis).toBe('threshold');
  });

  it.each(['sex-work', 'knife-possession', 'other-linked-offence'])('takes a %s offence linked to substance misuse under the Druglink programme (a configured type)', async (type) => {
    const encounter = anEncounter({ occurredAt: recently(), area: 'slough', offence: { type }, indicators: { suspectedSupply: false, linkedToSubstanceMisuse: true } });
    delete encounter.offence.substance;
    delete encounter.offence.drugClass;
    delete encounter.offence.quantity;
    const res = await post(encounter);
    expect(res.body).toMatchObject({ decision: 'referred', scheme: { id: 'thames-valley-adult-diversion-druglink' } });
    expect((await created(encounter.encounterId)).data.offenceType).toBe(type);
  });

  it("keeps a young person's guardian with the personal details, gives it to the notification service only, never in events", async () => {
    const guardian = { name: 'Jo Parentname', relationship: 'mother', phone: '+447700900555', email: 'jo.parent@example.test' };
    const encounter = anEncounter({ occurredAt: recently(), area: 'oxford', person: { dateOfBirth: '2011-03-04', guardian }, bwvReference: undefined });
    const res = await post(encounter);
    expect(res.body).toMatchObject({ decision: 'referred', scheme: { id: 'thames-valley-youth-diversion' } });
    await created(encounter.encounterId);
    const raw = tap.messages.find((m) => m.key === res.body.referralId)!.raw!;
    for (const personal of Object.values(guardian)) expect(raw).not.toContain(personal);
    const contact = await fetch(`${service.url}/internal/v1/referrals/${res.body.referralId}/contact`, { headers: { 'x-internal-token': TOKEN } });
    expect(await contact.json()).toMatchObject({ ageBand: 'youth', guardian: { name: guardian.name, phone: guardian.phone, email: guardian.email } });
  });
});
