import type { EventEnvelope } from '@ddp/contracts';
import { ukLocalDate, youthOffendingTeamOn } from '@ddp/domain';
import type { Category, RecipientRole, TemplateName } from '../templates/catalogue';
import { TEMPLATES } from '../templates/catalogue';
import type { AppointmentContext, NotificationContext } from '../templates/message-variables';
import type { ReminderOffset } from './reminder-offsets';

/**
 * From events to notices: which notifications an event creates and which pending ones
 * it cancels. Pure (time and remembered appointments are passed in), so every rule of
 * "what is sent when" is unit-tested here.
 */

export interface NotificationPlan {
  id: string;
  referralId: string;
  template: TemplateName;
  role: RecipientRole;
  category: Category;
  /** Collar number / provider id the recipient is found by; null: ask the referral service at send time. */
  recipientKey: string | null;
  appointmentId: string | null;
  reminderOffset: string | null;
  dueAt: Date;
  context: NotificationContext;
}

export interface Cancellation {
  referralId: string;
  reason: string;
  /** Only notices about these appointments (else every notice of the referral that matches). */
  appointmentIds?: string[];
  /** Only reminders (else every pending notice to the person). */
  remindersOnly?: boolean;
  /** Only these ids. */
  ids?: string[];
}

export interface PlanResult {
  create: NotificationPlan[];
  cancel: Cancellation[];
  /** The referral is over for the person (withdrawn, completed): later person notices are not created. */
  closesReferral?: boolean;
  /** A young person's referral: their notices are copied to their parent or guardian from now on. */
  youth?: boolean;
}

/** The parent's or guardian's copy of a notice to a young person: same template, same time, its own row. */
export function guardianCopy(personPlan: NotificationPlan): NotificationPlan {
  return { ...personPlan, id: personPlan.id.replace(/:person$/, ':guardian'), role: 'guardian' };
}

export interface PlanSettings {
  now: Date;
  offsets: ReminderOffset[];
  /** How long a show-cause notice may go unconfirmed before the provider is asked to phone (default 24 h). */
  showCauseConfirmWithinMs?: number;
  /** What this service remembers of an appointment from earlier events (provider, time, session number). */
  knownAppointment?: (appointmentId: string) => { providerId?: string; appointment?: AppointmentContext } | undefined;
}

/**
 * `<kind>:<subject>:<role>`: deterministic, so the same notice planned twice is one row
 * and one job. BullMQ accepts a custom job id with exactly two colons, so the parts
 * themselves never contain one.
 */
export function notificationId(kind: string, subject: string, role: RecipientRole): string {
  const part = (s: string) => s.replace(/:/g, '.');
  return `${part(kind)}:${part(subject)}:${role}`;
}

const EMPTY: PlanResult = { create: [], cancel: [] };

/**
 * The fallback for a show-cause notice that is not confirmed delivered: a task for the
 * provider to phone the person. Planned with the notice, due when the wait for a receipt
 * ends; a delivered receipt or the review closing cancels it, a failure receipt replaces it
 * with one due at once (showCauseFallbackNowId).
 */
export const showCauseFallbackId = (reviewId: string) => notificationId('show-cause-phone-task', reviewId, 'provider');
export const showCauseFallbackNowId = (reviewId: string) => notificationId('show-cause-phone-task-now', reviewId, 'provider');
const DEFAULT_SHOW_CAUSE_CONFIRM_WITHIN_MS = 24 * 3_600_000;

function plan(template: TemplateName, fields: Omit<NotificationPlan, 'template' | 'role' | 'category' | 'id' | 'reminderOffset' | 'appointmentId' | 'recipientKey'> & Partial<Pick<NotificationPlan, 'reminderOffset' | 'appointmentId' | 'recipientKey'>> & { subject: string; kind?: string }): NotificationPlan {
  const spec = TEMPLATES[template];
  const { subject, kind, ...rest } = fields;
  return {
    id: notificationId(kind ?? template, subject, spec.role),
    template,
    role: spec.role,
    category: spec.category,
    recipientKey: rest.recipientKey ?? null,
    appointmentId: rest.appointmentId ?? null,
    reminderOffset: rest.reminderOffset ?? null,
    referralId: rest.referralId,
    dueAt: rest.dueAt,
    context: rest.context,
  };
}

