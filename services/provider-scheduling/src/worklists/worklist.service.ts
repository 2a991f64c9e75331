import { Inject, Injectable } from '@nestjs/common';
import { TERMINAL_STATUSES } from '@ddp/domain';
import { Clock, SERVICE_CONFIG } from '@ddp/platform';
import { DataSource } from 'typeorm';
import { badRequest, notFound } from '../common/api-error';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';
import { ProviderDirectory } from '../providers/provider-directory';
import { CapacityWatch, type ProviderAlerts } from './capacity-watch';

/**
 * What someone has to do about a gap that is not the person's:
 * - record-assessment-outcome: an assessment's recording deadline passed with nothing recorded;
 * - record-attendance: a session ended (plus the reminder hours) with no attendance recorded;
 * - book-assessment: no slot could be booked in time (escalated); the referral waits for a booking;
 * - capacity-near-weekly-capacity / capacity-near-annual-estimate: a provider is filling up.
 */
export type WorklistItemKind =
  | 'record-assessment-outcome'
  | 'record-attendance'
  | 'book-assessment'
  | 'capacity-near-weekly-capacity'
  | 'capacity-near-annual-estimate';

export interface WorklistItem {
  kind: WorklistItemKind;
  /** Since when it waits. */
  since: string;
  providerId: string | null;
  referralId?: string;
  shortRef?: string;
  appointmentId?: string;
  sessionNumber?: number;
  detail: string;
}

const LIMIT = 500;
const LIVE = `r.status <> ALL('{${TERMINAL_STATUSES.join(',')}}'::text[])`;
const COLLAR_NUMBER = /^[A-Za-z0-9-]{1,20}$/;

interface OpenAppointmentRow {
  id: string;
  referral_id: string;
  short_ref: string;
  provider_id: string;
  kind: 'assessment' | 'session';
  session_number: number | null;
  since: Date;
}

interface EscalationRow {
  referral_id: string;
  short_ref: string;
  provider_id: string | null;
  escalation_reason: string;
  escalated_at: Date;
  assessment_deadline: Date;
}

/**
 * The worklists of providers, supervisors and officers. Each is a query over the current
 * state (nothing to keep in step): an item goes away when what it asks for is done.
 * None of them is a failure of the person; none moves a referral.
 */
