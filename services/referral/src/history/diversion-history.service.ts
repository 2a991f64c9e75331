import { Injectable } from '@nestjs/common';
import type { DiversionHistoryEntry, DiversionOutcome } from '@ddp/domain';
import type { RowsInsert } from '@ddp/platform';
import type { EntityManager } from 'typeorm';

export interface HistoryRecord {
  referralId: string;
  personRef: string;
  schemeId: string;
  outcome: DiversionOutcome;
  decidedAt: Date;
  sourceEventType: string;
  sourceEventId: string | null;
  recordedAt: Date;
}

/**
 * The person's diversion history: this service's own read model, so intake needs no
 * call to another service. One current row per referral (its latest known outcome),
 * found by the indexed person reference; superseded rows are kept.
 */
@Injectable()
export class DiversionHistoryService {
  /** One indexed query: the current outcome of each of the person's diversions. */
  async historyOf(manager: EntityManager, personRef: string): Promise<DiversionHistoryEntry[]> {
    const rows: Array<{ referral_id: string; scheme_id: string; outcome: DiversionOutcome; decided_at: Date }> = await manager.query(
      'SELECT referral_id, scheme_id, outcome, decided_at FROM diversion_history WHERE person_ref = $1 AND superseded_at IS NULL',
      [personRef],
    );
    return rows.map((r) => ({ referralId: r.referral_id, schemeId: r.scheme_id, outcome: r.outcome, decidedAt: new Date(r.decided_at) }));
  }

  /** The current diversions of several people at once (one query), by personRef. */
  async historiesOf(manager: EntityManager, personRefs: string[]): Promise<Map<string, DiversionHistoryEntry[]>> {
    if (personRefs.length === 0) return new Map();
    const rows: CurrentRow[] = await manager.query(
      'SELECT person_ref, referral_id, scheme_id, outcome, decided_at FROM diversion_history WHERE person_ref = ANY($1) AND superseded_at IS NULL',
      [personRefs],
    );
    return byPerson(rows);
  }

  /**
   * historiesOf's rows as one JSON value, for a caller that reads them together with
   * something else in one statement (`personRefs` is its parameter, e.g. '$2'); fold the
   * value with historiesFromJson.
   */
  historiesJsonSql(personRefs: string): string {
    return `(SELECT coalesce(json_agg(json_build_object('person_ref', person_ref, 'referral_id', referral_id, 'scheme_id', scheme_id, 'outcome', outcome, 'decided_at', decided_at)), '[]'::json)
               FROM diversion_history WHERE person_ref = ANY(${personRefs}) AND superseded_at IS NULL)`;
  }

  historiesFromJson(rows: CurrentRow[]): Map<string, DiversionHistoryEntry[]> {
    return byPerson(rows);
  }

  /** The current row of one referral, if this service has heard of it. */
  async currentOf(manager: EntityManager, referralId: string): Promise<{ personRef: string; schemeId: string; outcome: DiversionOutcome } | undefined> {
    const rows: Array<{ person_ref: string; scheme_id: string; outcome: DiversionOutcome }> = await manager.query(
      'SELECT person_ref, scheme_id, outcome FROM diversion_history WHERE referral_id = $1 AND superseded_at IS NULL',
      [referralId],
    );
    return rows[0] && { personRef: rows[0].person_ref, schemeId: rows[0].scheme_id, outcome: rows[0].outcome };
  }

  /** History rows of referrals decided just now, for the caller's statement (writeTogether): nothing to supersede. */
  newRowsInsert(entries: HistoryRecord[]): RowsInsert {
    return {
      into: 'INSERT INTO diversion_history (referral_id, person_ref, scheme_id, outcome, decided_at, source_event_type, source_event_id, recorded_at)',
      casts: [],
      rows: entries.map((e) => [e.referralId, e.personRef, e.schemeId, e.outcome, e.decidedAt, e.sourceEventType, e.sourceEventId, e.recordedAt]),
    };
  }

  /**
   * Records a referral's new outcome, superseding (not overwriting) the one it had.
   * `isNew`: the referral was stored in this very transaction (nothing to supersede).
   */
  async record(manager: EntityManager, entry: HistoryRecord, options: { isNew?: boolean } = {}): Promise<void> {
    if (!options.isNew) await manager.query('UPDATE diversion_history SET superseded_at = $2 WHERE referral_id = $1 AND superseded_at IS NULL', [
      entry.referralId,
      entry.recordedAt,
    ]);
    await manager.query(
      `INSERT INTO diversion_history (referral_id, person_ref, scheme_id, outcome, decided_at, source_event_type, source_event_id, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.referralId, entry.personRef, entry.schemeId, entry.outcome, entry.decidedAt, entry.sourceEventType, entry.sourceEventId, entry.recordedAt],
    );
  }
}

/** A current diversion_history row as read (decided_at a Date, or its JSON text). */
interface CurrentRow {
  person_ref: string;
  referral_id: string;
  scheme_id: string;
  outcome: DiversionOutcome;
  decided_at: Date | string;
}

function byPerson(rows: CurrentRow[]): Map<string, DiversionHistoryEntry[]> {
  const histories = new Map<string, DiversionHistoryEntry[]>();
  for (const r of rows) {
    const entries = histories.get(r.person_ref) ?? [];
    entries.push({ referralId: r.referral_id, schemeId: r.scheme_id, outcome: r.outcome, decidedAt: new Date(r.decided_at) });
    histories.set(r.person_ref, entries);
  }
  return histories;
}
