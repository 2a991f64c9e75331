import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@ddp/contracts';
import { Clock, SERVICE_CONFIG } from '@ddp/platform';
import type { EntityManager } from 'typeorm';
import { JobDispatcher } from '../delivery/job-dispatcher';
import { RecipientDirectory } from '../recipients/recipient-directory';
import type { Channel } from '../templates/catalogue';
import type { AppointmentContext, NotificationContext } from '../templates/message-variables';
import { smsAvailable, type NotificationConfig } from '../notification.config';
import { guardianCopy, notificationId, planForEvent, type Cancellation, type NotificationPlan, type PlanResult } from './notification-plans';
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
    @Inject(RecipientDirectory) private readonly directory: RecipientDirectory,
    @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
  ) {
    this.offsets = parseReminderOffsets(config.REMINDER_OFFSETS);
  }

  async handle(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    await this.handleMany(manager, [envelope]);
  }

  /**
   * A run of events in order, with what they need read in a few queries per run instead of
   * several per event. The run is cut where a referral comes again, so each event still sees
   * what the events before it wrote.
   */
  async handleMany(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    let chunk: EventEnvelope[] = [];
    const seen = new Set<string>();
    for (const envelope of envelopes) {
      const referralId = referralIdOf(envelope);
      if (seen.has(referralId)) {
        await this.planChunk(manager, chunk);
        chunk = [];
        seen.clear();
      }
      seen.add(referralId);
      chunk.push(envelope);
    }
    await this.planChunk(manager, chunk);
  }

  /** Events of distinct referrals: nothing one of them writes is read by another. */
  private async planChunk(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const now = this.clock.now();
    const referralIds = envelopes.map(referralIdOf);
    const { known, booking, closed, youth, preferences } = await this.whatTheChunkNeeds(manager, referralIds);
    const planned: Array<{ plan: NotificationPlan; envelope: EventEnvelope }> = [];
    let changed = false;
    for (const envelope of envelopes) {
      const referralId = referralIdOf(envelope);
      const mine = known.get(referralId);
      const result = planForEvent(envelope, { now, offsets: this.offsets, showCauseConfirmWithinMs: this.config.SHOW_CAUSE_CONFIRM_WITHIN_MS, knownAppointment: (id) => mine?.get(id) });
      if (envelope.eventType === 'SummonsRequestWithdrawn') await this.onlyTellCourtsWhatTheyHeard(manager, result);
      if (envelope.eventType === 'ReferralCreated' || envelope.eventType === 'AssessmentScheduled') {
        this.referralToBookedProvider(referralId, booking.get(referralId) ?? [], result, now);
      }
      if (result.closesReferral) {
        await manager.query(
          `INSERT INTO referral_state (referral_id, closed_at, closed_by_event) VALUES ($1, $2, $3)
           ON CONFLICT (referral_id) DO UPDATE SET closed_at = $2, closed_by_event = $3 WHERE referral_state.closed_at IS NULL`,
          [referralId, now, envelope.eventType],
        );
      }
      if (result.youth) {
        await manager.query(
          `INSERT INTO referral_state (referral_id, youth) VALUES ($1, true) ON CONFLICT (referral_id) DO UPDATE SET youth = true`,
          [referralId],
        );
        youth.add(referralId);
        // Scheduling's events come on another topic and may have been planned first: copy what the person was already sent or is due.
        await this.copyPersonNoticesToGuardian(manager, referralId, now);
      }
      for (const cancellation of result.cancel) await this.cancel(manager, cancellation, now);
      // Events of a withdrawn or finished referral can still arrive from another topic: the person hears nothing more.
      for (const plan of result.create) {
        if (plan.role === 'person' && closed.has(referralId)) continue;
        planned.push({ plan, envelope });
        // Notices about a young person reach their parent or guardian too (if none is recorded, the copy is cancelled at send time).
        if (plan.role === 'person' && youth.has(referralId)) planned.push({ plan: guardianCopy(plan), envelope });
      }
      changed ||= result.create.length > 0 || result.cancel.length > 0;
    }
    await this.insert(manager, planned, preferences, now);
    if (changed) this.dispatcher.wakeAfterCommit(manager);
  }

  /**
   * The guardian's copies of a young person's notices planned before this service knew the
   * referral was a young person's (its appointments' events can overtake ReferralCreated):
   * each notice not cancelled, except reminders whose time has passed, due now or when it was.
   */
  private async copyPersonNoticesToGuardian(manager: EntityManager, referralId: string, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO notification (id, referral_id, template, channel, recipient_role, recipient_key, category, appointment_id, reminder_offset,
                                 status, due_at, attempts, context, source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
       SELECT regexp_replace(id, ':person$', ':guardian'), referral_id, template, channel, 'guardian', recipient_key, category, appointment_id, reminder_offset,
              CASE WHEN due_at > $2 THEN 'scheduled' ELSE 'queued' END, GREATEST(due_at, $2), 0, context, source_event_id, source_event_type, correlation_id, true, $2, $2
         FROM notification
        WHERE referral_id = $1 AND recipient_role = 'person' AND status <> 'cancelled' AND (category <> 'reminder' OR due_at > $2)
       ON CONFLICT (id) DO NOTHING`,
      [referralId, now],
    );
  }

  /** New notice rows in one statement (ON CONFLICT DO NOTHING: a redelivered or re-emitted event adds nothing). */
  private async insert(manager: EntityManager, planned: Array<{ plan: NotificationPlan; envelope: EventEnvelope }>, preferences: Map<string, Channel | null>, now: Date): Promise<void> {
    if (planned.length === 0) return;
    const channels = await this.plannedChannels(planned.map((p) => p.plan), preferences);
    const values: unknown[] = [];
    const rows = planned.map(({ plan, envelope }, i) => {
      values.push(
        plan.id, plan.referralId, plan.template, channels[i], plan.role, plan.recipientKey, plan.category, plan.appointmentId, plan.reminderOffset,
        plan.dueAt.getTime() > now.getTime() ? 'scheduled' : 'queued', plan.dueAt, JSON.stringify(plan.context),
        envelope.eventId, envelope.eventType, envelope.correlationId, now,
      );
      const b = i * 16;
      const p = (n: number) => `$${b + n}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, 0, ${p(12)}::jsonb, ${p(13)}, ${p(14)}, ${p(15)}, true, ${p(16)}, ${p(16)})`;
    });
    await manager.query(
      `INSERT INTO notification (id, referral_id, template, channel, recipient_role, recipient_key, category, appointment_id, reminder_offset,
                                 status, due_at, attempts, context, source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (id) DO NOTHING`,
      values,
    );
  }

  /**
   * The channel each notice is queued on. At send time the worker checks again against
   * the contact details and current preference, and moves it if needed.
   */
  private async plannedChannels(plans: NotificationPlan[], preferences: Map<string, Channel | null>): Promise<Channel[]> {
    const findEndpoint = plans.some((p) => p.role !== 'person') ? await this.directory.endpointFinder() : null;
    return plans.map((plan) => {
      if (plan.role === 'person' || plan.role === 'guardian') {
        const wanted = preferences.get(plan.referralId) ?? this.config.PERSON_DEFAULT_CHANNEL;
        return wanted === 'sms' && !smsAvailable(this.config) ? 'email' : wanted;
      }
      const endpoint = findEndpoint!(plan.role, {
        collar: plan.role === 'officer' ? plan.recipientKey : null,
        provider: plan.role === 'provider' ? plan.recipientKey : null,
        area: plan.context.area ?? (plan.role === 'courts-unit' ? plan.recipientKey : null),
      });
      return endpoint?.channel ?? (plan.role === 'officer' ? 'email' : 'webhook');
    });
  }

  private async cancel(manager: EntityManager, c: Cancellation, now: Date): Promise<void> {
    const where: string[] = [`referral_id = $1`, `status IN ('scheduled', 'queued', 'held-quiet-hours')`];
    const params: unknown[] = [c.referralId, now, c.reason];
    if (c.ids) {
      params.push(c.ids);
      where.push(`id = ANY($${params.length})`);
    } else {
      where.push(`recipient_role IN ('person', 'guardian')`);
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
  private referralToBookedProvider(referralId: string, rows: BookingNoticeRow[], result: PlanResult, now: Date): void {
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

  /**
   * What planning a chunk reads, with one query: per referral, the appointments this service
   * has heard of (from the person's notices: provider, time, session number), the
   * new-referral and assessment-booked notices already planned, whether the referral is
   * closed, and the person's current channel preference.
   */
  private async whatTheChunkNeeds(manager: EntityManager, referralIds: string[]) {
    const [row]: Array<{
      known: Array<{ referral_id: string; context: NotificationContext }>; booking: Array<BookingNoticeRow & { referral_id: string }>; closed: string[]; youth: string[];
      preferences: Array<{ referral_id: string; channel: Channel | null }>;
    }> =
      await manager.query(
        `SELECT
           (SELECT coalesce(json_agg(json_build_object('referral_id', referral_id, 'context', context) ORDER BY created_at), '[]')
              FROM notification WHERE referral_id = ANY($1) AND recipient_role = 'person') AS known,
           (SELECT coalesce(json_agg(json_build_object('referral_id', referral_id, 'id', id, 'template', template, 'recipient_key', recipient_key, 'context', context, 'due_at', due_at)), '[]')
              FROM notification WHERE referral_id = ANY($1) AND template IN ('new-referral', 'assessment-booked')) AS booking,
           (SELECT coalesce(array_agg(referral_id::text), '{}') FROM referral_state WHERE referral_id = ANY($1) AND closed_at IS NOT NULL) AS closed,
           (SELECT coalesce(array_agg(referral_id::text), '{}') FROM referral_state WHERE referral_id = ANY($1) AND youth) AS youth,
           (SELECT coalesce(json_agg(json_build_object('referral_id', referral_id, 'channel', channel)), '[]')
              FROM notification_preference WHERE referral_id = ANY($1) AND superseded_at IS NULL) AS preferences`,
        [referralIds],
      );
    const known = new Map<string, Map<string, KnownAppointment>>();
    for (const { referral_id: referralId, context } of row.known) {
      const mine = known.get(referralId) ?? new Map<string, KnownAppointment>();
      known.set(referralId, mine);
      for (const appointment of [...(context.sessions ?? []), ...(context.appointment ? [context.appointment] : [])]) {
        mine.set(appointment.appointmentId, { providerId: context.providerId ?? mine.get(appointment.appointmentId)?.providerId, appointment });
      }
    }
    return {
      known,
      booking: groupBy(row.booking, (r) => r.referral_id),
      closed: new Set(row.closed),
      youth: new Set(row.youth),
      preferences: new Map(row.preferences.map((p) => [p.referral_id, p.channel])),
    };
  }
}

type KnownAppointment = { providerId?: string; appointment?: AppointmentContext };
/** due_at as JSON text (toPlan makes it a Date). */
type BookingNoticeRow = { id: string; template: string; recipient_key: string | null; context: NotificationContext; due_at: string };

const referralIdOf = (envelope: EventEnvelope): string => String((envelope.data as { referralId?: string }).referralId ?? envelope.key);

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row)) ?? [];
    list.push(row);
    out.set(key(row), list);
  }
  return out;
}

function toPlan(row: BookingNoticeRow | undefined, referralId: string): NotificationPlan | undefined {
  if (!row) return undefined;
  return {
    id: row.id, referralId, template: 'new-referral', role: 'provider', category: 'operational', recipientKey: row.recipient_key,
    appointmentId: null, reminderOffset: null, dueAt: new Date(row.due_at), context: row.context,
  };
}
