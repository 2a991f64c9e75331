import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ACTOR_HEADER, ActorId } from './actor';
import {
  AssessmentOutcomeBody, AttendanceBody, BookAssessmentBody, BookCourseBody, DeferCourseBody, ListAppointmentsQuery, ListReferralsQuery, RescheduleBody, SlotsQuery,
} from './dto';
import { ProviderApiService } from './provider-api.service';

const actorHeader = ApiHeader({ name: ACTOR_HEADER, required: true, description: 'The acting caseworker (recorded as *_by)' });

/**
 * The provider API (port 3002). Every path is under /v1/providers/:providerId: a provider
 * sees and changes only its own referrals and appointments (another provider's are 404).
 * Refusals: 400 invalid input, 404 unknown, 409 conflict with the current state (recorded
 * twice, slot full, illegal lifecycle transition), 422 a rule refused it (future session,
 * outside opening hours); each with a machine-readable `code`. A refused request changes nothing.
 */
@ApiTags('providers')
@Controller('v1/providers')
export class ProvidersController {
  constructor(@Inject(ProviderApiService) private readonly api: ProviderApiService) {}

  @Get()
  @ApiOperation({ summary: 'The provider directory: areas, age bands, schemes, weekly capacity, opening hours, modalities' })
  list() {
    return this.api.listProviders();
  }

  @Get(':providerId')
  @ApiOperation({ summary: 'One provider of the directory' })
  @ApiNotFoundResponse({ description: 'provider-not-found' })
  get(@Param('providerId') providerId: string) {
    return this.api.getProvider(providerId);
  }

  @Get(':providerId/slots')
  @ApiOperation({ summary: 'Free telephone assessment slots (default: the next 7 days)' })
  slots(@Param('providerId') providerId: string, @Query() query: SlotsQuery) {
    return this.api.freeSlots(providerId, query);
  }

  @Get(':providerId/referrals')
  @ApiOperation({ summary: "The provider's referrals (filters: status, encounter date range)" })
  referrals(@Param('providerId') providerId: string, @Query() query: ListReferralsQuery) {
    return this.api.listReferrals(providerId, query);
  }

  @Get(':providerId/referrals/:referralId')
  @ApiOperation({ summary: 'One referral with its appointments (history included), courses, assessment, attendance and status history' })
  @ApiNotFoundResponse({ description: 'referral-not-found' })
  referral(@Param('providerId') providerId: string, @Param('referralId') referralId: string) {
    return this.api.getReferral(providerId, referralId);
  }

  @Post(':providerId/referrals/:referralId/assessment')
  @actorHeader
  @ApiOperation({ summary: 'Book the assessment by hand: after an escalation, or after a missed one (at a slot, or the earliest free)' })
  @ApiConflictResponse({ description: 'illegal-transition, slot-full, no-free-slot, provider-weekly-capacity-reached' })
  @ApiUnprocessableEntityResponse({ description: 'start-in-past, not-an-assessment-slot, modality-not-offered' })
  bookAssessment(@Param('providerId') providerId: string, @Param('referralId') referralId: string, @ActorId() actor: string, @Body() body: BookAssessmentBody) {
    return this.api.bookAssessment(providerId, referralId, actor, body);
  }

  @Post(':providerId/referrals/:referralId/course')
  @actorHeader
  @ApiOperation({ summary: "Book the course from the scheme's template (sessions every intervalDays from startsAt)" })
  @ApiConflictResponse({ description: 'illegal-transition (not assessed), session-full' })
  @ApiUnprocessableEntityResponse({ description: 'start-in-past, outside-opening-hours, modality-not-offered' })
  bookCourse(@Param('providerId') providerId: string, @Param('referralId') referralId: string, @ActorId() actor: string, @Body() body: BookCourseBody) {
    return this.api.bookCourse(providerId, referralId, actor, body);
  }

