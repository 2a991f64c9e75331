import { SEED } from '@ddp/domain';

export type Measure = 'completionRate' | 'shareNotSentToCourt' | 'engagementRate';

/**
 * The figures the seed documents report. They are REFERENCE figures: what the schemes'
 * own sources said, a baseline to compare with; never computed from this platform's data.
 */
export interface ReferenceFigure {
  id: string;
  label: string;
  schemeIds: string[];
  ageBand?: 'youth' | 'adult';
  measure: Measure;
  value: number;
  /** 'about' the value, or 'more-than' it ("over 80%"). */
  comparison: 'about' | 'more-than';
  quote: string;
  source: string;
}

export const REFERENCE_FIGURES: readonly ReferenceFigure[] = [
  {
    id: 'voluntary-adult-completion',
    label: 'Voluntary attendance pilot, adults: completed the course',
    schemeIds: ['west-berkshire-voluntary-pilot'],
    ageBand: 'adult',
    measure: 'completionRate',
    value: 0.4,
    comparison: 'about',
    quote: 'The voluntary diversion for adults pilot found 40% of adults completed the course',
    source: SEED.caseStudy,
  },
  {
    id: 'deferred-prosecution-not-to-court',
    label: 'Adult deferred prosecution: not deferred to court',
    schemeIds: ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'thames-valley-adult-diversion-druglink'],
    ageBand: 'adult',
    measure: 'shareNotSentToCourt',
    value: 0.98,
    comparison: 'about',
    quote: '98% of people taking part in the course not being deferred to court',
    source: SEED.caseStudy,
  },
  {
    id: 'youth-engagement',
    label: 'Youth drug diversion: young people positively engaging',
    schemeIds: ['thames-valley-youth-diversion'],
    ageBand: 'youth',
    measure: 'engagementRate',
    value: 0.88,
    comparison: 'about',
    quote: '88% of all young people that have been diverted, positively engaging with the service',
    source: SEED.caseStudy,
  },
  {
    id: 'youth-completion',
    label: 'Youth drug diversion: completed the six-week course',
    schemeIds: ['thames-valley-youth-diversion'],
    ageBand: 'youth',
    measure: 'completionRate',
    value: 0.8,
    comparison: 'more-than',
    quote: 'an over 80% completion rate for the entire six-week course',
    source: SEED.caseStudy,
  },
  {
    id: 'west-berkshire-youth-pilot-completion',
    label: 'West Berkshire pilot, young people (The Edge): completed the full programme',
    schemeIds: ['west-berkshire-voluntary-pilot'],
    ageBand: 'youth',
    measure: 'completionRate',
    value: 0.78,
    comparison: 'about',
    quote: '78% completed the full programme of treatment with The Edge',
    source: SEED.windsorMaidenheadPilot,
  },
];
