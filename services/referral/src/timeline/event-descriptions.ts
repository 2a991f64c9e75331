import type {
  AppointmentRescheduledData, AssessmentCompletedData, AssessmentEscalatedData, AssessmentMissedData, AssessmentScheduledData, ComplianceReviewClosedData,
  ComplianceReviewOpenedData, CourseBookedData, CourtResultRecordedData, CourseCompletedData, CourseMissedData, DiversionCompletedData, EventEnvelope,
  NoFurtherDiversionData, RebookingRequestedData, ReferralDeclinedData, ReferralWithdrawnData, SessionAttendedData,
  SummonsRequestedData, SummonsRequestWithdrawnData,
} from '@ddp/contracts';
import { CRIME_OUTCOMES, PROVIDERS, TERMINAL_STATUSES, WITHDRAWAL_REASONS, type ReferralStatus } from '@ddp/domain';
import { ukShortDateTime } from '../intake/uk-time';

/** A referral's status as this service shows it: the domain's lifecycle, plus 'declined' and 'refused'. */
export type ShownStatus = ReferralStatus | 'declined' | 'refused';

export interface EventDescription {
  /** One line for the timeline. */
  summary: string;
  /** The status the event implies, when it implies one. */
  status: ShownStatus | null;
}

const providerName = (id: string | undefined) => (id && PROVIDERS.find((p) => p.id === id)?.name) || id || 'the drug service';
const at = (iso: string) => ukShortDateTime(new Date(iso));
/** Free text from other services, cut to keep a timeline line one line. */
const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type Describe = (data: never) => EventDescription;

/**
 * Every event type the timeline shows, with its one-line summary and the status it
 * implies. Events of other types are not part of a referral's timeline.
 */
