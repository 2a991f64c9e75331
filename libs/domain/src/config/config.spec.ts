import * as fs from 'fs';
import * as path from 'path';
import { isIsoDate } from '../time';
import { AGE_BANDS, OFFENCE_TYPES, WEEKDAYS, type Source } from '../types';
import { defaultRuleSet, HOME_OFFICE_COUNTING_RULES, SEED } from './index';

const SEED_FILES = Object.values(SEED);
const SEEDS_DIR = path.resolve(__dirname, '../../../../../shared/seeds');

function expectSource(source: Source): void {
  if (source === 'configuration default') return;
  if (source.startsWith('outside source: ')) return;
  expect(SEED_FILES).toContain(source);
}

const rows = [
  ...defaultRuleSet.areas,
  ...defaultRuleSet.schemes,
  ...defaultRuleSet.thresholds,
  ...defaultRuleSet.providers,
];

describe('configuration tables: provenance and shape', () => {
  it('names seed files that exist, in the seeds/NNN_hash.txt form', () => {
    for (const f of SEED_FILES) expect(f).toMatch(/^seeds\/\d{3}_[0-9a-f]{16}\.txt$/);
    // The seeds live beside the repository in the shared workspace; check them when present.
    if (fs.existsSync(SEEDS_DIR)) {
      for (const f of SEED_FILES) expect(fs.existsSync(path.join(SEEDS_DIR, path.basename(f)))).toBe(true);
    }
  });

  it('gives every row, every scheme rule and every provider rule a known source', () => {
    for (const row of [...rows, ...defaultRuleSet.crimeOutcomes, ...defaultRuleSet.withdrawalReasons, ...defaultRuleSet.courtResults]) expectSource(row.source);
    for (const s of defaultRuleSet.schemes) {
      Object.values(s.provenance).forEach(expectSource);
      s.admissibleOffences.forEach((o) => expectSource(o.source));
    }
    for (const p of defaultRuleSet.providers) Object.values(p.provenance).forEach(expectSource);
  });

  it('effective-dates every row with real dates, validTo not before validFrom', () => {
    for (const row of rows) {
      expect(isIsoDate(row.validFrom)).toBe(true);
      if (row.validTo !== undefined) {
        expect(isIsoDate(row.validTo)).toBe(true);
        expect(row.validTo >= row.validFrom).toBe(true);
      }
    }
  });

  it('uses unique ids and codes', () => {
    const unique = (xs: string[]) => expect(new Set(xs).size).toBe(xs.length);
    unique(defaultRuleSet.areas.map((a) => a.code));
    unique(defaultRuleSet.schemes.map((s) => s.id));
    unique(defaultRuleSet.providers.map((p) => p.id));
    unique(defaultRuleSet.thresholds.map((t) => `${t.substance}/${t.unit}`));
    unique(defaultRuleSet.withdrawalReasons.map((r) => r.code));
  });

  it('refers only to configured areas, schemes, age bands and offence types', () => {
    const areaCodes = defaultRuleSet.areas.map((a) => a.code);
    const schemeIds = defaultRuleSet.schemes.map((s) => s.id);
    for (const x of [...defaultRuleSet.schemes, ...defaultRuleSet.providers]) {
      if (x.areas !== 'force-wide') x.areas.forEach((a) => expect(areaCodes).toContain(a));
      x.ageBands.forEach((b) => expect(AGE_BANDS).toContain(b));
    }
    for (const p of defaultRuleSet.providers) p.schemes.forEach((s) => expect(schemeIds).toContain(s));
    for (const s of defaultRuleSet.schemes) s.admissibleOffences.forEach((o) => expect(OFFENCE_TYPES).toContain(o.type));
    for (const s of defaultRuleSet.schemes) expect(defaultRuleSet.crimeOutcomes.map((o) => o.code)).toContain(s.completionOutcomeCode);
  });

  it('has sane numbers', () => {
    for (const s of defaultRuleSet.schemes) {
      expect(s.course.sessions).toBeGreaterThanOrEqual(1);
      expect(s.course.intervalDays).toBeGreaterThanOrEqual(1);
      expect(s.course.sessionMinutes).toBeGreaterThan(0);
      expect(Number.isInteger(s.missedSessionTolerance) && s.missedSessionTolerance >= 0).toBe(true);
      expect(s.showCauseWindowHours).toBeGreaterThan(0);
      expect(s.assessmentDeadline.daysAfterEncounter).toBe(1);
    }
    for (const t of defaultRuleSet.thresholds) expect(t.maxQuantity).toBeGreaterThan(0);
    for (const p of defaultRuleSet.providers) expect(p.weeklyCapacity).toBeGreaterThan(0);
  });
});

