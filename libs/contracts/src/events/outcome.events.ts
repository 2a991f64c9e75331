import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ABSENCE_CLASSES, AGE_BANDS, CODE_PATTERN, DRUG_CLASSES, IsInstant } from '../common';
import { TOPICS } from '../topics';
import { defineEvent } from './define';

/*
 * Events owned by the outcome service (topic diversion.outcome.v1). The ones that end
 * a diversion carry personRef and schemeId: the referral service builds each person's
 * diversion history from them.
 */

export class DiversionCompletedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() personRef: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  @IsIn([1, 8, 22]) crimeOutcomeCode: number;
  @IsInstant() completedAt: string;
  /** 'excused-completed' when the course was finished after an excused absence (optional, added later). */
  @IsOptional() @IsIn(['completed', 'excused-completed']) ending?: string;
  @IsOptional() @IsString() courseId?: string;
  @IsOptional() @IsIn(AGE_BANDS) ageBand?: string;
}

export const DiversionCompleted = defineEvent({
  type: 'DiversionCompleted',
  version: 1,
  topic: TOPICS.outcome,
  data: DiversionCompletedData,
  description: 'The course was completed: a positive outcome with its crime outcome code.',
});

export class ComplianceReviewOpenedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() reviewId: string;
  @Matches(CODE_PATTERN) trigger: string;
  @IsInstant() openedAt: string;
  @IsInstant() showCauseDeadline: string;
  /* Optional context (added later) so the person and the officer can be told what was missed. */
  @IsOptional() @Matches(CODE_PATTERN) schemeId?: string;
  @IsOptional() @Matches(CODE_PATTERN) area?: string;
  @IsOptional() @IsString() personRef?: string;
  @IsOptional() @IsString() officerCollarNumber?: string;
  @IsOptional() @IsString() appointmentId?: string;
  @IsOptional() @IsIn(['assessment', 'session']) kind?: string;
  @IsOptional() @IsIn(ABSENCE_CLASSES) absenceClass?: string;
}

export const ComplianceReviewOpened = defineEvent({
  type: 'ComplianceReviewOpened',
  version: 1,
  topic: TOPICS.outcome,
  data: ComplianceReviewOpenedData,
  description: 'An unacceptable absence opened a review: the person may show cause until the deadline.',
});

export class ComplianceReviewClosedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() reviewId: string;
  @IsIn(['excused', 'summons-requested', 'no-further-diversion', 'withdrawn']) resolution: string;
  @IsInstant() closedAt: string;
  /* Optional (added later). */
  @IsOptional() @IsString() @MaxLength(100) closedBy?: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
  @IsOptional() @IsString() summonsRequestId?: string;
  /**
   * Present on a correction: the review had closed with this resolution, then a re-engagement
   * that happened inside the show-cause window reached the service late; the review is now excused.
   */
  @IsOptional() @IsIn(['summons-requested', 'no-further-diversion', 'withdrawn']) supersedesResolution?: string;
}

export const ComplianceReviewClosed = defineEvent({
  type: 'ComplianceReviewClosed',
  version: 1,
  topic: TOPICS.outcome,
  data: ComplianceReviewClosedData,
  description: 'A compliance review ended: excused on re-engagement, or the consequence applied.',
});

export class RebookingRequestedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  /**
   * 'acceptable' / 'logistics': no failure. 'unacceptable' (added later): a failure still within
   * the scheme's missed-session tolerance, so it is rebooked rather than reviewed.
   */
  @IsIn(ABSENCE_CLASSES) absenceClass: string;
  @IsOptional() @IsIn(['assessment', 'session']) kind?: string;
  @IsOptional() @IsBoolean() countsAsFailure?: boolean;
}

export const RebookingRequested = defineEvent({
  type: 'RebookingRequested',
  version: 1,
  topic: TOPICS.outcome,
  data: RebookingRequestedData,
  description: 'An absence that is no failure: the provider is asked to rebook.',
});