@Injectable()
export class WorklistService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(CapacityWatch) private readonly capacity: CapacityWatch,
  ) {}

  /** A provider's worklist: records to make at once, escalated referrals to book, its capacity alerts. */
  async forProvider(providerId: string) {
    const provider = this.directory.find(providerId);
    if (!provider) throw notFound('provider-not-found', `No provider ${providerId} in the directory (GET /v1/providers lists them)`);
    const now = this.clock.now();
    const [unrecorded, escalated, alerts] = await Promise.all([
      this.unrecorded(now, 0, providerId),
      this.escalations('r.provider_id = $1', [providerId]),
      this.capacity.alerts(this.dataSource.manager, [provider]),
    ]);
    return this.answer('provider', now, [...unrecorded, ...escalated.map(bookAssessment), ...alerts.flatMap(capacityItems)]);
  }

  /**
   * The supervisors' worklist: records still missing UNRECORDED_SUPERVISOR_AFTER_HOURS after
   * the provider was asked, referrals escalated with no provider (at once) or waiting that long
   * for a booking, and every provider's capacity alerts.
   */
  async forSupervisors() {
    const now = this.clock.now();
    const afterMs = this.config.UNRECORDED_SUPERVISOR_AFTER_HOURS * 3_600_000;
    const [unrecorded, escalated, alerts] = await Promise.all([
      this.unrecorded(now, afterMs),
      this.escalations('(r.provider_id IS NULL OR r.escalated_at <= $1)', [new Date(now.getTime() - afterMs)]),
      this.capacity.alerts(this.dataSource.manager),
    ]);
    return this.answer('supervisors', now, [...unrecorded, ...escalated.map(bookAssessment), ...alerts.flatMap(capacityItems)]);
  }

  /** An officer's worklist: their referrals that could not be booked in time (the person is told by the provider once booked). */
  async forOfficer(collarNumber: string) {
    if (!COLLAR_NUMBER.test(collarNumber)) throw badRequest('invalid-collar-number', 'collarNumber must be 1-20 letters, digits or hyphens');
    const now = this.clock.now();
    const escalated = await this.escalations('r.officer_collar_number = $1', [collarNumber]);
    return this.answer('officer', now, escalated.map(bookAssessment));
  }

  private answer(audience: string, now: Date, items: WorklistItem[]) {
    const sorted = items.sort((a, b) => a.since.localeCompare(b.since));
    return { audience, generatedAt: now.toISOString(), count: sorted.length, items: sorted.slice(0, LIMIT) };
  }

  /** Open appointments with nothing recorded, overdue by at least `afterMs` (assessments: from the deadline; sessions: from the reminder). */
  private async unrecorded(now: Date, afterMs: number, providerId?: string): Promise<WorklistItem[]> {
    const before = new Date(now.getTime() - afterMs);
    const reminderMs = this.config.ATTENDANCE_REMINDER_HOURS * 3_600_000;
    const rows: OpenAppointmentRow[] = await this.dataSource.query(
      `SELECT a.id, a.referral_id, r.short_ref, a.provider_id, a.kind, a.session_number,
              CASE WHEN a.kind = 'assessment' THEN a.deadline ELSE a.ends_at + make_interval(secs => $3::double precision / 1000) END AS since
         FROM appointment a JOIN scheduling_referral r ON r.referral_id::text = a.referral_id::text
        WHERE a.status = 'booked' AND ${LIVE} AND ($2::text IS NULL OR a.provider_id = $2)
          AND ((a.kind = 'assessment' AND a.deadline <= $1) OR (a.kind = 'session' AND a.reminder_sent_at IS NOT NULL AND a.ends_at + make_interval(secs => $3::double precision / 1000) <= $1))
        ORDER BY since LIMIT ${LIMIT}`,
      [before, providerId ?? null, reminderMs],
    );
    return rows.map((a) => ({
      kind: a.kind === 'assessment' ? 'record-assessment-outcome' : 'record-attendance',
      since: new Date(a.since).toISOString(),
      providerId: a.provider_id,
      referralId: a.referral_id,
      shortRef: a.short_ref,
      appointmentId: a.id,
      ...(a.session_number ? { sessionNumber: a.session_number } : {}),
      detail: a.kind === 'assessment'
        ? 'Nothing recorded by the deadline: record whether the assessment was held, or why not (a missing record never counts against the person).'
        : `No attendance recorded for session ${a.session_number}: record it (a missing record never counts against the person).`,
    }));
  }

  private async escalations(condition: string, params: unknown[]): Promise<EscalationRow[]> {
    return this.dataSource.query(
      `SELECT r.referral_id, r.short_ref, r.provider_id, r.escalation_reason, r.escalated_at, r.assessment_deadline
         FROM scheduling_referral r WHERE r.escalation_reason IS NOT NULL AND ${LIVE} AND ${condition}
        ORDER BY r.escalated_at LIMIT ${LIMIT}`,
      params,
    );
  }
}

function bookAssessment(r: EscalationRow): WorklistItem {
  return {
    kind: 'book-assessment',
    since: new Date(r.escalated_at).toISOString(),
    providerId: r.provider_id,
    referralId: r.referral_id,
    shortRef: r.short_ref,
    detail: `No assessment could be booked by ${new Date(r.assessment_deadline).toISOString()} (${r.escalation_reason}): book it with the person ` +
      '(POST /v1/providers/:providerId/referrals/:referralId/assessment). The delay is not the person\'s failure.',
  };
}

function capacityItems({ provider, weekStart, alerts }: ProviderAlerts): WorklistItem[] {
  return alerts.map((a) => ({
    kind: `capacity-${a.kind}` as WorklistItemKind,
    since: `${weekStart}T00:00:00.000Z`,
    providerId: provider.id,
    detail: a.kind === 'near-weekly-capacity'
      ? `${provider.name} has taken ${a.taken} of its ${a.limit} referrals this week (from ${weekStart}): add assessors or route referrals elsewhere before the week is full.`
      : `${provider.name} has taken ${a.taken} referrals in the last 52 weeks, against an estimate of ${a.limit} a year.`,
  }));
}
