import type { Provider } from '@ddp/domain';
import type { AppointmentEntity } from '../appointments/appointment.entity';
import type { AssessmentRecordEntity } from '../appointments/assessment-record.entity';
import type { AttendanceEntity } from '../appointments/attendance.entity';
import type { CourseEntity } from '../courses/course.entity';
import type { BookingProfile } from '../providers/provider-directory';
import type { ReferralStatusChangeEntity } from '../referrals/referral-status-change.entity';
import type { SchedulingReferralEntity } from '../referrals/scheduling-referral.entity';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function providerView(p: Provider, profile: BookingProfile, eveningSlots: boolean) {
  return {
    providerId: p.id, name: p.name, areas: p.areas, ageBands: p.ageBands, schemes: p.schemes, validFrom: p.validFrom, validTo: p.validTo ?? null,
    weeklyCapacity: p.weeklyCapacity, annualReferralEstimate: p.annualReferralEstimate, openingHours: p.openingHours,
    phoneAssessmentCover: p.phoneAssessmentCover, eveningSlots, modalities: p.modalities,
    assessmentSlotMinutes: p.assessmentSlotMinutes, booking: profile, source: p.source, provenance: p.provenance,
  };
}

export function referralView(r: SchedulingReferralEntity) {
  return {
    referralId: r.referralId, shortRef: r.shortRef, personRef: r.personRef, schemeId: r.schemeId, area: r.area, ageBand: r.ageBand,
    offenceType: r.offenceType, providerId: r.providerId, status: r.status, encounterAt: iso(r.encounterAt), assessmentDeadline: iso(r.assessmentDeadline),
    escalationReason: r.escalationReason, escalatedAt: iso(r.escalatedAt), receivedAt: iso(r.receivedAt), updatedAt: iso(r.updatedAt),
    withdrawnAt: iso(r.withdrawnAt), withdrawnBy: r.withdrawnBy, withdrawalReason: r.withdrawalReason,
  };
}

export function appointmentView(a: AppointmentEntity) {
  return {
    appointmentId: a.id, referralId: a.referralId, kind: a.kind, providerId: a.providerId, courseId: a.courseId, sessionNumber: a.sessionNumber,
    startsAt: iso(a.startsAt), endsAt: iso(a.endsAt), modality: a.modality, status: a.status, deadline: iso(a.deadline),
    bookedAt: iso(a.bookedAt), bookedBy: a.bookedBy, supersedesId: a.supersedesId, supersededById: a.supersededById,
    supersededAt: iso(a.supersededAt), supersededBy: a.supersededBy, requestedBy: a.requestedBy, supersedeReason: a.supersedeReason,
    cancelledAt: iso(a.cancelledAt), cancelledBy: a.cancelledBy, cancelReason: a.cancelReason, reminderSentAt: iso(a.reminderSentAt),
  };
}

export function assessmentRecordView(r: AssessmentRecordEntity) {
  return {
    outcome: r.outcome, supportPlanSummary: r.supportPlanSummary, absenceClass: r.absenceClass, notes: r.notes, detectedBy: r.detectedBy,
    recordedAt: iso(r.recordedAt), recordedBy: r.recordedBy,
  };
}

export function attendanceView(a: AttendanceEntity) {
  return {
    appointmentId: a.appointmentId, sessionNumber: a.sessionNumber, mark: a.mark, absenceClass: a.absenceClass, notes: a.notes,
    countsAsFailure: a.countsAsFailure, followUp: a.followUp, recordedAt: iso(a.recordedAt), recordedBy: a.recordedBy,
  };
}

export function courseView(c: CourseEntity) {
  return {
    courseId: c.id, referralId: c.referralId, providerId: c.providerId, schemeId: c.schemeId, modality: c.modality, sessions: c.sessions,
    intervalDays: c.intervalDays, sessionMinutes: c.sessionMinutes, firstSessionAt: iso(c.firstSessionAt), status: c.status,
    bookedAt: iso(c.bookedAt), bookedBy: c.bookedBy, completedAt: iso(c.completedAt), cancelledAt: iso(c.cancelledAt), cancelReason: c.cancelReason,
    deferCount: c.deferCount, lastDeferredAt: iso(c.lastDeferredAt), lastDeferredBy: c.lastDeferredBy,
  };
}

export function statusChangeView(s: ReferralStatusChangeEntity) {
  return { from: s.fromStatus, to: s.toStatus, event: s.lifecycleEvent, at: iso(s.at), by: s.by, detail: s.detail };
}
