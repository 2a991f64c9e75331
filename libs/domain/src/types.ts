/**
 * Core types of the drug diversion domain. Everything here is plain data: the rule
 * tables in ./config are values of these types, and a new area, provider or scheme is a
 * new row, not new code.
 */

/** Youth = under 18 on the encounter date (Europe/London); adult = 18 or over. */
export type AgeBand = 'youth' | 'adult';
export const AGE_BANDS: readonly AgeBand[] = ['youth', 'adult'];

/** The Thames Valley Local Policing Areas shipped in the default configuration. */
export type KnownAreaCode =
  | 'west-berkshire'
  | 'reading'
  | 'wokingham'
  | 'bracknell-forest'
  | 'windsor-maidenhead'
  | 'slough'
  | 'chiltern-south-bucks'
  | 'wycombe'
  | 'aylesbury-vale'
  | 'milton-keynes'
  | 'oxford'
  | 'cherwell-west-oxfordshire'
  | 'south-vale';

/**
 * A Local Policing Area code. Known codes autocomplete, but any string is accepted so that
 * a new area is a configuration change; unknown codes are refused at run time
 * ('unknown-area').
 */
export type AreaCode = KnownAreaCode | (string & {});

export type KnownSchemeId =
  | 'west-berkshire-voluntary-pilot'
  | 'windsor-maidenhead-deferred-prosecution-pilot-adult'
  | 'windsor-maidenhead-pilot-youth'
  | 'thames-valley-youth-diversion'
  | 'thames-valley-adult-diversion-druglink';
export type SchemeId = KnownSchemeId | (string & {});

export type ProviderId = string;

/** A seed file and the exact passage a rule rests on: `seeds/NNN_hash.txt: "passage"`. */
export type SeedQuote = `seeds/${string}: "${string}"`;
/**
 * Where a rule comes from: the passage of a seed it rests on, a named source outside the
 * seeds, or a value no source gives.
 */
export type Source = SeedQuote | `outside source: ${string}` | 'configuration default';
export const CONFIGURATION_DEFAULT = 'configuration default' as const;

/** Every configuration row is effective-dated: Europe/London local dates, both ends inclusive. */
export interface EffectiveDated {
  /** First local date (YYYY-MM-DD, Europe/London) on which the row applies. */
  validFrom: string;
  /** Last local date (inclusive) on which the row applies; absent = open-ended. */
  validTo?: string;
}

export interface Provenance {
  /** The seed passage the row rests on, an outside source, or 'configuration default'. */
  source: Source;
  /** Free text: how the value was read from the source, or why a default was chosen. */
  note?: string;
}

export interface Area extends EffectiveDated, Provenance {
  code: AreaCode;
  name: string;
}

/**
 * The pathway an offence type leads to:
 * - 'possession': possession of a drug, judged on the quantity (a small-quantity threshold,
 *   or the officer's judgement where the substance or unit has no threshold row);
 * - 'linked-to-substance-misuse': any other offence, taken only by schemes that accept
 *   offences linked to substance misuse, and only when the officer does not refute the link.
 */
export type OffencePathway = 'possession' | 'linked-to-substance-misuse';
export const OFFENCE_PATHWAYS: readonly OffencePathway[] = ['possession', 'linked-to-substance-misuse'];

/** An offence type code (lower-case words joined by hyphens): a configuration row, not a closed list. */
export type OffenceType = string;

export interface OffenceTypeRow extends EffectiveDated, Provenance {
  code: OffenceType;
  name: string;
  pathway: OffencePathway;
}

export type DrugClass = 'A' | 'B' | 'C';

export type Disposal = 'deferred-prosecution' | 'community-resolution' | 'voluntary-attendance';
export type FailureConsequence = 'summons-request' | 'no-further-diversion' | 'none';

/**
 * - 'until-non-engagement': one non-engagement (no-further-diversion or summons) anywhere in
 *   the person's history ends eligibility for good (the voluntary-attendance rule).
 * - 'while-engaging': unlimited further diversions while the person engages; refused only
 *   when their latest concluded diversion ended in non-engagement.
 */
export type RepeatPolicy = 'until-non-engagement' | 'while-engaging';

export type CrimeOutcomeCode = 1 | 8 | 22;

export interface AssessmentDeadlineRule {
  /** The deadline is the end (23:59:59.999 Europe/London) of this many days after the encounter's local date. */
  daysAfterEncounter: number;
}

export interface CourseTemplate {
  sessions: number;
  intervalDays: number;
  sessionMinutes: number;
}

/** A pathway a scheme takes: every configured offence type on that pathway is admissible. */
export interface AdmissibleOffence {
  pathway: OffencePathway;
  source: Source;
}

