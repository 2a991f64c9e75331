import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ContractViolation, createEnvelope, Encounter, EVENT_DEFINITIONS, parseEnvelope, parseJson, ReferralCreated, TOPIC_PARTITIONS, TOPICS, validateAs,
} from './index';

// Golden fixtures: one real-looking example per event type, checked in as JSON. A change
// to a contract that would break a consumer of yesterday's events breaks these tests.
const FIXTURES = path.resolve(__dirname, '../fixtures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('event contracts', () => {
  it('has a golden fixture for every registered event type, and no stray fixture', () => {
    const expected = EVENT_DEFINITIONS.map((d) => `${d.type}.v${d.version}.json`).sort();
    const found = readdirSync(FIXTURES).filter((f) => f !== 'police-encounter.v1.json').sort();
    expect(found).toEqual(expected);
  });

  it.each(EVENT_DEFINITIONS.map((d) => [d.type, d] as const))('parses the golden %s fixture', (_type, definition) => {
    const raw = fixture(`${definition.type}.v${definition.version}.json`);
    const parsed = parseEnvelope(raw);
    expect(parsed.eventType).toBe(definition.type);
    expect(parsed.data).toBeInstanceOf(definition.data);
    // Data survives a round trip unchanged (no field silently dropped or coerced).
    expect(JSON.parse(JSON.stringify(parsed.data))).toEqual(raw.data);
  });

  it.each(EVENT_DEFINITIONS.map((d) => [d.type, d] as const))('lives on a known topic: %s', (_type, definition) => {
    expect(Object.values(TOPICS)).toContain(definition.topic);
    expect(TOPIC_PARTITIONS[definition.topic]).toBeGreaterThan(0);
  });

  it('refuses an unknown event type or version', () => {
    const raw = fixture('ReferralCreated.v1.json');
    expect(() => parseEnvelope({ ...raw, eventType: 'ReferralExploded' })).toThrow(/unknown event type ReferralExploded v1/);
    expect(() => parseEnvelope({ ...raw, eventVersion: 2 })).toThrow(/unknown event type ReferralCreated v2/);
  });

  it('names every broken envelope field', () => {
    const raw = fixture('ReferralCreated.v1.json');
    try {
      parseEnvelope({ ...raw, eventId: 'not-a-uuid', occurredAt: 'yesterday', producer: 'someone' });
      throw new Error('expected a ContractViolation');
    } catch (error) {
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).issues.map((i) => i.path).sort()).toEqual(['eventId', 'occurredAt', 'producer']);
    }
  });

  it('names every broken data field with its full path', () => {
    const raw = fixture('CourseBooked.v1.json');
    raw.data.sessions[0].modality = 'carrier-pigeon';
    delete raw.data.providerId;
    expect(() => parseEnvelope(raw)).toThrow(ContractViolation);
    try {
      parseEnvelope(raw);
    } catch (error) {
      expect((error as ContractViolation).issues.map((i) => i.path).sort()).toEqual(['data.providerId', 'data.sessions.0.modality']);
    }
  });

  it('validates data when an envelope is created (refused on produce)', () => {
    const good = fixture('ReferralCreated.v1.json').data;
    const meta = { producer: 'referral' as const, key: good.referralId, correlationId: 'c', occurredAt: new Date('2026-03-01T21:40:00Z') };
    expect(createEnvelope(ReferralCreated, good, meta).eventType).toBe('ReferralCreated');
    expect(() => createEnvelope(ReferralCreated, { ...good, shortRef: 'O0I1-LLLL' }, meta)).toThrow(/data.shortRef/);
    expect(() => createEnvelope(ReferralCreated, { ...good, encounterAt: '2026-03-01 21:40' }, meta)).toThrow(/data.encounterAt/);
  });

  it('turns bytes that are not JSON into a ContractViolation', () => {
    expect(() => parseJson(Buffer.from('{"a":'), 'message')).toThrow(ContractViolation);
    expect(() => parseJson(null, 'message')).toThrow(/no value/);
  });
});

describe('the police encounter contract', () => {
  const valid = () => fixture('police-encounter.v1.json');

  it('accepts the golden encounter', () => {
    expect(validateAs(Encounter, valid(), 'encounter').encounterId).toBe('TVP-ENC-20260301-0042');
  });

  it.each([
    ['occurredAt without an offset', (e: any) => (e.occurredAt = '2026-03-01T21:40:00'), 'occurredAt'],
    ['a date of birth with a time', (e: any) => (e.person.dateOfBirth = '1994-06-15T00:00:00Z'), 'person.dateOfBirth'],
    ['a missing person', (e: any) => delete e.person, 'person'],
    // Offence types are configuration (an unconfigured code is declined by the domain); the contract wants a code.
    ['an offence type that is not a code', (e: any) => (e.offence.type = 'Shop lifting'), 'offence.type'],
    ['an offer without its answer', (e: any) => (e.offer = {}), 'offer.accepted'],
    ["a guardian's contact without a name", (e: any) => (e.person.guardian = { email: 'parent@example.org' }), 'person.guardian.name'],
    ['a negative quantity', (e: any) => (e.offence.quantity.value = -1), 'offence.quantity.value'],
    ['suspectedSupply as a string', (e: any) => (e.indicators.suspectedSupply = 'no'), 'indicators.suspectedSupply'],
    ['an area with spaces', (e: any) => (e.area = 'Windsor & Maidenhead'), 'area'],
    ['a bad email', (e: any) => (e.person.contact.email = 'not-an-email'), 'person.contact.email'],
  ])('refuses %s, naming the field', (_what, mutate, pathName) => {
    const e = valid();
    mutate(e);
    try {
      validateAs(Encounter, e, 'encounter');
      throw new Error('expected a ContractViolation');
    } catch (error) {
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).issues.map((i) => i.path)).toContain(pathName);
    }
  });
});
