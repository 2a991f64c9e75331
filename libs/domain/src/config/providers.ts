import type { AreaCode, OpeningSlot, Provider, Weekday } from '../types';
import { AREAS } from './areas';
import { DEFAULT, QUOTE } from './sources';

type Week = Record<Weekday, readonly OpeningSlot[]>;

const DAY: OpeningSlot = { opens: '09:00', closes: '17:00' };
const EVENING: OpeningSlot = { opens: '17:30', closes: '20:00' };
const AFTER_SCHOOL: OpeningSlot = { opens: '15:30', closes: '19:30' };

/** Office hours only: the pattern seed 003 blames for missed appointments ("closed at 5pm"). */
const OFFICE_HOURS: Week = { mon: [DAY], tue: [DAY], wed: [DAY], thu: [DAY], fri: [DAY], sat: [], sun: [] };
/** Default for adult services: office hours plus two evenings a week. */
const WITH_EVENINGS: Week = { mon: [DAY], tue: [DAY, EVENING], wed: [DAY], thu: [DAY, EVENING], fri: [DAY], sat: [], sun: [] };
/** Default for youth services: daytime plus after-school sessions, and Saturday morning. */
const YOUTH_WEEK: Week = {
  mon: [DAY],
  tue: [DAY, { opens: '17:30', closes: '19:30' }],
  wed: [AFTER_SCHOOL],
  thu: [DAY, { opens: '17:30', closes: '19:30' }],
  fri: [DAY],
  sat: [{ opens: '10:00', closes: '13:00' }],
  sun: [],
};

/**
 * Telephone assessment cover, every day of the week (configuration default). Seed 003 promises
 * "a phone assessment on that day or that day after"; with office hours alone an encounter on
 * a Friday evening or a Saturday could never be assessed in time. 08:00-21:00 leaves a free
 * slot on the next day for an encounter at any hour, and evening calls for people at work.
 */
const EVERY_DAY: OpeningSlot = { opens: '08:00', closes: '21:00' };
const PHONE_COVER_EVERY_DAY: Week = { mon: [EVERY_DAY], tue: [EVERY_DAY], wed: [EVERY_DAY], thu: [EVERY_DAY], fri: [EVERY_DAY], sat: [EVERY_DAY], sun: [EVERY_DAY] };

/** One local youth substance-misuse service per area for the force-wide youth scheme (named as defaults). */
function localYouthService(area: AreaCode, areaName: string): Provider {
  return {
    id: `${area}-youth-substance-misuse-service`,
    name: `${areaName} young people's substance misuse service`,
    areas: [area],
    ageBands: ['youth'],
    schemes: ['thames-valley-youth-diversion'],
    validFrom: '2020-10-13',
    weeklyCapacity: 10,
    annualReferralEstimate: null,
    openingHours: YOUTH_WEEK,
    phoneAssessmentCover: PHONE_COVER_EVERY_DAY,
    modalities: ['in-person', 'phone', 'online', 'video'],
    assessmentSlotMinutes: 30,
    source: DEFAULT,
    note:
      'Seed 004: police work with Youth Offending Teams "using the local commissioned substance misuse education providers"; ' +
      'the seeds do not name them, so each area gets one placeholder provider.',
    provenance: {
      validity: QUOTE.youthForceWidePublished,
      coverage: QUOTE.youthWithYotsAndProviders,
      weeklyCapacity: DEFAULT,
      annualReferralEstimate: DEFAULT,
      openingHours: DEFAULT,
      phoneAssessmentCover: DEFAULT,
      modalities: DEFAULT,
      assessmentSlotMinutes: DEFAULT,
    },
  };
}