const DESCRIBERS: Record<string, Describe> = {
  ReferralDeclined: (d: ReferralDeclinedData) => ({ summary: `Declined: ${d.reasons.join(', ')}.`, status: 'declined' }),
  ReferralWithdrawn: (d: ReferralWithdrawnData) => ({
    summary: `Withdrawn by ${d.withdrawnBy}: ${WITHDRAWAL_REASONS.find((r) => r.code === d.reasonCode)?.description ?? d.reasonCode}`,
    status: 'withdrawn',
  }),
  AssessmentScheduled: (d: AssessmentScheduledData) => ({
    summary: `Assessment booked with ${providerName(d.providerId)} for ${at(d.startsAt)} (${d.modality}).`,
    status: 'assessment-scheduled',
  }),
  AssessmentEscalated: (d: AssessmentEscalatedData) => ({
    summary: `No assessment slot before the deadline (${at(d.deadline)}): escalated (${d.reason}).`,
    status: null,
  }),
  AssessmentCompleted: (d: AssessmentCompletedData) => ({ summary: `Assessment completed on ${at(d.completedAt)}.`, status: 'assessed' }),
  AssessmentMissed: (d: AssessmentMissedData) => ({
    summary: `Assessment missed (${d.detectedBy === 'deadline' ? 'nothing recorded by the deadline' : 'recorded by the provider'}${d.absenceClass ? `, ${d.absenceClass} absence` : ''}).`,
    status: 'assessment-missed',
  }),
  CourseBooked: (d: CourseBookedData) => ({
    summary: `Course booked with ${providerName(d.providerId)}: ${plural(d.sessions.length, 'session')}, the first on ${at(d.sessions[0].startsAt)}.`,
    status: 'on-course',
  }),
  SessionAttended: (d: SessionAttendedData) => ({ summary: `Session ${d.sessionNumber} attended${d.mark === 'late' ? ' (late)' : ''}.`, status: 'on-course' }),
  CourseMissed: (d: CourseMissedData) => ({ summary: `Session ${d.sessionNumber} missed (${d.absenceClass} absence).`, status: null }),
  AttendanceOverdue: (d: { kind: string; sessionNumber?: number; endsAt: string }) => ({
    summary: `No attendance recorded yet for the ${d.kind === 'assessment' ? 'assessment' : `session${d.sessionNumber ? ` ${d.sessionNumber}` : ''}`} that ended ${at(d.endsAt)}; the provider is reminded.`,
    status: null,
  }),
  CourseCompleted: (d: CourseCompletedData) => ({ summary: `Course finished: ${plural(d.sessionsAttended, 'session')} attended.`, status: null }),
  AppointmentRescheduled: (d: AppointmentRescheduledData) => ({
    summary: d.cancelledOnly
      ? `${d.kind === 'assessment' ? 'Assessment' : 'Session'} cancelled: ${clip(d.reason)}`
      : `${d.kind === 'assessment' ? 'Assessment' : 'Session'} moved to ${at(d.startsAt)}: ${clip(d.reason)}`,
    status: d.kind === 'assessment' && !d.cancelledOnly ? 'assessment-scheduled' : null,
  }),
  DiversionCompleted: (d: DiversionCompletedData) => ({
    summary: `Diversion completed: crime outcome ${d.crimeOutcomeCode} (${CRIME_OUTCOMES.find((c) => c.code === d.crimeOutcomeCode)?.title ?? 'recorded'}).`,
    status: 'completed',
  }),
  ComplianceReviewOpened: (d: ComplianceReviewOpenedData) => ({
    summary: `Compliance review opened (${d.trigger}); they may show cause until ${at(d.showCauseDeadline)}.`,
    status: 'non-compliance-review',
  }),
  ComplianceReviewClosed: (d: ComplianceReviewClosedData) => ({
    summary: d.supersedesResolution
      ? `Compliance review corrected to excused: they re-engaged inside the window (replaces ${d.supersedesResolution}).`
      : `Compliance review closed: ${d.resolution === 'excused' ? 'excused, they re-engaged' : d.resolution}.`,
    status: d.resolution as ReferralStatus,
  }),
  RebookingRequested: (d: RebookingRequestedData) => ({ summary: `Absence accepted (${d.absenceClass}); the provider is asked to rebook.`, status: null }),
  SummonsRequested: (d: SummonsRequestedData) => ({ summary: `Summons requested from the courts unit: ${clip(d.reason)}`, status: 'summons-requested' }),
  NoFurtherDiversion: (d: NoFurtherDiversionData) => ({ summary: `No further diversion: ${clip(d.reason)}`, status: 'no-further-diversion' }),
  // The referral keeps its status (as in the outcome service): an automatic withdrawal is
  // followed by the review's correction to 'excused' (ComplianceReviewClosed).
  CourtResultRecorded: (d: CourtResultRecordedData) => ({
    summary: `Courts unit recorded ${d.result.replace(/-/g, ' ')}: crime outcome ${
      d.crimeOutcome === 'recorded' ? `${d.crimeOutcomeCode} (${CRIME_OUTCOMES.find((c) => c.code === d.crimeOutcomeCode)?.title ?? 'recorded'})` : d.crimeOutcome}.`,
    status: null,
  }),
  SummonsRequestWithdrawn: (d: SummonsRequestWithdrawnData) => ({
    summary: `Summons request withdrawn ${d.automatic ? 'automatically' : `by ${d.withdrawnBy}`}: ${clip(d.reason)}`,
    status: null,
  }),
};

/** The event types of other services that the timeline records (scheduling and outcome topics). */
export const TIMELINE_EVENT_TYPES = Object.keys(DESCRIBERS).filter((t) => !t.startsWith('Referral'));

export function describeEvent(envelope: EventEnvelope): EventDescription | undefined {
  const describe = DESCRIBERS[envelope.eventType];
  return describe ? describe(envelope.data as never) : undefined;
}

const isTerminal = (status: ShownStatus) => status === 'declined' || status === 'refused' || (TERMINAL_STATUSES as readonly string[]).includes(status);
/** Endings the outcome service may correct to 'excused' (a re-engagement inside the window that arrived late). */
const CORRECTABLE: readonly ShownStatus[] = ['summons-requested', 'no-further-diversion'];

/**
 * The current status from the timeline's status-bearing entries, in the order things
 * happened (occurredAt; events from different topics arrive in any order). The latest
 * status wins, except that once a referral has ended (a terminal status) only another
 * ending replaces it, or an 'excused' correcting a summons request or no-further-diversion:
 * a late scheduling event cannot bring a withdrawn referral back.
 */
export function foldStatus(entries: ReadonlyArray<{ status: ShownStatus | null; occurredAt: Date; id?: string }>): ShownStatus | undefined {
  const ordered = [...entries]
    .filter((e) => e.status !== null)
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || Number(a.id ?? 0) - Number(b.id ?? 0));
  let status: ShownStatus | undefined;
  for (const entry of ordered) {
    const next = entry.status as ShownStatus;
    if (status === undefined || !isTerminal(status) || isTerminal(next) || (next === 'excused' && CORRECTABLE.includes(status))) status = next;
  }
  return status;
}