/** One reminder per offset that is still in the future; passed ones are skipped. */
export function remindersFor(referralId: string, appointment: AppointmentContext, providerId: string | undefined, settings: PlanSettings, eventType: string): NotificationPlan[] {
  const startsAt = Date.parse(appointment.startsAt);
  return settings.offsets
    .map((offset) => ({ offset, dueAt: new Date(startsAt - offset.ms) }))
    .filter(({ dueAt }) => dueAt.getTime() > settings.now.getTime())
    .map(({ offset, dueAt }) =>
      plan('appointment-reminder', {
        kind: `reminder-${offset.label}`,
        subject: appointment.appointmentId,
        referralId,
        appointmentId: appointment.appointmentId,
        reminderOffset: offset.label,
        dueAt,
        context: { eventType, providerId, appointment },
      }),
    );
}

// Event data arrives validated against its contract class; the planner reads it by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

export function planForEvent(envelope: EventEnvelope, settings: PlanSettings): PlanResult {
  const d = envelope.data as Data;
  const now = settings.now;
  const eventType = envelope.eventType;
  const referralId: string = d.referralId ?? envelope.key;

  switch (eventType) {
    case 'ReferralCreated': {
      const context: NotificationContext = {
        eventType,
        shortRef: d.shortRef,
        providerId: d.providerId,
        area: d.area,
        schemeId: d.schemeId,
        officerCollarNumber: d.officerCollarNumber,
        encounterId: d.encounterId,
        deadline: d.assessmentDeadline,
        event: {
          referralId, shortRef: d.shortRef, schemeId: d.schemeId, area: d.area, ageBand: d.ageBand, offenceType: d.offenceType,
          substance: d.substance, drugClass: d.drugClass, encounterAt: d.encounterAt, assessmentDeadline: d.assessmentDeadline,
          providerId: d.providerId, officerCollarNumber: d.officerCollarNumber, bwvReference: d.bwvReference,
        },
      };
      // A young person's referral is shared with the area's Youth Offending Team (seed 002).
      const team = d.ageBand === 'youth' ? youthOffendingTeamOn(d.area, ukLocalDate(new Date(d.encounterAt))) : undefined;
      return {
        create: [
          plan('referral-accepted', { kind: 'referral-decision', subject: referralId, referralId, recipientKey: d.officerCollarNumber, dueAt: now, context }),
          plan('new-referral', { subject: referralId, referralId, recipientKey: d.providerId ?? null, dueAt: now, context }),
          ...(team ? [plan('youth-referral-shared', { subject: referralId, referralId, recipientKey: d.area, dueAt: now, context: { ...context, teamName: team.name } })] : []),
        ],
        cancel: [],
        ...(d.ageBand === 'youth' && { youth: true }),
      };
    }

    case 'ReferralDeclined':
      return {
        create: [
          plan('referral-declined', {
            kind: 'referral-decision', subject: referralId, referralId, recipientKey: d.officerCollarNumber, dueAt: now,
            context: {
              eventType, area: d.area, officerCollarNumber: d.officerCollarNumber, encounterId: d.encounterId, reasons: d.reasons,
              schemeId: d.schemeConsidered, event: { referralId, encounterId: d.encounterId, area: d.area, reasons: d.reasons, schemeConsidered: d.schemeConsidered, encounterAt: d.encounterAt },
            },
          }),
        ],
        cancel: [],
      };

    case 'ReferralWithdrawn':
      return { create: [], cancel: [{ referralId, reason: `referral withdrawn (${d.reasonCode})` }], closesReferral: true };

    case 'AssessmentScheduled': {
      const appointment: AppointmentContext = { appointmentId: d.appointmentId, kind: 'assessment', startsAt: d.startsAt, endsAt: d.endsAt, modality: d.modality };
      return {
        create: [
          plan('assessment-booked', { subject: d.appointmentId, referralId, appointmentId: d.appointmentId, dueAt: now, context: { eventType, providerId: d.providerId, appointment, deadline: d.deadline } }),
          ...remindersFor(referralId, appointment, d.providerId, settings, eventType),
        ],
        cancel: [],
      };
    }

    case 'CourseBooked': {
      const sessions: AppointmentContext[] = (d.sessions as Data[]).map((s, i) => ({
        appointmentId: s.appointmentId, kind: 'session', startsAt: s.startsAt, endsAt: s.endsAt, modality: s.modality, sessionNumber: i + 1,
      }));
      return {
        create: [
          plan('course-booked', { subject: d.courseId, referralId, dueAt: now, context: { eventType, providerId: d.providerId, sessions } }),
          ...sessions.flatMap((s) => remindersFor(referralId, s, d.providerId, settings, eventType)),
        ],
        cancel: [],
      };
    }

    case 'AppointmentRescheduled': {
      const before = settings.knownAppointment?.(d.supersededAppointmentId);
      const providerId: string | undefined = d.providerId ?? before?.providerId;
      const previousAppointment = before?.appointment;
      const cancel: Cancellation[] = [{ referralId, appointmentIds: [d.supersededAppointmentId], remindersOnly: true, reason: `appointment ${d.cancelledOnly ? 'cancelled' : 'rescheduled'}` }];
      if (d.cancelledOnly) {
        return {
          create: [plan('appointment-cancelled', { subject: d.supersededAppointmentId, referralId, appointmentId: d.supersededAppointmentId, dueAt: now, context: { eventType, providerId, appointment: previousAppointment, previousAppointment } })],
          cancel,
        };
      }
      const appointment: AppointmentContext = {
        appointmentId: d.appointmentId, kind: d.kind === 'assessment' ? 'assessment' : 'session', startsAt: d.startsAt, endsAt: d.endsAt, modality: d.modality,
        sessionNumber: d.sessionNumber ?? previousAppointment?.sessionNumber,
      };
      return {
        create: [
          plan('appointment-rescheduled', { subject: d.appointmentId, referralId, appointmentId: d.appointmentId, dueAt: now, context: { eventType, providerId, appointment, previousAppointment } }),
          ...remindersFor(referralId, appointment, providerId, settings, eventType),
        ],
        cancel,
      };
    }

    case 'AssessmentMissed': {
      const known = settings.knownAppointment?.(d.appointmentId);
      const context: NotificationContext = {
        eventType, providerId: d.providerId ?? known?.providerId, appointment: known?.appointment, deadline: d.deadline,
        event: { referralId, appointmentId: d.appointmentId, deadline: d.deadline, detectedBy: d.detectedBy, absenceClass: d.absenceClass },
      };
      return {
        create: [
          plan('assessment-missed', { subject: d.appointmentId, referralId, appointmentId: d.appointmentId, dueAt: now, context }),
          plan('officer-assessment-missed', { kind: 'assessment-missed', subject: d.appointmentId, referralId, appointmentId: d.appointmentId, dueAt: now, context }),
        ],
        cancel: [{ referralId, appointmentIds: [d.appointmentId], remindersOnly: true, reason: 'assessment missed' }],
      };
    }

    case 'AssessmentCompleted':
      return { create: [], cancel: [{ referralId, appointmentIds: [d.appointmentId], remindersOnly: true, reason: 'assessment completed' }] };

    case 'CourseMissed': {
      const known = settings.knownAppointment?.(d.appointmentId);
      const appointment: AppointmentContext = known?.appointment ?? { appointmentId: d.appointmentId, kind: 'session', startsAt: d.recordedAt, sessionNumber: d.sessionNumber };
      return {
        create: [
          plan('session-missed', {
            subject: d.appointmentId, referralId, appointmentId: d.appointmentId, dueAt: now,
            context: { eventType, providerId: d.providerId ?? known?.providerId, appointment: { ...appointment, sessionNumber: d.sessionNumber }, reason: d.absenceClass },
          }),
        ],
        cancel: [],
      };
    }

    case 'CourseCompleted':
    case 'DiversionCompleted':
    case 'NoFurtherDiversion':
      return { create: [], cancel: [{ referralId, remindersOnly: true, reason: `${eventType}` }], closesReferral: eventType !== 'CourseCompleted' };

    case 'AssessmentEscalated': {
      const context: NotificationContext = {
        eventType, providerId: d.providerId, deadline: d.deadline, reason: d.reason,
        event: { referralId, providerId: d.providerId, deadline: d.deadline, reason: d.reason },
      };
      const subject = `${referralId}.${Date.parse(d.deadline)}`;
      return {
        create: [
          d.providerId
            ? plan('assessment-escalated', { subject, referralId, recipientKey: d.providerId, dueAt: now, context })
            : plan('officer-assessment-escalated', { kind: 'assessment-escalated', subject, referralId, dueAt: now, context }),
        ],
        cancel: [],
      };
    }

    case 'AttendanceOverdue': {
      const known = settings.knownAppointment?.(d.appointmentId);
      const appointment: AppointmentContext = {
        appointmentId: d.appointmentId, kind: d.kind === 'assessment' ? 'assessment' : 'session', startsAt: d.startsAt, endsAt: d.endsAt,
        sessionNumber: d.sessionNumber ?? known?.appointment?.sessionNumber,
      };
      return {
        create: [
          plan('attendance-overdue', {
            subject: d.appointmentId, referralId, appointmentId: d.appointmentId, recipientKey: d.providerId, dueAt: now,
            context: { eventType, providerId: d.providerId, appointment, event: { ...d } },
          }),
        ],
        cancel: [],
      };
    }

    case 'ComplianceReviewOpened': {
      const known = d.appointmentId ? settings.knownAppointment?.(d.appointmentId) : undefined;
      const context: NotificationContext = {
        eventType, deadline: d.showCauseDeadline, reason: d.kind ? `${d.kind}-missed` : d.trigger, area: d.area, schemeId: d.schemeId, officerCollarNumber: d.officerCollarNumber,
        providerId: known?.providerId, appointment: known?.appointment,
        event: { referralId, reviewId: d.reviewId, trigger: d.trigger, showCauseDeadline: d.showCauseDeadline },
      };
      return {
        create: [
          plan('show-cause', { subject: d.reviewId, referralId, dueAt: now, context }),
          plan('show-cause-phone-task', {
            subject: d.reviewId, referralId, recipientKey: known?.providerId ?? null, context,
            dueAt: new Date(now.getTime() + (settings.showCauseConfirmWithinMs ?? DEFAULT_SHOW_CAUSE_CONFIRM_WITHIN_MS)),
          }),
        ],
        cancel: [],
      };
    }

    case 'ComplianceReviewClosed':
      return { create: [], cancel: [{ referralId, ids: [showCauseFallbackId(d.reviewId), showCauseFallbackNowId(d.reviewId)], reason: `review closed (${d.resolution})` }] };

    case 'SummonsRequested':
      return {
        create: [
          plan('summons-requested', {
            subject: d.summonsRequestId, referralId, recipientKey: d.area, dueAt: now,
            context: { eventType, area: d.area, schemeId: d.schemeId, reason: d.reason, event: JSON.parse(JSON.stringify(d)) },
          }),
        ],
        cancel: [],
      };

    case 'SummonsRequestWithdrawn':
      // Whether the courts unit is told depends on whether the request already went (see NotificationPlanner).
      return {
        create: [
          plan('summons-withdrawn', {
            subject: d.summonsRequestId, referralId, dueAt: now,
            context: { eventType, reason: d.reason, event: JSON.parse(JSON.stringify(d)) },
          }),
        ],
        cancel: [{ referralId, ids: [notificationId('summons-requested', d.summonsRequestId, 'courts-unit')], reason: 'summons request withdrawn before it was sent' }],
      };

    default:
      return EMPTY;
  }
}
