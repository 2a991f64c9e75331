/**
 * Every notice this service sends: who receives it, how opting out treats it, and on
 * which channels it can go. A template file exists for each (template, channel) pair
 * (checked by catalogue.spec.ts).
 */
export type Channel = 'email' | 'sms' | 'webhook';
/** 'guardian': a young person's parent or guardian, sent a copy of each of the person's notices (the person's templates). */
export type RecipientRole = 'person' | 'guardian' | 'officer' | 'provider' | 'courts-unit' | 'youth-offending-team';

/**
 * routine      confirmations and missed-appointment notices to the person (opt-out stops them)
 * reminder     reminders before an appointment (opt-out stops them)
 * legal        notices with a consequence (show cause): sent even after an opt-out
 * operational  to officers, providers and the courts unit (preferences do not apply)
 */
export type Category = 'routine' | 'reminder' | 'legal' | 'operational';

export interface TemplateSpec {
  role: RecipientRole;
  category: Category;
  channels: readonly Channel[];
  /** The event that sends it (for the README and the delivery log). */
  trigger: string;
}

const PERSON: readonly Channel[] = ['sms', 'email'];
const ORGANISATION: readonly Channel[] = ['email', 'webhook'];

export const TEMPLATES = {
  'assessment-booked': { role: 'person', category: 'routine', channels: PERSON, trigger: 'AssessmentScheduled' },
  'course-booked': { role: 'person', category: 'routine', channels: PERSON, trigger: 'CourseBooked' },
  'appointment-reminder': { role: 'person', category: 'reminder', channels: PERSON, trigger: 'REMINDER_OFFSETS before each appointment' },
  'appointment-rescheduled': { role: 'person', category: 'routine', channels: PERSON, trigger: 'AppointmentRescheduled' },
  'appointment-cancelled': { role: 'person', category: 'routine', channels: PERSON, trigger: 'AppointmentRescheduled (cancelledOnly)' },
  'assessment-missed': { role: 'person', category: 'routine', channels: PERSON, trigger: 'AssessmentMissed' },
  'session-missed': { role: 'person', category: 'routine', channels: PERSON, trigger: 'CourseMissed' },
  'show-cause': { role: 'person', category: 'legal', channels: PERSON, trigger: 'ComplianceReviewOpened' },
  'referral-accepted': { role: 'officer', category: 'operational', channels: ORGANISATION, trigger: 'ReferralCreated' },
  'referral-declined': { role: 'officer', category: 'operational', channels: ORGANISATION, trigger: 'ReferralDeclined' },
  'officer-assessment-missed': { role: 'officer', category: 'operational', channels: ORGANISATION, trigger: 'AssessmentMissed' },
  'officer-assessment-escalated': { role: 'officer', category: 'operational', channels: ORGANISATION, trigger: 'AssessmentEscalated with no provider' },
  'new-referral': { role: 'provider', category: 'operational', channels: ORGANISATION, trigger: 'ReferralCreated' },
  'assessment-escalated': { role: 'provider', category: 'operational', channels: ORGANISATION, trigger: 'AssessmentEscalated' },
  'attendance-overdue': { role: 'provider', category: 'operational', channels: ORGANISATION, trigger: 'AttendanceOverdue' },
  'show-cause-phone-task': { role: 'provider', category: 'operational', channels: ORGANISATION, trigger: 'ComplianceReviewOpened, when the show-cause notice is not confirmed delivered in time' },
  'summons-requested': { role: 'courts-unit', category: 'operational', channels: ORGANISATION, trigger: 'SummonsRequested' },
  'youth-referral-shared': { role: 'youth-offending-team', category: 'operational', channels: ORGANISATION, trigger: 'ReferralCreated for a young person, in an area with a Youth Offending Team' },
  'summons-withdrawn': { role: 'courts-unit', category: 'operational', channels: ORGANISATION, trigger: 'SummonsRequestWithdrawn (after the request went out)' },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateName = keyof typeof TEMPLATES;

export function templateSpec(name: string): TemplateSpec {
  const spec = (TEMPLATES as Record<string, TemplateSpec>)[name];
  if (!spec) throw new Error(`unknown template ${name}`);
  return spec;
}

export const CHANNELS: readonly Channel[] = ['email', 'sms', 'webhook'];
