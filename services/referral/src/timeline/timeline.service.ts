import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@ddp/contracts';
import { binder, Clock, rowsInsertSql, type RowsInsert } from '@ddp/platform';
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
    return (await this.recordEvents(manager, [envelope], topic)) > 0;
  }

  /** A run of events (a Kafka batch) at once: the same entries and statuses, with four statements for the run. Returns how many were ours. */
  async recordEvents(manager: EntityManager, envelopes: EventEnvelope[], topic: string): Promise<number> {
    const entries: TimelineRecord[] = [];
    for (const envelope of envelopes) {
      const description = describeEvent(envelope);
      const referralId = (envelope.data as { referralId?: string }).referralId ?? envelope.key;
      if (!description || !UUID.test(referralId)) continue;
      entries.push({
        referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
        summary: description.summary, status: description.status, sourceTopic: topic,
      });
    }
    return this.recordMany(manager, entries);
  }

  /** Timeline rows of referrals just stored (their status is already the entry's), for the caller's statement (writeTogether). */
  entriesInsert(entries: TimelineRecord[]): RowsInsert {
    const now = this.clock.now();
    return {
      into: 'INSERT INTO referral_timeline (referral_id, event_id, event_type, occurred_at, summary, status, source_topic, recorded_at)',
      casts: [],
      rows: entries.map((e) => [e.referralId, e.eventId, e.eventType, e.occurredAt, e.summary, e.status, e.sourceTopic, now]),
    };
  }

  /**
   * Adds an entry and brings the referral's status up to date. The referral row is
   * locked first, so events of one referral arriving at once from two topics take turns
   * and neither status update is lost.
   */
  async record(manager: EntityManager, entry: TimelineRecord): Promise<boolean> {
    return (await this.recordMany(manager, [entry])) > 0;
  }

  /**
   * Entries of several referrals: their rows locked in id order (runs from two topics cannot
   * deadlock), the entries inserted, and each referral's status folded again from all its
   * entries (the same result as one by one). Entries of referrals this service does not
   * hold are dropped. Returns how many entries were ours.
   */
  async recordMany(manager: EntityManager, entries: TimelineRecord[]): Promise<number> {
    if (entries.length === 0) return 0;
    const ids = [...new Set(entries.map((e) => e.referralId))].sort();
    const locked: Array<{ id: string; status: string }> = await manager.query('SELECT id, status FROM referral WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids]);
    const statusOf = new Map(locked.map((r) => [r.id, r.status]));
    const ours = entries.filter((e) => statusOf.has(e.referralId));
    if (ours.length === 0) return 0;
    const now = this.clock.now();
    // The new entries, and with them every status entry of the referrals they change: the
    // rows stored before (the statement's snapshot) and the ones it inserts (RETURNING).
    const params: unknown[] = [];
    const insert = rowsInsertSql({ ...this.entriesInsert(ours), tail: 'ON CONFLICT (event_id) DO NOTHING RETURNING referral_id, id, status, occurred_at' }, binder(params));
    const rows: Array<{ referral_id: string; id: string; status: ShownStatus; occurred_at: Date }> = await manager.query(
      `WITH added AS (${insert})
       SELECT referral_id, id, status, occurred_at FROM added WHERE status IS NOT NULL
       UNION ALL
       SELECT t.referral_id, t.id, t.status, t.occurred_at FROM referral_timeline t
        WHERE t.referral_id IN (SELECT referral_id FROM added WHERE status IS NOT NULL) AND t.status IS NOT NULL`,
      params,
    );
    const changed = [...new Set(rows.map((r) => r.referral_id))];
    if (changed.length === 0) return ours.length;
    const updates: Array<{ id: string; status: ShownStatus }> = [];
    for (const referralId of changed) {
      const status = foldStatus(rows.filter((r) => r.referral_id === referralId).map((r) => ({ id: r.id, status: r.status, occurredAt: new Date(r.occurred_at) })));
      if (status && status !== statusOf.get(referralId)) updates.push({ id: referralId, status });
    }
    if (updates.length > 0) {
      await manager.query(
        'UPDATE referral r SET status = v.status, status_changed_at = $3 FROM unnest($1::uuid[], $2::text[]) AS v(id, status) WHERE r.id = v.id',
        [updates.map((u) => u.id), updates.map((u) => u.status), now],
      );
    }
    return ours.length;
  }
}
