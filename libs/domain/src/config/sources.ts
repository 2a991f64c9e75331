import type { SeedQuote, Source } from '../types';

/** The seed documents (../shared/seeds) the rules are read from. */
export const SEED = {
  /** Thames Valley Police, 11 May 2020: both pilots running during COVID-19; Cranstoun online and video appointments. */
  covidPilots: 'seeds/000_161f7d18be8baae2.txt',
  /** Thames Valley Police, 13 January 2020: Windsor & Maidenhead deferred prosecution pilot starts; West Berkshire voluntary rule; The Edge; Resilience/Cranstoun. */
  windsorMaidenheadPilot: 'seeds/001_81dba1995a0b394e.txt',
  /** Thames Valley Police, 13 October 2020: youth drug diversion rolled out force-wide; West Berkshire pilot launched November 2018. */
  youthForceWide: 'seeds/002_78f5588dee1b89f7.txt',
  /** 2020 case study: deferred summons on body-worn video, unlimited opportunities, phone assessment on the day or the day after, six-week youth course, community resolution. */
  caseStudy: 'seeds/003_085c516b4224ed7f.txt',
  /** Undated (December 2021): adult drug diversion programme with Druglink, force-wide, up to 100 referrals a week, offences linked to substance misuse. */
  druglink: 'seeds/004_9c6be93d0c976e38.txt',
} as const;
export type SeedFile = (typeof SEED)[keyof typeof SEED];

export const DEFAULT: Source = 'configuration default';

/** A rule's source: the seed file and the exact passage (a sentence or less) it rests on. */
export function quote(seed: SeedFile, passage: string): SeedQuote {
  return `${seed}: "${passage}"`;
}

/** A rule taken from outside the seeds, naming where. */
export function outside(where: string): Source {
  return `outside source: ${where}`;
}

/** The seed file and passage of a quoted source; undefined for defaults and outside sources. */
export function parseSeedQuote(source: Source): { seed: string; passage: string } | undefined {
  const m = /^(seeds\/[^:]+\.txt): "(.*)"$/s.exec(source);
  return m ? { seed: m[1], passage: m[2] } : undefined;
}

/**
 * The passages the rules rest on, each checked against its seed file by config.spec.ts.
 * Named once here so that a rule row says which passage it rests on by name.
 */