  @Get(':providerId/appointments')
  @ApiOperation({ summary: "The provider's appointments (filters: status, kind, start date range)" })
  appointments(@Param('providerId') providerId: string, @Query() query: ListAppointmentsQuery) {
    return this.api.listAppointments(providerId, query);
  }

  @Get(':providerId/appointments/:appointmentId')
  @ApiOperation({ summary: 'One appointment with its outcome or attendance and its supersession history' })
  @ApiNotFoundResponse({ description: 'appointment-not-found' })
  appointment(@Param('providerId') providerId: string, @Param('appointmentId') appointmentId: string) {
    return this.api.getAppointment(providerId, appointmentId);
  }

  @Post(':providerId/appointments/:appointmentId/assessment-outcome')
  @HttpCode(200)
  @actorHeader
  @ApiOperation({ summary: 'Record the assessment: completed (with a support-plan summary, kept here only) or missed' })
  @ApiBadRequestResponse({ description: 'invalid body, actor-required' })
  @ApiNotFoundResponse({ description: 'appointment-not-found' })
  @ApiConflictResponse({ description: 'outcome-already-recorded, appointment-not-open, illegal-transition' })
  @ApiUnprocessableEntityResponse({ description: 'appointment-in-future, not-an-assessment' })
  assessmentOutcome(@Param('providerId') providerId: string, @Param('appointmentId') appointmentId: string, @ActorId() actor: string, @Body() body: AssessmentOutcomeBody) {
    return this.api.recordAssessmentOutcome(providerId, appointmentId, actor, body);
  }

  @Post(':providerId/appointments/:appointmentId/attendance')
  @HttpCode(200)
  @actorHeader
  @ApiOperation({ summary: 'Record attendance at a course session: attended, late, or did-not-attend with its absence class' })
  @ApiNotFoundResponse({ description: 'appointment-not-found' })
  @ApiConflictResponse({ description: 'attendance-already-recorded, appointment-not-open, illegal-transition' })
  @ApiUnprocessableEntityResponse({ description: 'session-in-future, not-a-course-session' })
  attendance(@Param('providerId') providerId: string, @Param('appointmentId') appointmentId: string, @ActorId() actor: string, @Body() body: AttendanceBody) {
    return this.api.recordAttendance(providerId, appointmentId, actor, body);
  }

  @Post(':providerId/appointments/:appointmentId/reschedule')
  @actorHeader
  @ApiOperation({ summary: 'Move an appointment (or rebook a missed one); the old one is kept as superseded with who asked and why' })
  @ApiConflictResponse({ description: 'appointment-already-held, appointment-already-moved, slot-full, session-full, illegal-transition' })
  @ApiUnprocessableEntityResponse({ description: 'start-in-past, outside-opening-hours, not-an-assessment-slot' })
  reschedule(@Param('providerId') providerId: string, @Param('appointmentId') appointmentId: string, @ActorId() actor: string, @Body() body: RescheduleBody) {
    return this.api.reschedule(providerId, appointmentId, actor, body);
  }

  @Get(':providerId/courses/:courseId')
  @ApiOperation({ summary: 'One course with every session appointment (history included) and attendance' })
  course(@Param('providerId') providerId: string, @Param('courseId') courseId: string) {
    return this.api.getCourse(providerId, courseId);
  }

  @Post(':providerId/courses/:courseId/defer')
  @actorHeader
  @ApiOperation({ summary: 'Defer a course: the sessions not yet held move to a later date, at the template interval' })
  @ApiConflictResponse({ description: 'course-not-open, nothing-to-defer, session-full, illegal-transition' })
  @ApiUnprocessableEntityResponse({ description: 'defer-not-later, outside-opening-hours' })
  defer(@Param('providerId') providerId: string, @Param('courseId') courseId: string, @ActorId() actor: string, @Body() body: DeferCourseBody) {
    return this.api.deferCourse(providerId, courseId, actor, body);
  }
}
