import { defaultRuleSet } from './config';
import { assessmentDeadline, schemeById, schemeInForce, schemeInForceOn } from './schemes';
import { endOfUkDay, ukLocalDate } from './time';
import type { AgeBand, RuleSet, Scheme } from './types';

const ALL_AREAS = [
  'west-berkshire',
  'reading',
  'wokingham',
  'bracknell-forest',
  'windsor-maidenhead',
  'slough',
  'chiltern-south-bucks',
  'wycombe',
  'aylesbury-vale',
  'milton-keynes',
  'oxford',
  'cherwell-west-oxfordshire',
  'south-vale',
];

/** The start dates of the seeds, written out independently of the configuration. */
const WB_PILOT = '2018-11-01';
const WM_PILOT = '2020-01-13';
const YOUTH_FORCE_WIDE = '2020-10-13';
const ADULT_FORCE_WIDE = '2021-12-06';

/** What the seeds say applies, as an oracle written independently of the tables. */
function expectedScheme(area: string, band: AgeBand, date: string): string | undefined {
  if (band === 'youth') {
    if (date >= YOUTH_FORCE_WIDE) return 'thames-valley-youth-diversion';
    if (area === 'windsor-maidenhead' && date >= WM_PILOT) return 'windsor-maidenhead-pilot-youth';
  } else {
    if (date >= ADULT_FORCE_WIDE) return 'thames-valley-adult-diversion-druglink';
    if (area === 'windsor-maidenhead' && date >= WM_PILOT) return 'windsor-maidenhead-deferred-prosecution-pilot-adult';
  }
  if (area === 'west-berkshire' && date >= WB_PILOT) return 'west-berkshire-voluntary-pilot';
  return undefined;
}

