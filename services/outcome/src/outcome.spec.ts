import { existsSync } from 'node:fs';
import path from 'node:path';
import { schemeById } from '@ddp/domain';
import { loadOutcomeConfig } from './outcome.config';
import { COUNTERS, ratesOf, type Counts } from './figures/figures.service';
import { REFERENCE_FIGURES } from './figures/reference-figures';
import { insideWindow } from './referrals/compliance.service';
import { reviewWindowJobId } from './reviews/review-window.jobs';
import { nameUuid } from './shared/db';

const SHARED = path.resolve(__dirname, '../../../../shared');

const counts = (c: Partial<Counts>): Counts => Object.fromEntries(COUNTERS.map((k) => [k, c[k] ?? 0])) as Counts;

describe('the race rule (insideWindow)', () => {
  const review = { triggerAt: new Date('2026-01-05T10:00:00Z'), showCauseDeadline: new Date('2026-01-12T10:00:00Z') };

  it('counts a re-engagement that happened after the miss and by the deadline, inclusive at both ends', () => {
    expect(insideWindow(review, new Date('2026-01-05T10:00:00Z'))).toBe(true);
    expect(insideWindow(review, new Date('2026-01-08T12:00:00Z'))).toBe(true);
    expect(insideWindow(review, new Date('2026-01-12T10:00:00Z'))).toBe(true);
  });

  it('does not count one after the deadline, however early it arrives, nor one from before the miss', () => {
    expect(insideWindow(review, new Date('2026-01-12T10:00:00.001Z'))).toBe(false);
    expect(insideWindow(review, new Date('2026-01-05T09:59:59.999Z'))).toBe(false);
  });
});

describe('scheme figure rates', () => {
  it('derives the rates over the cohort (referrals - withdrawals)', () => {
    expect(ratesOf(counts({ referrals: 10, withdrawals: 2, completions: 4, assessmentsCompleted: 7, assessmentsWithinDeadline: 6, summonsRequests: 2, summonsWithdrawn: 1, noFurtherDiversions: 1, declines: 5 }))).toEqual({
      cohort: 8, completionRate: 0.5, engagementRate: 0.875, assessmentWithinDeadlineRate: 0.75, shareNotSentToCourt: 0.875, noFurtherDiversionRate: 0.125, declineShare: 0.3333, refusalShare: 0, signpostedShare: 0,
    });
  });

  it('counts refusals of an eligible diversion apart from declines, and completions with signposting', () => {
    const rates = ratesOf(counts({ referrals: 6, refusals: 2, declines: 4, completions: 4, signpostedCompletions: 3 }));
    expect(rates).toMatchObject({ cohort: 6, refusalShare: 0.25, declineShare: 0.4, signpostedShare: 0.75 });
  });

  it('gives null rates, not NaN, for an empty cohort', () => {
    expect(ratesOf(counts({ declines: 3 }))).toEqual({
      cohort: 0, completionRate: null, engagementRate: null, assessmentWithinDeadlineRate: null, shareNotSentToCourt: null, noFurtherDiversionRate: null, declineShare: 1, refusalShare: null, signpostedShare: null,
    });
  });
});

describe('reference figures', () => {
  it.each(REFERENCE_FIGURES.map((f) => [f.id, f] as const))('%s names known schemes and an existing seed', (_id, f) => {
    for (const id of f.schemeIds) expect(schemeById(id)).toBeDefined();
    expect(f.source).toMatch(/^seeds\//);
    // The seeds live beside the repository in the shared workspace; check them when present.
    if (existsSync(SHARED)) expect(existsSync(path.join(SHARED, f.source))).toBe(true);
    expect(f.value).toBeGreaterThan(0);
    expect(f.value).toBeLessThanOrEqual(1);
  });

  it('carries the four baselines the seeds report', () => {
    expect(REFERENCE_FIGURES.map((f) => `${f.id}=${f.value}`)).toEqual(expect.arrayContaining([
      'voluntary-adult-completion=0.4', 'deferred-prosecution-not-to-court=0.98', 'youth-engagement=0.88', 'youth-completion=0.8',
    ]));
  });
});

describe('ids', () => {
  it('derives the same UUID from the same cause, a different one from another', () => {
    expect(nameUuid('review:e1')).toBe(nameUuid('review:e1'));
    expect(nameUuid('review:e1')).not.toBe(nameUuid('review:e2'));
    expect(nameUuid('summons:r1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes window job ids BullMQ accepts (no single colon)', () => {
    expect(reviewWindowJobId(nameUuid('x'))).not.toContain(':');
  });
});

describe('configuration', () => {
  it('defaults to port 3003 and a 30 minute grace period, and refuses a bad grace', () => {
    const config = loadOutcomeConfig({});
    expect(config.PORT).toBe(3003);
    expect(config.SHOW_CAUSE_GRACE_MS).toBe(1_800_000);
    expect(loadOutcomeConfig({ SHOW_CAUSE_GRACE_MS: '0' }).SHOW_CAUSE_GRACE_MS).toBe(0);
    expect(() => loadOutcomeConfig({ SHOW_CAUSE_GRACE_MS: '-5' })).toThrow(/SHOW_CAUSE_GRACE_MS/);
  });
});
