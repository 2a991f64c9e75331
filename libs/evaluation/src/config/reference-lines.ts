import { SEED, type SeedFile } from '@ddp/domain';

/** The measures the seeds report a figure for. */
export type ReferenceMeasure = 'completion' | 'engagement' | 'not-sent-to-court' | 'referrals-per-year' | 'referrals-per-week';

/**
 * A figure a seed document reports, drawn beside ours as a reference line. It is what the
 * schemes' own sources said, never computed from this platform's data, and it says nothing
 * of how it was measured (base, period, definition), so it is a line to read against, not a
 * target and not a test of our figures.
 */
export interface ReferenceLine {
  id: string;
  schemeIds: readonly string[];
  ageBand?: 'youth' | 'adult';
  measure: ReferenceMeasure;
  /** A proportion (0-1) for rates, a number of referrals for volumes. */
  value: number;
  /** 'about' the value, 'more-than' it ("over 80%"), 'up-to' it ("up to 100 per week"). */
  comparison: 'about' | 'more-than' | 'up-to';
  /** The seed's words, exactly. */
  quote: string;
  /** The seed file the quote is in. */
  source: SeedFile;
}

export const REFERENCE_LINES: readonly ReferenceLine[] = [
  {
    id: 'west-berkshire-youth-completion',
    schemeIds: ['west-berkshire-voluntary-pilot'],
    ageBand: 'youth',
    measure: 'completion',
    value: 0.78,
    comparison: 'about',
    quote: 'From a previous preliminary evaluation it found 78% completed the full programme of treatment with The Edge.',
    source: SEED.windsorMaidenheadPilot,
  },
  {
    id: 'voluntary-adult-completion',
    schemeIds: ['west-berkshire-voluntary-pilot'],
    ageBand: 'adult',
    measure: 'completion',
    value: 0.4,
    comparison: 'about',
    quote: 'The voluntary diversion for adults pilot found 40% of adults completed the course, which is 10% more than the national average for community resolutions.',
    source: SEED.caseStudy,
  },
  {
    id: 'youth-engagement',
    schemeIds: ['thames-valley-youth-diversion'],
    ageBand: 'youth',
    measure: 'engagement',
    value: 0.88,
    comparison: 'about',
    quote: 'the youth drug diversion scheme has been particularly successful, with 88% of all young people that have been diverted, positively engaging with the service.',
    source: SEED.caseStudy,
  },
  {
    id: 'youth-completion',
    schemeIds: ['thames-valley-youth-diversion'],
    ageBand: 'youth',
    measure: 'completion',
    value: 0.8,
    comparison: 'more-than',
    quote: 'Also there is an over 80% completion rate for the entire six-week course.',
    source: SEED.caseStudy,
  },
  {
    id: 'deferred-prosecution-not-to-court',
    schemeIds: ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'thames-valley-adult-diversion-druglink'],
    ageBand: 'adult',
    measure: 'not-sent-to-court',
    value: 0.98,
    comparison: 'about',
    quote: 'At the end of the course a positive outcome will be applied; with 98% of people taking part in the course not being deferred to court.',
    source: SEED.caseStudy,
  },
  {
    id: 'druglink-referrals-per-year',
    schemeIds: ['thames-valley-adult-diversion-druglink'],
    ageBand: 'adult',
    measure: 'referrals-per-year',
    value: 5000,
    comparison: 'about',
    quote: 'Druglink will take an estimated 5,000 referrals per year – up to 100 per week – from across the whole force area.',
    source: SEED.druglink,
  },
  {
    id: 'druglink-referrals-per-week',
    schemeIds: ['thames-valley-adult-diversion-druglink'],
    ageBand: 'adult',
    measure: 'referrals-per-week',
    value: 100,
    comparison: 'up-to',
    quote: 'Druglink will take an estimated 5,000 referrals per year – up to 100 per week – from across the whole force area.',
    source: SEED.druglink,
  },
];
