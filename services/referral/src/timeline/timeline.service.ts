import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@ddp/contracts';
import { Clock } from '@ddp/platform';
import type { EntityManager } from 'typeorm';
import { describeEvent, foldStatus, type ShownStatus } from './event-descriptions';

export interface TimelineRecord {
  referralId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  summary: string;
  status: ShownStatus | null;
  sourceTopic: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each referral's timeline: every event seen about it, and the status they imply. */
@Injectable()
export class TimelineService {
  constructor(@Inject(Clock) private readonly clock: Clock) {}

  /**
   * Records another service's event on its referral's timeline. Events about referrals
   * this service never decided (another deployment's, or a test's on a shared broker)
   * are not ours to show: returns false and records nothing.
   */
  async recordEvent(manager: EntityManager, envelope: EventEnvelope, topic: string): Promise<boolean> {
    const description = describeEvent(envelope);
    const referralId = (envelope.data as { referralId?: string }).referralId ?? envelope.key;
    if (!description || !UUID.test(referralId)) return false;
    return this.record(manager, {
      referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
      summary: description.summary, status: description.status, sourceTopic: topic,
    });
  }

  /** First entries of referrals just stored (their status is already the entry's): one insert for all. */
  async appendMany(manager: EntityManager, entries: TimelineRecord[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.clock.now();
    const values: unknown[] = [];
    const tuples = entries.map((e) => {
      values.push(e.referralId, e.eventId, e.eventType, e.occurredAt, e.summary, e.status, e.sourceTopic, now);
      const b = values.length - 8;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
    });
    await manager.query(
      `INSERT INTO referral_timeline (referral_id, event_id, event_type, occurred_at, summary, status, source_topic, recorded_at) VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  /**
   * Adds an entry and brings the referral's status up to date. The referral row is
   * locked first, so events of one referral arriving at once from two topics take turns
   * and neither status update is lost.
   */
  async record(manager: EntityManager, entry: TimelineRecord): Promise<boolean> {
    const locked: Array<{ status: string }> = await manager.query('SELECT status FROM referral WHERE id = $1 FOR UPDATE', [entry.referralId]);
    if (locked.length === 0) return false;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO referral_timeline (referral_id, event_id, event_type, occurred_at, summary, status, source_topic, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING RETURNING id`,
      [entry.referralId, entry.eventId, entry.eventType, entry.occurredAt, entry.summary, entry.status, entry.sourceTopic, this.clock.now()],
    );
    if (inserted.length === 0 || entry.status === null) return true;
    const entries: Array<{ id: string; status: ShownStatus; occurred_at: Date }> = await manager.query(
      'SELECT id, status, occurred_at FROM referral_timeline WHERE referral_id = $1 AND status IS NOT NULL',
      [entry.referralId],
    );
    const status = foldStatus(entries.map((e) => ({ id: e.id, status: e.status, occurredAt: new Date(e.occurred_at) })));
    if (status && status !== locked[0].status) {
      await manager.query('UPDATE referral SET status = $2, status_changed_at = $3 WHERE id = $1', [entry.referralId, status, this.clock.now()]);
    }
    return true;
  }
}
