import type { Source } from '../types';

/** The seed documents (../shared/seeds) the rules are read from. */
export const SEED = {
  /** Thames Valley Police, 11 May 2020: both pilots running during COVID-19; Cranstoun online and video appointments. */
  covidPilots: 'seeds/000_161f7d18be8baae2.txt',
  /** Thames Valley Police, 13 January 2020: Windsor & Maidenhead deferred prosecution pilot starts; West Berkshire voluntary rule; The Edge; Resilience/Cranstoun. */
  windsorMaidenheadPilot: 'seeds/001_81dba1995a0b394e.txt',
  /** Thames Valley Police, 12/13 October 2020: youth drug diversion rolled out force-wide; West Berkshire pilot launched November 2018. */
  youthForceWide: 'seeds/002_78f5588dee1b89f7.txt',
  /** 2020 case study: deferred summons on body-worn video, unlimited opportunities, phone assessment on the day or the day after, six-week youth course, community resolution. */
  caseStudy: 'seeds/003_085c516b4224ed7f.txt',
  /** December 2021: adult drug diversion programme with Druglink, force-wide, up to 100 referrals a week, shoplifting/theft/ASB linked to substance misuse. */
  druglink: 'seeds/004_9c6be93d0c976e38.txt',
} as const satisfies Record<string, Source>;

export const DEFAULT: Source = 'configuration default';

/**
 * Crime outcome codes are not in the seeds: no seed names a code. They are the Home Office
 * counting rules' outcome types, configured here.
 */
export const HOME_OFFICE_COUNTING_RULES: Source = 'outside source: Home Office counting rules';