export const QUOTE = {
  // seed 000
  onlineAndVideo: quote(SEED.covidPilots, 'This will include moving appointments online and providing video appointments.'),
  nonEngagersProsecuted000: quote(
    SEED.covidPilots,
    'those suspected of supplying illegal substances or those who do not engage with the specialist support, will face arrest and prosecution.',
  ),
  // seed 001
  windsorMaidenheadStart: quote(
    SEED.windsorMaidenheadPilot,
    'Thames Valley Police and partners are starting a second drugs diversion pilot scheme today (13/1) in Windsor and Maidenhead.',
  ),
  westBerkshireFirstPilot: quote(SEED.windsorMaidenheadPilot, 'The scheme is going to run alongside the first pilot which is in West Berkshire'),
  voluntaryAttendance: quote(
    SEED.windsorMaidenheadPilot,
    'It will differ slightly to the pilot currently running in West Berkshire which is a voluntary attendance scheme.',
  ),
  voluntaryNoFurtherDiversion: quote(
    SEED.windsorMaidenheadPilot,
    'If a referred individual does not attend, they are no longer eligible for a further diversion if found in possession of drugs again.',
  ),
  windsorMaidenheadDeferredProsecution: quote(SEED.windsorMaidenheadPilot, 'The new pilot scheme in Windsor and Maidenhead is a deferred prosecution scheme.'),
  adultPilotSummons: quote(
    SEED.windsorMaidenheadPilot,
    'If an adult individual does not attend, they are reported for the offence which is likely to result in a summons to court.',
  ),
  pilotUnder18s: quote(
    SEED.windsorMaidenheadPilot,
    "This does not apply for under 18's, if they fail to attend, they would no longer be eligible for future further diversion if found in possession of drugs again, in the same way as the first pilot scheme.",
  ),
  pilotsSmallQuantities: quote(
    SEED.windsorMaidenheadPilot,
    'allowing offenders in possession of small quantities of illegal drugs an opportunity to be offered a tailored diversion route to address their use of drugs instead of facing prosecution.',
  ),
  nonEngagersProsecuted001: quote(
    SEED.windsorMaidenheadPilot,
    'those suspected of supplying illegal substances or those who do not engage with the specialist support, will face arrest and prosecution.',
  ),
  cranstounProvides: quote(SEED.windsorMaidenheadPilot, 'including Cranstoun, who provide the drug support service'),
  resilienceWestBerkshire: quote(
    SEED.windsorMaidenheadPilot,
    'Resilience, part of the Cranstoun group, is delighted to work in partnership with Thames Valley Police to extend the West Berkshire drugs diversion pilot scheme to Windsor and Maidenhead.',
  ),
  theEdge: quote(SEED.windsorMaidenheadPilot, 'From a previous preliminary evaluation it found 78% completed the full programme of treatment with The Edge.'),
  pilotYouthOffendingTeam: quote(SEED.windsorMaidenheadPilot, 'Windsor and Maidenhead Council and the Youth Offending Team'),
  // seed 002
  youthForceWidePublished: quote(SEED.youthForceWide, 'date: 12:38 13/10/2020'),
  youthRollingOut: quote(
    SEED.youthForceWide,
    "Thames Valley Police and partners are rolling out a drug diversion scheme for under 18's forcewide as part of work being delivered by the Violence Reduction Unit.",
  ),
  youthWithYots: quote(
    SEED.youthForceWide,
    'The youth drug diversion scheme is being rolled out across all Thames Valley Local Policing Areas in co-ordination with the Youth Offending Teams following the success of two pilots.',
  ),
  youthSmallQuantities: quote(
    SEED.youthForceWide,
    'It gives those young people found in possession of small quantities of illegal drugs the opportunity to take part in a tailored diversion to address their drug use as an alternative to facing prosecution.',
  ),
  youthRepeat: quote(
    SEED.youthForceWide,
    'If a young person has engaged with the scheme and is found to be in possession of a small quantity of drugs again, they will still have the opportunity to take part in the diversion',
  ),
  youthNonEngagersProsecuted: quote(SEED.youthForceWide, 'or does not engage in the diversion support offered, they will face arrest and prosecution.'),
  westBerkshireLaunched: quote(SEED.youthForceWide, 'In November 2018, the force launched a pilot scheme in West Berkshire.'),
  // seed 003
  offeredOnTheStreet: quote(
    SEED.caseStudy,
    'allowing people in possession of small quantities of illegal drugs an opportunity to be offered drug diversion on the street',
  ),
  bwvInterview: quote(
    SEED.caseStudy,
    'Adult drug diversion uses a deferred summons approach, so that will require an interview using the officer\'s body worn video on the street',
  ),
  positiveOutcome: quote(SEED.caseStudy, 'At the end of the course a positive outcome will be applied'),
  regardlessOfConvictions: quote(SEED.caseStudy, 'This scheme is open to everybody regardless of previous convictions.'),
  otherCrimeTypes: quote(SEED.caseStudy, 'The scheme has been used for other crime types not just drug offences for instance, with sex work or knife awareness.'),
  unlimitedWhileEngaging: quote(
    SEED.caseStudy,
    'It has unlimited opportunities, so as long as a person engages with the scheme it is open for them to continue getting support',
  ),
  voluntaryComparedWithCommunityResolutions: quote(
    SEED.caseStudy,
    'The voluntary diversion for adults pilot found 40% of adults completed the course, which is 10% more than the national average for community resolutions.',
  ),
  closedAt5pm: quote(SEED.caseStudy, 'not being able to attend the drug service because it closed at 5pm, so there were logistical issues'),
  sixWeekCourse: quote(SEED.caseStudy, 'Also there is an over 80% completion rate for the entire six-week course.'),
  youthCommunityResolution: quote(SEED.caseStudy, 'For young people, a community resolution is used, which does not leave a criminal footprint'),
  phoneAssessmentNextDay: quote(SEED.caseStudy, 'that person stopped by the police will receive a phone assessment on that day or that day after'),
  powerOfChoice: quote(SEED.caseStudy, 'The power of choice should not be underestimated.'),
  // seed 004
  druglinkAnnounced: quote(SEED.druglink, 'The contract has been announced on the day the Government launched a new Drugs Strategy'),
  druglinkWho: quote(
    SEED.druglink,
    'those found in possession of small amounts of illegal drugs or where their offence is linked to substance misuse or addiction can be referred to Druglink to attend their education programme.',
  ),
  existingDisposals: quote(
    SEED.druglink,
    'These are used to deal with low-level offences involving or motivated by alcohol or drug misuse, including anti-social behaviour and acquisitive crime such as shoplifting and theft.',
  ),
  signposted: quote(SEED.druglink, 'On completing the course they are signposted to other local services for ongoing support.'),
  druglinkCapacity: quote(SEED.druglink, 'Druglink will take an estimated 5,000 referrals per year - up to 100 per week - from across the whole force area.'),
  druglinkDeferredProsecution: quote(
    SEED.druglink,
    'As a deferred prosecution, if an adult does not attend they are then reported for the offence and may be summoned to court.',
  ),
  druglinkAdultsOnly: quote(SEED.druglink, 'The Druglink education programme is for adults only.'),
  youthWithYotsAndProviders: quote(SEED.druglink, 'Police work closely with Youth Offending Teams using the local commissioned substance misuse education providers.'),
} as const;

/** The Government's drug strategy, whose launch day dates seed 004 (which carries no date of its own). */
export const DRUG_STRATEGY_PUBLISHED = outside('HM Government, "From harm to hope: a 10-year drugs plan", published 6 December 2021');

/**
 * Crime outcome codes are not in the seeds: no seed names a code. They are the Home Office
 * counting rules' outcome types, configured here.
 */
export const HOME_OFFICE_COUNTING_RULES: Source = outside('Home Office counting rules');
