import { defaultRuleSet } from './config';
import { hasEveningSlots, providersFor, routeProvider } from './routing';
import type { Provider, RuleSet } from './types';

const at = (iso: string) => new Date(iso);

describe('routeProvider', () => {
  it.each([
    ['west-berkshire', 'adult', 'west-berkshire-voluntary-pilot', '2019-01-01T12:00:00Z', 'resilience-cranstoun-west-berkshire'],
    ['west-berkshire', 'youth', 'west-berkshire-voluntary-pilot', '2019-01-01T12:00:00Z', 'the-edge-west-berkshire'],
    ['west-berkshire', 'youth', 'thames-valley-youth-diversion', '2020-10-13T12:00:00Z', 'the-edge-west-berkshire'],
    ['windsor-maidenhead', 'adult', 'windsor-maidenhead-deferred-prosecution-pilot-adult', '2020-01-13T12:00:00Z', 'cranstoun-windsor-maidenhead'],
    ['windsor-maidenhead', 'youth', 'windsor-maidenhead-pilot-youth', '2020-01-13T12:00:00Z', 'cranstoun-windsor-maidenhead'],
    ['windsor-maidenhead', 'youth', 'thames-valley-youth-diversion', '2020-10-13T12:00:00Z', 'windsor-maidenhead-youth-substance-misuse-service'],
    ['reading', 'youth', 'thames-valley-youth-diversion', '2020-10-13T12:00:00Z', 'reading-youth-substance-misuse-service'],
    ['south-vale', 'youth', 'thames-valley-youth-diversion', '2023-10-01T12:00:00Z', 'south-vale-youth-substance-misuse-service'],
    ['reading', 'adult', 'thames-valley-adult-diversion-druglink', '2021-12-06T00:00:00Z', 'druglink'],
    ['west-berkshire', 'adult', 'thames-valley-adult-diversion-druglink', '2022-12-01T00:00:00Z', 'druglink'],
  ] as const)('%s %s %s at %s → %s', (area, ageBand, schemeId, iso, expected) => {
    expect(routeProvider({ area, ageBand, schemeId, at: at(iso) })?.id).toBe(expected);
  });

  it.each([
    ['before the provider starts', 'reading', 'adult', 'thames-valley-adult-diversion-druglink', '2021-11-30T23:59:59Z'],
    ['wrong age band', 'reading', 'youth', 'thames-valley-adult-diversion-druglink', '2022-01-01T12:00:00Z'],
    ['scheme the provider does not run', 'reading', 'adult', 'west-berkshire-voluntary-pilot', '2022-01-01T12:00:00Z'],
    ['unknown area', 'gotham', 'adult', 'thames-valley-adult-diversion-druglink', '2022-01-01T12:00:00Z'],
  ] as const)('finds no provider: %s', (_label, area, ageBand, schemeId, iso) => {
    expect(routeProvider({ area, ageBand, schemeId, at: at(iso) })).toBeUndefined();
  });

  it('gives Druglink the adult programme capacity of 100 a week', () => {
    expect(routeProvider({ area: 'oxford', ageBand: 'adult', schemeId: 'thames-valley-adult-diversion-druglink', at: at('2022-01-01T12:00:00Z') })?.weeklyCapacity).toBe(100);
  });

  it('prefers the most recently started provider, then the smaller id, when several match', () => {
    const druglink = defaultRuleSet.providers.find((p) => p.id === 'druglink') as Provider;
    const rules: RuleSet = {
      ...defaultRuleSet,
      providers: [
        { ...druglink, id: 'zeta', validFrom: '2022-03-01' },
        { ...druglink, id: 'alpha', validFrom: '2022-03-01' },
        { ...druglink, id: 'ended', validFrom: '2022-04-01', validTo: '2022-04-30' },
        druglink,
      ],
    };
    const input = { area: 'reading', ageBand: 'adult', schemeId: 'thames-valley-adult-diversion-druglink' } as const;
    expect(routeProvider({ ...input, at: at('2022-02-01T12:00:00Z') }, rules)?.id).toBe('druglink');
    expect(providersFor({ ...input, at: at('2022-03-01T12:00:00Z') }, rules).map((p) => p.id)).toEqual(['alpha', 'zeta', 'druglink']);
    expect(routeProvider({ ...input, at: at('2022-04-15T12:00:00Z') }, rules)?.id).toBe('ended');
    expect(routeProvider({ ...input, at: at('2022-05-01T12:00:00Z') }, rules)?.id).toBe('alpha');
  });

  it('serves every area and age band once the force-wide schemes start', () => {
    for (const area of defaultRuleSet.areas) {
      expect(routeProvider({ area: area.code, ageBand: 'youth', schemeId: 'thames-valley-youth-diversion', at: at('2021-01-01T12:00:00Z') })).toBeDefined();
      expect(routeProvider({ area: area.code, ageBand: 'adult', schemeId: 'thames-valley-adult-diversion-druglink', at: at('2022-01-01T12:00:00Z') })).toBeDefined();
    }
  });
});

describe('opening hours and modalities', () => {
  const byId = (id: string) => defaultRuleSet.providers.find((p) => p.id === id) as Provider;

  it('records that the West Berkshire adult service closed at 17:00 (seed 003), and evenings elsewhere', () => {
    expect(hasEveningSlots(byId('resilience-cranstoun-west-berkshire'))).toBe(false);
    expect(hasEveningSlots(byId('druglink'))).toBe(true);
    expect(hasEveningSlots(byId('reading-youth-substance-misuse-service'))).toBe(true);
  });

  it('offers online and video appointments from the pilots onwards (seed 000)', () => {
    expect(byId('cranstoun-windsor-maidenhead').modalities).toEqual(expect.arrayContaining(['online', 'video', 'phone', 'in-person']));
  });

  it('keeps every opening slot well-formed', () => {
    for (const p of defaultRuleSet.providers) {
      for (const slots of Object.values(p.openingHours)) {
        for (const s of slots) {
          expect(s.opens).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          expect(s.closes).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          expect(s.closes > s.opens).toBe(true);
        }
      }
    }
  });
});