export const PROVIDERS: readonly Provider[] = [
  {
    id: 'resilience-cranstoun-west-berkshire',
    name: 'Resilience (Cranstoun), West Berkshire',
    areas: ['west-berkshire'],
    ageBands: ['adult'],
    schemes: ['west-berkshire-voluntary-pilot'],
    validFrom: '2018-11-01',
    weeklyCapacity: 15,
    annualReferralEstimate: null,
    openingHours: OFFICE_HOURS,
    phoneAssessmentCover: PHONE_COVER_EVERY_DAY,
    modalities: ['in-person', 'phone', 'online', 'video'],
    assessmentSlotMinutes: 30,
    source: QUOTE.resilienceWestBerkshire,
    note:
      'Seed 001: Resilience, part of Cranstoun, runs the West Berkshire pilot. Seed 003: the adult pilot service closed at 5pm. ' +
      'Seed 000: online and video appointments (from the COVID-19 changes).',
    provenance: {
      validity: QUOTE.westBerkshireLaunched,
      coverage: QUOTE.resilienceWestBerkshire,
      weeklyCapacity: DEFAULT,
      annualReferralEstimate: DEFAULT,
      openingHours: QUOTE.closedAt5pm,
      phoneAssessmentCover: DEFAULT,
      modalities: QUOTE.onlineAndVideo,
      assessmentSlotMinutes: DEFAULT,
    },
  },
  {
    id: 'the-edge-west-berkshire',
    name: 'The Edge (West Berkshire young people)',
    areas: ['west-berkshire'],
    ageBands: ['youth'],
    schemes: ['west-berkshire-voluntary-pilot', 'thames-valley-youth-diversion'],
    validFrom: '2018-11-01',
    weeklyCapacity: 10,
    annualReferralEstimate: null,
    openingHours: YOUTH_WEEK,
    phoneAssessmentCover: PHONE_COVER_EVERY_DAY,
    modalities: ['in-person', 'phone', 'online', 'video'],
    assessmentSlotMinutes: 30,
    source: QUOTE.theEdge,
    note:
      'Seed 001: 78% of young people in the West Berkshire pilot completed the programme with The Edge. ' +
      'Its continuation as the West Berkshire provider of the force-wide youth scheme is a configuration default.',
    provenance: {
      validity: QUOTE.westBerkshireLaunched,
      coverage: QUOTE.theEdge,
      weeklyCapacity: DEFAULT,
      annualReferralEstimate: DEFAULT,
      openingHours: DEFAULT,
      phoneAssessmentCover: DEFAULT,
      modalities: DEFAULT,
      assessmentSlotMinutes: DEFAULT,
    },
  },
  {
    id: 'cranstoun-windsor-maidenhead',
    name: 'Cranstoun, Windsor & Maidenhead',
    areas: ['windsor-maidenhead'],
    ageBands: ['youth', 'adult'],
    schemes: ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'windsor-maidenhead-pilot-youth'],
    validFrom: '2020-01-13',
    weeklyCapacity: 15,
    annualReferralEstimate: null,
    openingHours: WITH_EVENINGS,
    phoneAssessmentCover: PHONE_COVER_EVERY_DAY,
    modalities: ['in-person', 'phone', 'online', 'video'],
    assessmentSlotMinutes: 30,
    source: QUOTE.cranstounProvides,
    note: 'Seed 001: Cranstoun provides the drug support service of the Windsor & Maidenhead pilot. Seed 000: online and video appointments.',
    provenance: {
      validity: QUOTE.windsorMaidenheadStart,
      coverage: QUOTE.cranstounProvides,
      weeklyCapacity: DEFAULT,
      annualReferralEstimate: DEFAULT,
      openingHours: DEFAULT,
      phoneAssessmentCover: DEFAULT,
      modalities: QUOTE.onlineAndVideo,
      assessmentSlotMinutes: DEFAULT,
    },
  },
  {
    id: 'druglink',
    name: 'Druglink adult drug diversion education programme',
    areas: 'force-wide',
    ageBands: ['adult'],
    schemes: ['thames-valley-adult-diversion-druglink'],
    validFrom: '2021-12-06',
    weeklyCapacity: 100,
    annualReferralEstimate: 5000,
    openingHours: WITH_EVENINGS,
    phoneAssessmentCover: PHONE_COVER_EVERY_DAY,
    modalities: ['in-person', 'phone', 'online', 'video'],
    assessmentSlotMinutes: 30,
    source: QUOTE.druglinkCapacity,
    note: 'Seed 004: an estimated 5,000 referrals a year, up to 100 a week, from across the whole force area; adults only.',
    provenance: {
      validity: QUOTE.druglinkAnnounced,
      coverage: QUOTE.druglinkCapacity,
      weeklyCapacity: QUOTE.druglinkCapacity,
      annualReferralEstimate: QUOTE.druglinkCapacity,
      openingHours: DEFAULT,
      phoneAssessmentCover: DEFAULT,
      modalities: DEFAULT,
      assessmentSlotMinutes: DEFAULT,
    },
  },
  ...AREAS.filter((a) => a.code !== 'west-berkshire').map((a) => localYouthService(a.code, a.name)),
];