const dayBefore = (d: string) => {
  const t = new Date(`${d}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
};

const cases: [string, AgeBand, string, string | undefined][] = [];
for (const boundary of [WB_PILOT, WM_PILOT, YOUTH_FORCE_WIDE, ADULT_FORCE_WIDE]) {
  for (const date of [dayBefore(boundary), boundary]) {
    for (const area of ALL_AREAS) {
      for (const band of ['youth', 'adult'] as const) cases.push([area, band, date, expectedScheme(area, band, date)]);
    }
  }
}

describe('schemeInForce: every area × age band on both sides of every start date', () => {
  it('covers the 13 LPAs of the configuration', () => {
    expect(defaultRuleSet.areas.map((a) => a.code).sort()).toEqual([...ALL_AREAS].sort());
  });

  it.each(cases)('%s, %s, %s → %s', (area, band, date, expected) => {
    // Noon UK time on the date: 12:00 GMT or 11:00 UTC in BST.
    const at = new Date(`${date}T11:30:00Z`);
    expect(ukLocalDate(at)).toBe(date);
    expect(schemeInForce(area, band, at)?.id).toBe(expected);
  });
});

describe('schemeInForce at the edges of a UK day', () => {
  it.each([
    // 13 January 2020 (GMT): from 00:00 UTC.
    ['windsor-maidenhead', 'adult', '2020-01-12T23:59:59.999Z', undefined],
    ['windsor-maidenhead', 'adult', '2020-01-13T00:00:00.000Z', 'windsor-maidenhead-deferred-prosecution-pilot-adult'],
    // 13 October 2020 (BST): from 23:00 UTC on 12 October.
    ['reading', 'youth', '2020-10-12T22:59:59.999Z', undefined],
    ['reading', 'youth', '2020-10-12T23:00:00.000Z', 'thames-valley-youth-diversion'],
    ['west-berkshire', 'youth', '2020-10-12T22:59:59.999Z', 'west-berkshire-voluntary-pilot'],
    ['west-berkshire', 'youth', '2020-10-12T23:00:00.000Z', 'thames-valley-youth-diversion'],
    // 6 December 2021 (GMT).
    ['west-berkshire', 'adult', '2021-12-05T23:59:59.999Z', 'west-berkshire-voluntary-pilot'],
    ['west-berkshire', 'adult', '2021-12-06T00:00:00.000Z', 'thames-valley-adult-diversion-druglink'],
  ] as const)('%s %s at %s → %s', (area, band, iso, expected) => {
    expect(schemeInForce(area, band, new Date(iso))?.id).toBe(expected);
  });

  it('knows no scheme in an unknown area, even a force-wide one', () => {
    expect(schemeInForce('gotham', 'adult', new Date('2022-06-01T12:00:00Z'))).toBeUndefined();
  });
});

describe('scheme precedence is data, not code', () => {
  const base = schemeById('thames-valley-youth-diversion') as Scheme;
  const twin = (id: string, validFrom: string, validTo?: string): Scheme => ({ ...base, id, validFrom, ...(validTo && { validTo }) });

  it('prefers the latest start, then the smaller id, whatever the table order', () => {
    const rules: RuleSet = { ...defaultRuleSet, schemes: [twin('b', '2020-01-01'), twin('a', '2020-01-01'), twin('c', '2019-01-01')] };
    expect(schemeInForceOn('reading', 'youth', '2020-06-01', rules)?.id).toBe('a');
    expect(schemeInForceOn('reading', 'youth', '2019-06-01', rules)?.id).toBe('c');
    const reversed: RuleSet = { ...rules, schemes: [...rules.schemes].reverse() };
    expect(schemeInForceOn('reading', 'youth', '2020-06-01', reversed)?.id).toBe('a');
  });

  it('ends a scheme after its validTo', () => {
    const rules: RuleSet = { ...defaultRuleSet, schemes: [twin('old', '2019-01-01'), twin('new', '2020-01-01', '2020-12-31')] };
    expect(schemeInForceOn('reading', 'youth', '2020-12-31', rules)?.id).toBe('new');
    expect(schemeInForceOn('reading', 'youth', '2021-01-01', rules)?.id).toBe('old');
  });

  it('adds a new area by configuration alone', () => {
    const rules: RuleSet = { ...defaultRuleSet, areas: [...defaultRuleSet.areas, { code: 'new-lpa', name: 'New LPA', validFrom: '2022-01-01', source: 'configuration default' }] };
    expect(schemeInForce('new-lpa', 'adult', new Date('2021-12-31T12:00:00Z'), rules)).toBeUndefined();
    expect(schemeInForce('new-lpa', 'adult', new Date('2022-01-01T12:00:00Z'), rules)?.id).toBe('thames-valley-adult-diversion-druglink');
  });

  it('looks schemes up by id', () => {
    expect(schemeById('no-such-scheme')).toBeUndefined();
  });
});

describe('assessmentDeadline: end of the day after the encounter, UK local time', () => {
  const scheme = schemeById('thames-valley-adult-diversion-druglink') as Scheme;
  it.each([
    ['2022-01-10T09:00:00Z', '2022-01-11T23:59:59.999Z'], // GMT both days
    ['2022-07-10T09:00:00Z', '2022-07-11T22:59:59.999Z'], // BST both days
    ['2022-07-10T23:30:00Z', '2022-07-12T22:59:59.999Z'], // 00:30 BST on 11 July
    ['2022-03-26T21:00:00Z', '2022-03-27T22:59:59.999Z'], // next day is the spring-forward day
    ['2022-03-27T12:00:00Z', '2022-03-28T22:59:59.999Z'], // encounter on the spring-forward day
    ['2022-10-29T22:30:00Z', '2022-10-30T23:59:59.999Z'], // 23:30 BST, next day is fall back
    ['2022-10-30T23:30:00Z', '2022-10-31T23:59:59.999Z'], // 23:30 GMT on the fall-back day
  ])('encounter %s → %s', (at, deadline) => {
    expect(assessmentDeadline(new Date(at), scheme).toISOString()).toBe(deadline);
  });

  it('follows the scheme rule, and refuses invalid dates', () => {
    const sameDay: Scheme = { ...scheme, assessmentDeadline: { daysAfterEncounter: 0 } };
    expect(assessmentDeadline(new Date('2022-01-10T09:00:00Z'), sameDay)).toEqual(endOfUkDay('2022-01-10'));
    expect(() => assessmentDeadline(new Date(NaN), scheme)).toThrow(/encounterAt/);
  });
});