export class AttendanceLine {
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsIn(['assessment', 'session']) kind: string;
  @IsIn(['attended', 'late', 'did-not-attend', 'missed-deadline']) mark: string;
  @IsOptional() @IsString() absenceClass?: string;
  @IsInstant() at: string;
  @IsOptional() @IsInt() sessionNumber?: number;
}

export class SummonsRequestedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() summonsRequestId: string;
  @IsString() @IsNotEmpty() personRef: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  @Matches(CODE_PATTERN) offenceType: string;
  @IsOptional() @IsString() bwvReference?: string;
  @IsInstant() encounterAt: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => AttendanceLine) attendance: AttendanceLine[];
  @IsInstant() requestedAt: string;
  /* Optional evidence (added later). */
  @IsOptional() @IsString() shortRef?: string;
  @IsOptional() @IsString() substance?: string;
  @IsOptional() @IsIn(DRUG_CLASSES) drugClass?: string;
  @IsOptional() @IsString() officerCollarNumber?: string;
  @IsOptional() @IsIn(AGE_BANDS) ageBand?: string;
  @IsOptional() @IsString() reviewId?: string;
  @IsOptional() @IsInstant() reviewOpenedAt?: string;
  @IsOptional() @IsInstant() showCauseDeadline?: string;
}

export const SummonsRequested = defineEvent({
  type: 'SummonsRequested',
  version: 1,
  topic: TOPICS.outcome,
  data: SummonsRequestedData,
  description: 'A diversion whose consequence is prosecution failed (an adult deferred prosecution, or the youth community resolution): the courts unit is asked to consider a summons. No crime outcome yet.',
});

export class NoFurtherDiversionData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() personRef: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
  @IsInstant() decidedAt: string;
  @IsOptional() @IsString() reviewId?: string;
}

export const NoFurtherDiversion = defineEvent({
  type: 'NoFurtherDiversion',
  version: 1,
  topic: TOPICS.outcome,
  data: NoFurtherDiversionData,
  description: 'Non-engagement under a voluntary rule: the person is not eligible for future diversion.',
});

export class SummonsRequestWithdrawnData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() summonsRequestId: string;
  @IsString() @IsNotEmpty() withdrawnBy: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
  @IsInstant() withdrawnAt: string;
  /** True when the service withdrew it itself (a re-engagement inside the window arrived late). */
  @IsOptional() @IsBoolean() automatic?: boolean;
}

export const SummonsRequestWithdrawn = defineEvent({
  type: 'SummonsRequestWithdrawn',
  version: 1,
  topic: TOPICS.outcome,
  data: SummonsRequestWithdrawnData,
  description: 'A supervisor withdrew a pending summons request before the courts unit acknowledged it.',
});


export class CourtResultRecordedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() summonsRequestId: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  /** The courts unit's result, one of the configured court results (libs/domain COURT_RESULTS). */
  @Matches(CODE_PATTERN) result: string;
  /** 'recorded': crimeOutcomeCode holds the code; 'pending': the result settles nothing yet; 'none': no prosecution follows, no code. */
  @IsIn(['recorded', 'pending', 'none']) crimeOutcome: string;
  @IsOptional() @IsIn([1, 8, 22]) crimeOutcomeCode?: number;
  @IsString() @IsNotEmpty() @MaxLength(100) recordedBy: string;
  @IsInstant() recordedAt: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) hearingDate?: string;
  /** The result this one replaces, when the courts unit records a later one. */
  @IsOptional() @Matches(CODE_PATTERN) supersedes?: string;
}

export const CourtResultRecorded = defineEvent({
  type: 'CourtResultRecorded',
  version: 1,
  topic: TOPICS.outcome,
  data: CourtResultRecordedData,
  description: 'The courts unit recorded a result on a summons request; the failed diversion\'s crime outcome follows it (a request alone is no charge).',
});