/** The rule-bearing fields of a scheme, each of which names its own source. */
export type SchemeRuleField =
  | 'validity'
  | 'coverage'
  | 'disposal'
  | 'failureConsequence'
  | 'repeatPolicy'
  | 'assessmentDeadline'
  | 'courseTemplate'
  | 'missedSessionTolerance'
  | 'showCauseWindowHours'
  | 'completionOutcomeCode'
  | 'requiresBwvInterview';

export interface Scheme extends EffectiveDated, Provenance {
  id: SchemeId;
  name: string;
  /** Areas covered, or every area in the area table. */
  areas: readonly AreaCode[] | 'force-wide';
  ageBands: readonly AgeBand[];
  disposal: Disposal;
  failureConsequence: FailureConsequence;
  repeatPolicy: RepeatPolicy;
  assessmentDeadline: AssessmentDeadlineRule;
  course: CourseTemplate;
  /** Unacceptable absences tolerated before a non-compliance review opens. */
  missedSessionTolerance: number;
  /** Hours the person has to show cause once a non-compliance review opens. */
  showCauseWindowHours: number;
  /** Crime outcome code recorded when the diversion is completed. */
  completionOutcomeCode: CrimeOutcomeCode;
  /** An interview on the officer's body-worn video is needed before the referral. */
  requiresBwvInterview: boolean;
  admissibleOffences: readonly AdmissibleOffence[];
  /** Source of each rule-bearing field. */
  provenance: Readonly<Record<SchemeRuleField, Source>>;
}

export type QuantityUnit = 'g' | 'tablets' | 'wraps';

export interface SmallQuantityThreshold extends EffectiveDated, Provenance {
  substance: string;
  drugClass: DrugClass;
  /** The largest quantity that is still a "small quantity" (inclusive). */
  maxQuantity: number;
  unit: QuantityUnit;
}

export type Modality = 'in-person' | 'phone' | 'online' | 'video';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** An opening period in Europe/London wall-clock time, HH:MM, closes > opens. */
export interface OpeningSlot {
  opens: string;
  closes: string;
}

export type ProviderRuleField =
  | 'validity'
  | 'coverage'
  | 'weeklyCapacity'
  | 'annualReferralEstimate'
  | 'openingHours'
  | 'phoneAssessmentCover'
  | 'modalities'
  | 'assessmentSlotMinutes';

export interface Provider extends EffectiveDated, Provenance {
  id: ProviderId;
  name: string;
  areas: readonly AreaCode[] | 'force-wide';
  ageBands: readonly AgeBand[];
  schemes: readonly SchemeId[];
  /** Referrals the provider expects to take per week. */
  weeklyCapacity: number;
  /** Referrals the provider expects in a year, when a source gives a figure (an alert watches it); null when none does. */
  annualReferralEstimate: number | null;
  /** When the service is open: course sessions are held inside these hours. */
  openingHours: Readonly<Record<Weekday, readonly OpeningSlot[]>>;
  /**
   * When caseworkers take telephone assessments (assessment slots are cut from these hours).
   * Every day of the week, so that an encounter on any day can be assessed "on that day or
   * that day after" (seed 003).
   */
  phoneAssessmentCover: Readonly<Record<Weekday, readonly OpeningSlot[]>>;
  modalities: readonly Modality[];
  assessmentSlotMinutes: number;
  provenance: Readonly<Record<ProviderRuleField, Source>>;
}

export interface CrimeOutcome extends Provenance {
  code: CrimeOutcomeCode;
  title: string;
  description: string;
}

export interface WithdrawalReason extends Provenance {
  code: string;
  description: string;
}

/**
 * What the courts unit can record on a summons request, and the crime outcome it means:
 * a code, 'pending' (the result does not settle it yet) or 'none' (no prosecution follows;
 * the platform records no code of its own).
 */
export interface CourtResultRule extends Provenance {
  result: string;
  description: string;
  crimeOutcome: CrimeOutcomeCode | 'pending' | 'none';
}

/**
 * The Youth Offending Team a youth referral in an area is shared with. Where its notices go
 * (the address) is the notification service's recipient directory, role 'youth-offending-team'.
 */
export interface YouthOffendingTeam extends EffectiveDated, Provenance {
  area: AreaCode;
  name: string;
}

/** All the configuration tables the decision functions read. */
export interface RuleSet {
  areas: readonly Area[];
  schemes: readonly Scheme[];
  thresholds: readonly SmallQuantityThreshold[];
  providers: readonly Provider[];
  crimeOutcomes: readonly CrimeOutcome[];
  withdrawalReasons: readonly WithdrawalReason[];
  courtResults: readonly CourtResultRule[];
  offenceTypes: readonly OffenceTypeRow[];
  youthOffendingTeams: readonly YouthOffendingTeam[];
}