describe('configuration tables: facts from the seeds', () => {
  const scheme = (id: string) => defaultRuleSet.schemes.find((s) => s.id === id)!;

  it.each([
    ['west-berkshire-voluntary-pilot', '2018-11-01', SEED.youthForceWide],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', '2020-01-13', SEED.windsorMaidenheadPilot],
    ['windsor-maidenhead-pilot-youth', '2020-01-13', SEED.windsorMaidenheadPilot],
    ['thames-valley-youth-diversion', '2020-10-01', SEED.youthForceWide],
    ['thames-valley-adult-diversion-druglink', '2021-12-01', SEED.druglink],
  ])('%s starts %s, dated by %s', (id, validFrom, source) => {
    expect(scheme(id).validFrom).toBe(validFrom);
    expect(scheme(id).provenance.validity).toBe(source);
  });

  it('carries the disposals, consequences and outcome codes the seeds give', () => {
    const summary = defaultRuleSet.schemes.map((s) => [s.id, s.disposal, s.failureConsequence, s.repeatPolicy, s.completionOutcomeCode, s.requiresBwvInterview]);
    expect(summary).toEqual([
      ['west-berkshire-voluntary-pilot', 'voluntary-attendance', 'no-further-diversion', 'until-non-engagement', 8, false],
      ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'deferred-prosecution', 'summons-request', 'while-engaging', 22, true],
      ['windsor-maidenhead-pilot-youth', 'voluntary-attendance', 'no-further-diversion', 'until-non-engagement', 8, false],
      ['thames-valley-youth-diversion', 'community-resolution', 'summons-request', 'while-engaging', 8, false],
      ['thames-valley-adult-diversion-druglink', 'deferred-prosecution', 'summons-request', 'while-engaging', 22, true],
    ]);
    expect(scheme('thames-valley-youth-diversion').course).toMatchObject({ sessions: 6, intervalDays: 7 });
  });

  it('ships thresholds (with units) for the substances the services expect', () => {
    for (const substance of ['cannabis', 'cocaine', 'heroin', 'mdma', 'ketamine', 'amphetamine', 'spice']) {
      expect(defaultRuleSet.thresholds.some((t) => t.substance === substance && t.unit === 'g')).toBe(true);
    }
  });

  it('gives every provider telephone assessment cover on every day of the week (seed 003: "on that day or that day after")', () => {
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    for (const p of defaultRuleSet.providers) {
      for (const day of WEEKDAYS) {
        const longest = Math.max(0, ...p.phoneAssessmentCover[day].map((s) => minutes(s.closes) - minutes(s.opens)));
        expect({ provider: p.id, day, longest: longest >= p.assessmentSlotMinutes }).toEqual({ provider: p.id, day, longest: true });
      }
      expect(p.provenance.phoneAssessmentCover).toBe('configuration default');
      expect(p.provenance.openingHours === 'configuration default' || p.id === 'resilience-cranstoun-west-berkshire').toBe(true);
    }
  });

  it("labels every weekly capacity but Druglink's as a configuration default (seed 004: \"up to 100 per week\")", () => {
    for (const p of defaultRuleSet.providers) {
      expect([p.id, p.provenance.weeklyCapacity]).toEqual([p.id, p.id === 'druglink' ? SEED.druglink : 'configuration default']);
      expect([p.id, p.annualReferralEstimate]).toEqual([p.id, p.id === 'druglink' ? 5000 : null]);
    }
  });

  it('knows crime outcome codes 1, 8 and 22', () => {
    expect(defaultRuleSet.crimeOutcomes.map((o) => o.code)).toEqual([1, 8, 22]);
  });

  it('sources the outcome codes to the Home Office counting rules, never to a seed (no seed names a code)', () => {
    for (const o of defaultRuleSet.crimeOutcomes) expect(o.source).toBe(HOME_OFFICE_COUNTING_RULES);
    for (const s of defaultRuleSet.schemes) expect(s.provenance.completionOutcomeCode).toBe(HOME_OFFICE_COUNTING_RULES);
    for (const r of defaultRuleSet.courtResults) expect(r.source).not.toMatch(/^seeds\//);
  });

  it('gives every court result a configured outcome (a code from the table, pending or none)', () => {
    const codes = defaultRuleSet.crimeOutcomes.map((o) => o.code as unknown);
    for (const r of defaultRuleSet.courtResults) expect([...codes, 'pending', 'none']).toContain(r.crimeOutcome);
    expect(defaultRuleSet.courtResults.find((r) => r.result === 'summons-issued')?.crimeOutcome).toBe(1);
  });
});
