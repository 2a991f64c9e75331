import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@ddp/contracts';
import { Clock, SERVICE_CONFIG } from '@ddp/platform';
import type { EntityManager } from 'typeorm';
import { JobDispatcher } from '../delivery/job-dispatcher';
import { PreferencesService } from '../preferences/preferences.service';
import { RecipientDirectory } from '../recipients/recipient-directory';
import type { Channel } from '../templates/catalogue';
import type { AppointmentContext, NotificationContext } from '../templates/message-variables';
import { smsAvailable, type NotificationConfig } from '../notification.config';
import { notificationId, planForEvent, type Cancellation, type NotificationPlan, type PlanResult } from './notification-plans';
import { parseReminderOffsets, type ReminderOffset } from './reminder-offsets';

/**
 * Applies what an event means for notices, inside the consumer's transaction: new rows
 * (ON CONFLICT DO NOTHING: a redelivered or re-emitted event adds nothing) and
 * cancellations. Jobs follow once the transaction commits (JobDispatcher).
 */
@Injectable()
export class NotificationPlanner {
  private readonly offsets: ReminderOffset[];

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PreferencesService) private readonly preferences: PreferencesService,
    @Inject(RecipientDirectory) private readonly directory: RecipientDirectory,
    @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
  ) {
    this.offsets = parseReminderOffsets(config.REMINDER_OFFSETS);
  }

  async handle(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const referralId = String((envelope.data as { referralId?: string }).referralId ?? envelope.key);
    const now = this.clock.now();
    const known = await this.knownAppointments(manager, referralId);
    const result = planForEvent(envelope, { now, offsets: this.offsets, knownAppointment: (id) => known.get(id) });
    if (envelope.eventType === 'SummonsRequestWithdrawn') await this.onlyTellCourtsWhatTheyHeard(manager, result);
    if (envelope.eventType === 'ReferralCreated' || envelope.eventType === 'AssessmentScheduled') await this.referralToBookedProvider(manager, referralId, result, now);

    const closed = await this.isClosed(manager, referralId);
    if (result.closesReferral) {
      await manager.query(
        `INSERT INTO referral_state (referral_id, closed_at, closed_by_event) VALUES ($1, $2, $3) ON CONFLICT (referral_id) DO NOTHING`,
        [referralId, now, envelope.eventType],
      );
    }
    for (const cancellation of result.cancel) await this.cancel(manager, cancellation, now);
    for (const plan of result.create) {
      // Events of a withdrawn or finished referral can still arrive from another topic: the person hears nothing more.
      if (plan.role === 'person' && closed) continue;
      await this.insert(manager, plan, envelope, now);
    }
    if (result.create.length || result.cancel.length) this.dispatcher.wakeSoon();
  }

  private async insert(manager: EntityManager, plan: NotificationPlan, envelope: EventEnvelope, now: Date): Promise<void> {
    const channel = await this.plannedChannel(manager, plan);
    await manager.query(
      `INSERT INTO notification (id, referral_id, template, channel, recipient_role, recipient_key, category, appointment_id, reminder_offset,
                                 status, due_at, attempts, context, source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12::jsonb, $13, $14, $15, true, $16, $16)
       ON CONFLICT (id) DO NOTHING`,
      [
        plan.id, plan.referralId, plan.template, channel, plan.role, plan.recipientKey, plan.category, plan.appointmentId, plan.reminderOffset,
        plan.dueAt.getTime() > now.getTime() ? 'scheduled' : 'queued', plan.dueAt, JSON.stringify(plan.context),
        envelope.eventId, envelope.eventType, envelope.correlationId, now,
      ],
    );
  }

  /**
   * The channel the notice is queued on. At send time the worker checks again against
   * the contact details and current preference, and moves it if needed.
   */
  private async plannedChannel(manager: EntityManager, plan: NotificationPlan): Promise<Channel> {
    if (plan.role === 'person') {
      const preference = await this.preferences.current(plan.referralId, manager);
      const wanted = preference.channel ?? this.config.PERSON_DEFAULT_CHANNEL;
      return wanted === 'sms' && !smsAvailable(this.config) ? 'email' : wanted;
    }
    const endpoint = await this.directory.findEndpoint(plan.role, {
      collar: plan.role === 'officer' ? plan.recipientKey : null,
      provider: plan.role === 'provider' ? plan.recipientKey : null,
      area: plan.context.area ?? (plan.role === 'courts-unit' ? plan.recipientKey : null),
    }, manager);
    return endpoint?.channel ?? (plan.role === 'officer' ? 'email' : 'webhook');
  }

  private async cancel(manager: EntityManager, c: Cancellation, now: Date): Promise<void> {
    const where: string[] = [`referral_id = $1`, `status IN ('scheduled', 'queued', 'held-quiet-hours')`];
    const params: unknown[] = [c.referralId, now, c.reason];
    if (c.ids) {
      params.push(c.ids);
      where.push(`id = ANY($${params.length})`);
    } else {
      where.push(`recipient_role = 'person'`);
      if (c.remindersOnly) where.push(`category = 'reminder'`);
      if (c.appointmentIds) {
        params.push(c.appointmentIds);
        where.push(`appointment_id = ANY($${params.length})`);
      }
    }
    await manager.query(
      `UPDATE notification SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, needs_sync = true, updated_at = $2 WHERE ${where.join(' AND ')}`,
      params,
    );
  }

  /**
   * Scheduling may book the assessment with another provider than the one intake chose
   * (the first was full). The provider that actually holds the booking must get the
   * referral too (it phones the person): a second `new-referral`, with the referral's
   * context, to that provider. Works whichever of the two events arrives first.
   */
  private async referralToBookedProvider(manager: EntityManager, referralId: string, result: PlanResult, now: Date): Promise<void> {
    const rows: Array<{ id: string; template: string; recipient_key: string | null; context: NotificationContext; due_at: Date }> = await manager.query(
      `SELECT id, template, recipient_key, context, due_at FROM notification WHERE referral_id = $1 AND template IN ('new-referral', 'assessment-booked')`,
      [referralId],
    );
    const referral = result.create.find((p) => p.template === 'new-referral') ?? toPlan(rows.find((r) => r.id === notificationId('new-referral', referralId, 'provider')), referralId);
    const booked = [
      ...result.create.filter((p) => p.template === 'assessment-booked').map((p) => p.context.providerId),
      ...rows.filter((r) => r.template === 'assessment-booked').map((r) => r.context.providerId),
    ].filter((p): p is string => Boolean(p));
    // With no provider chosen at intake, the referral goes to the referral service's provider at send time: nothing to add.
    if (!referral || !referral.recipientKey) return;
    for (const providerId of new Set(booked)) {
      if (providerId === referral.recipientKey) continue;
      result.create.push({
        ...referral,
        id: notificationId('new-referral', `${referralId}.${providerId}`, 'provider'),
        recipientKey: providerId,
        dueAt: now,
        context: { ...referral.context, providerId, event: { ...referral.context.event, providerId } },
      });
    }
  }

  /** A withdrawal is news to the courts unit only if the request reached them; otherwise the request is just cancelled. */
  private async onlyTellCourtsWhatTheyHeard(manager: EntityManager, result: PlanResult): Promise<void> {
    const requestId = result.cancel[0]?.ids?.[0];
    const rows: Array<{ status: string }> = requestId ? await manager.query('SELECT status FROM notification WHERE id = $1', [requestId]) : [];
    if (rows[0]?.status !== 'sent') result.create = [];
  }

  private async isClosed(manager: EntityManager, referralId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM referral_state WHERE referral_id = $1 AND closed_at IS NOT NULL', [referralId]);
    return rows.length > 0;
  }

  /** Appointments this service has heard of for the referral: their provider, time and session number. */
  private async knownAppointments(manager: EntityManager, referralId: string): Promise<Map<string, { providerId?: string; appointment?: AppointmentContext }>> {
    const rows: Array<{ context: NotificationContext }> = await manager.query(
      `SELECT context FROM notification WHERE referral_id = $1 AND recipient_role = 'person' ORDER BY created_at`,
      [referralId],
    );
    const known = new Map<string, { providerId?: string; appointment?: AppointmentContext }>();
    for (const { context } of rows) {
      for (const appointment of [...(context.sessions ?? []), ...(context.appointment ? [context.appointment] : [])]) {
        known.set(appointment.appointmentId, { providerId: context.providerId ?? known.get(appointment.appointmentId)?.providerId, appointment });
      }
    }
    return known;
  }
}

function toPlan(row: { id: string; recipient_key: string | null; context: NotificationContext; due_at: Date } | undefined, referralId: string): NotificationPlan | undefined {
  if (!row) return undefined;
  return {
    id: row.id, referralId, template: 'new-referral', role: 'provider', category: 'operational', recipientKey: row.recipient_key,
    appointmentId: null, reminderOffset: null, dueAt: new Date(row.due_at), context: row.context,
  };
}
