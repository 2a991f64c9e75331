import * as fs from 'fs';
import * as path from 'path';
import { isIsoDate } from '../time';
import { AGE_BANDS, OFFENCE_PATHWAYS, WEEKDAYS, type Source } from '../types';
import { defaultRuleSet, HOME_OFFICE_COUNTING_RULES, parseSeedQuote, QUOTE, SEED } from './index';

const SEED_FILES: string[] = Object.values(SEED);
/** The seeds live beside the repository (../shared/seeds), in CI as in the shared workspace. */
const SEEDS_DIR = path.resolve(__dirname, '../../../../../shared/seeds');

/** Whitespace collapsed, curly quotes straightened, dashes made hyphens, HTML's &amp; read as &. */
export function normaliseText(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const rows = [
  ...defaultRuleSet.areas,
  ...defaultRuleSet.schemes,
  ...defaultRuleSet.thresholds,
  ...defaultRuleSet.providers,
  ...defaultRuleSet.offenceTypes,
  ...defaultRuleSet.youthOffendingTeams,
];

/** Every source a rule names, with where it is named. */
function everySource(): Array<{ where: string; source: Source }> {
  const out: Array<{ where: string; source: Source }> = [];
  for (const row of [...rows, ...defaultRuleSet.crimeOutcomes, ...defaultRuleSet.withdrawalReasons, ...defaultRuleSet.courtResults]) {
    const id = 'id' in row ? row.id : 'code' in row ? row.code : 'substance' in row ? `${row.substance}/${row.unit}` : 'result' in row ? row.result : row.area;
    out.push({ where: String(id), source: row.source });
  }
  for (const s of defaultRuleSet.schemes) {
    for (const [field, source] of Object.entries(s.provenance)) out.push({ where: `${s.id}.${field}`, source });
    s.admissibleOffences.forEach((o) => out.push({ where: `${s.id}.admissibleOffences.${o.pathway}`, source: o.source }));
  }
  for (const p of defaultRuleSet.providers) for (const [field, source] of Object.entries(p.provenance)) out.push({ where: `${p.id}.${field}`, source });
  return out;
}

describe('configuration tables: provenance and shape', () => {
  it('names seed files that exist, in the seeds/NNN_hash.txt form', () => {
    for (const f of SEED_FILES) expect(f).toMatch(/^seeds\/\d{3}_[0-9a-f]{16}\.txt$/);
    expect(fs.existsSync(SEEDS_DIR)).toBe(true);
    for (const f of SEED_FILES) expect(fs.existsSync(path.join(SEEDS_DIR, path.basename(f)))).toBe(true);
  });

  it('gives every rule a quoted seed passage, an outside source or "configuration default"', () => {
    for (const { where, source } of everySource()) {
      const ok = source === 'configuration default' || /^outside source: \S/.test(source) || parseSeedQuote(source) !== undefined;
      if (!ok) throw new Error(`${where}: source ${JSON.stringify(source)} is neither a quoted seed passage, an outside source nor "configuration default"`);
    }
  });

  it('quotes, for every rule resting on a seed, a passage (a sentence or less) that is in that seed', () => {
    const texts = new Map(SEED_FILES.map((f) => [f, normaliseText(fs.readFileSync(path.join(SEEDS_DIR, path.basename(f)), 'utf8'))]));
    const missing: string[] = [];
    for (const { where, source } of [...everySource(), ...Object.entries(QUOTE).map(([where, source]) => ({ where, source }))]) {
      const quoted = parseSeedQuote(source);
      if (!quoted) continue;
      const text = texts.get(quoted.seed);
      if (text === undefined) missing.push(`${where}: ${quoted.seed} is not a seed file`);
      else if (!text.includes(normaliseText(quoted.passage))) missing.push(`${where}: not in ${quoted.seed}: "${quoted.passage}"`);
      expect(quoted.passage.length).toBeLessThanOrEqual(220);
      // A sentence or less: no full stop followed by another sentence inside the passage.
      expect(quoted.passage.replace(/\.$/, '')).not.toMatch(/[.!?] [A-Z]/);
    }
    expect(missing).toEqual([]);
  });

  it('finds a passage whatever the quote marks, dashes and line breaks, and nothing that is not there', () => {
    expect(normaliseText('an estimated 5,000 referrals per year \u2013 up to\n 100')).toBe('an estimated 5,000 referrals per year - up to 100');
    expect(normaliseText('the officer\u2019s body worn video')).toBe("the officer's body worn video");
    const seed004 = normaliseText(fs.readFileSync(path.join(SEEDS_DIR, path.basename(SEED.druglink)), 'utf8'));
    expect(seed004.includes(normaliseText('The contract has been announced on the day the Government launched a new Drugs Strategy'))).toBe(true);
    expect(seed004.includes(normaliseText('The contract started on 1 December 2021'))).toBe(false);
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
    for (const s of defaultRuleSet.schemes) s.admissibleOffences.forEach((o) => expect(OFFENCE_PATHWAYS).toContain(o.pathway));
    for (const t of defaultRuleSet.offenceTypes) expect(OFFENCE_PATHWAYS).toContain(t.pathway);
    for (const y of defaultRuleSet.youthOffendingTeams) expect(areaCodes).toContain(y.area);
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
    ['west-berkshire-voluntary-pilot', '2018-11-01', QUOTE.westBerkshireLaunched],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', '2020-01-13', QUOTE.windsorMaidenheadStart],
    ['windsor-maidenhead-pilot-youth', '2020-01-13', QUOTE.windsorMaidenheadStart],
    // Seed 002's own date: the force "are rolling out" the scheme.
    ['thames-valley-youth-diversion', '2020-10-13', QUOTE.youthForceWidePublished],
    // Seed 004 is undated: announced the day the Government's Drugs Strategy was published (6 December 2021).
    ['thames-valley-adult-diversion-druglink', '2021-12-06', QUOTE.druglinkAnnounced],
  ])('%s starts %s, dated by %s', (id, validFrom, source) => {
    expect(scheme(id).validFrom).toBe(validFrom);
    expect(scheme(id).provenance.validity).toBe(source);
  });

  it('says in the Druglink provenance that its date is an outside fact', () => {
    expect(scheme('thames-valley-adult-diversion-druglink').note).toContain('outside source: HM Government');
    expect(scheme('thames-valley-adult-diversion-druglink').note).toContain('6 December 2021');
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
      expect([p.id, p.provenance.weeklyCapacity]).toEqual([p.id, p.id === 'druglink' ? QUOTE.druglinkCapacity : 'configuration default']);
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
