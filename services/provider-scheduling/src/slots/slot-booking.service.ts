import { Inject, Injectable } from '@nestjs/common';
import { ukLocalDate, type Provider } from '@ddp/domain';
import { Clock, writeTogether } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { returnedRows } from '../common/unit-of-work';
import { assessmentSlotsOn, datesBetween, weekStartOf } from '../providers/opening-hours';
import type { Allocation, FreeSlot } from './slot-allocation';
import { ProviderDirectory } from '../providers/provider-directory';

export interface TakenSlot {
  slotId: string;
  startsAt: Date;
  endsAt: Date;
  /** Monday of the week whose weekly capacity the booking took (when it counted one). */
  countedWeek: string | null;
}

export interface CapacityRequest {
  provider: Provider;
  notBefore: Date;
  notAfter: Date;
}

export interface ProviderCapacity {
  slots: FreeSlot[];
  weekTaken: Map<string, number>;
}

export type SlotFailure = 'no-slot' | 'weekly-capacity-reached' | 'slot-full' | 'not-a-slot';
export type SlotResult = { ok: true; slot: TakenSlot } | { ok: false; reason: SlotFailure };

interface CandidateRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  local_date: string;
}

/**
 * Bookable capacity, safe under concurrency.
 *
 * - A slot is a row with `capacity` and `booked` (CHECK booked <= capacity). A booking takes
 *   a place with `UPDATE … SET booked = booked + 1 WHERE id = $1 AND booked < capacity`:
 *   Postgres locks the row, a concurrent booking waits for the first to commit and then
 *   re-checks the condition on the new value, so two bookings never take the last place.
 *   Waiting (rather than SKIP LOCKED) means a booking never escalates because another
 *   transaction merely held the slot for a moment and then rolled back.
 * - A provider's weekly capacity (libs/domain weeklyCapacity, or its override: referrals a week) is a row
 *   per provider and week taken the same way, after the slot; a full week gives the slot
 *   back (same transaction) and skips to the next week's slots.
 * - Lock order is always referral → appointment → slot → week, so bookings cannot deadlock.
 */
@Injectable()
export class SlotBooking {
  /**
   * Provider days (`provider|date`) seen materialised in a committed state: days are only ever
   * added, so a booking run skips reading provider_slot_day for days it knows (one round trip
   * fewer on the referral → AssessmentScheduled hop).
   */
  private readonly knownDays = new Set<string>();
  /** Transactions that materialised days themselves: what they read may still roll back, so it is not remembered. */
  private readonly materialisingIn = new WeakSet<EntityManager>();

  constructor(
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Materialises the provider's assessment slots for the local dates that do not have them yet (idempotent). */
  async ensureAssessmentSlots(manager: EntityManager, provider: Provider, fromDate: string, toDate: string): Promise<number> {
    if (toDate < fromDate) return 0;
    const existing: Array<{ d: string }> = await manager.query(
      `SELECT local_date::text AS d FROM provider_slot_day WHERE provider_id = $1 AND kind = 'assessment' AND local_date BETWEEN $2 AND $3`,
      [provider.id, fromDate, toDate],
    );
    const have = new Set(existing.map((r) => r.d));
    const missing = datesBetween(fromDate, toDate).filter((d) => !have.has(d));
    if (missing.length === 0) return 0;
    this.materialisingIn.add(manager);
    const capacity = this.directory.profile(provider.id).assessorsPerSlot;
    const now = this.clock.now();
    let created = 0;
    for (const date of missing) {
      const slots = assessmentSlotsOn(provider, date);
      if (slots.length > 0) {
        const values: unknown[] = [];
        const rows = slots.map((s, i) => {
          values.push(randomUUID(), provider.id, date, s.startsAt, s.endsAt, capacity, now);
          const b = i * 7;
          return `($${b + 1}, $${b + 2}, 'assessment', $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, 0, $${b + 7})`;
        });
        const inserted = await manager.query(
          `INSERT INTO provider_slot (id, provider_id, kind, local_date, starts_at, ends_at, capacity, booked, created_at)
           VALUES ${rows.join(', ')} ON CONFLICT ON CONSTRAINT provider_slot_unique DO NOTHING RETURNING id`,
          values,
        );
        created += inserted.length;
      }
      await manager.query(
        `INSERT INTO provider_slot_day (provider_id, kind, local_date, generated_at) VALUES ($1, 'assessment', $2, $3) ON CONFLICT DO NOTHING`,
        [provider.id, date, now],
      );
    }
    return created;
  }

  /**
   * Takes the earliest free assessment slot that starts at or after `notBefore` and ends by
   * `notAfter`. With `countWeek`, the booking also takes a place of the provider's weekly capacity.
   */
  async bookEarliestAssessment(manager: EntityManager, provider: Provider, notBefore: Date, notAfter: Date, options: { countWeek: boolean }): Promise<SlotResult> {
    if (notAfter.getTime() <= notBefore.getTime()) return { ok: false, reason: 'no-slot' };
    const fullWeeks = new Set<string>();
    for (const candidate of await this.openAssessmentSlots(manager, provider, notBefore, notAfter)) {
      const week = weekStartOf(candidate.localDate);
      if (fullWeeks.has(week)) continue;
      if (!(await this.takeSlot(manager, candidate.id))) continue; // taken meanwhile: next one
      if (options.countWeek && !(await this.takeWeek(manager, provider, week))) {
        await this.releaseSlot(manager, candidate.id);
        fullWeeks.add(week);
        continue;
      }
      return { ok: true, slot: { slotId: candidate.id, startsAt: candidate.startsAt, endsAt: candidate.endsAt, countedWeek: options.countWeek ? week : null } };
    }
    return { ok: false, reason: fullWeeks.size > 0 ? 'weekly-capacity-reached' : 'no-slot' };
  }

  /**
   * The free assessment slots of several providers between two instants each, with the
   * weekly capacity already taken in their weeks: what allocateEarliest needs to book many
   * at once. Two statements whatever the number of providers, the locks and the read (one
   * more while some day in the range is not known to be materialised, more to materialise it).
   */
  async freeAssessmentCapacities(manager: EntityManager, wanted: CapacityRequest[]): Promise<Map<string, ProviderCapacity>> {
    const result = new Map<string, ProviderCapacity>();
    if (wanted.length === 0) return result;
    const ids = wanted.map((w) => w.provider.id);
    // Concurrent batches (other partitions) want the same earliest slots: they queue here
    // until this transaction ends, then read what it left, instead of allocating the same
    // places and falling back to one by one. Taken in id order, so two batches cannot deadlock.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext('assessment-booking:' || id)) FROM (SELECT unnest($1::text[]) AS id ORDER BY 1) AS ids`,
      [ids],
    );
    await this.ensureAssessmentSlotsMany(manager, wanted.map((w) => ({ provider: w.provider, fromDate: ukLocalDate(w.notBefore), toDate: ukLocalDate(w.notAfter) })));
    // Each free slot with what its week (Monday-based, as weekStartOf) has taken so far.
    const rows: Array<CandidateRow & { provider_id: string; free: number; week: string; week_taken: number | null }> = await manager.query(
      `SELECT w.provider_id, s.id, s.starts_at, s.ends_at, s.local_date::text AS local_date, s.capacity - s.booked AS free,
              s.week::text AS week, pw.taken AS week_taken
         FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(provider_id, not_before, not_after)
         CROSS JOIN LATERAL (
           SELECT id, starts_at, ends_at, local_date, capacity, booked, date_trunc('week', local_date::timestamp)::date AS week FROM provider_slot
            WHERE provider_id = w.provider_id AND kind = 'assessment' AND starts_at >= w.not_before AND ends_at <= w.not_after AND booked < capacity
            ORDER BY starts_at, id LIMIT 1000
         ) AS s
         LEFT JOIN provider_week pw ON pw.provider_id = w.provider_id AND pw.week_start = s.week`,
      [ids, wanted.map((w) => w.notBefore), wanted.map((w) => w.notAfter)],
    );
    for (const id of ids) result.set(id, { slots: [], weekTaken: new Map() });
    for (const r of rows) {
      const capacity = result.get(r.provider_id)!;
      capacity.slots.push({ id: r.id, startsAt: r.starts_at, endsAt: r.ends_at, localDate: r.local_date, free: Number(r.free) });
      if (r.week_taken !== null) capacity.weekTaken.set(r.week, Number(r.week_taken));
    }
    return result;
  }

  /** ensureAssessmentSlots for several providers: one read of the days already materialised. */
  private async ensureAssessmentSlotsMany(manager: EntityManager, wanted: Array<{ provider: Provider; fromDate: string; toDate: string }>): Promise<void> {
    const spans = wanted.filter((w) => w.toDate >= w.fromDate && datesBetween(w.fromDate, w.toDate).some((d) => !this.knownDays.has(`${w.provider.id}|${d}`)));
    if (spans.length === 0) return;
    const existing: Array<{ provider_id: string; d: string }> = await manager.query(
      `SELECT provider_id, local_date::text AS d FROM provider_slot_day
        WHERE kind = 'assessment' AND provider_id = ANY($1::text[]) AND local_date BETWEEN $2 AND $3`,
      [spans.map((w) => w.provider.id), spans.map((w) => w.fromDate).sort()[0], spans.map((w) => w.toDate).sort().reverse()[0]],
    );
    const have = new Set(existing.map((r) => `${r.provider_id}|${r.d}`));
    if (!this.materialisingIn.has(manager)) have.forEach((day) => this.knownDays.add(day));
    for (const w of spans) {
      if (datesBetween(w.fromDate, w.toDate).some((d) => !have.has(`${w.provider.id}|${d}`))) await this.ensureAssessmentSlots(manager, w.provider, w.fromDate, w.toDate);
    }
  }

  /** Assessment slots with a place left, earliest first (the first 1,000), materialising their days first. */
  private async openAssessmentSlots(manager: EntityManager, provider: Provider, notBefore: Date, notAfter: Date): Promise<FreeSlot[]> {
    await this.ensureAssessmentSlots(manager, provider, ukLocalDate(notBefore), ukLocalDate(notAfter));
    const rows: Array<CandidateRow & { free: number }> = await manager.query(
      `SELECT id, starts_at, ends_at, local_date::text AS local_date, capacity - booked AS free FROM provider_slot
        WHERE provider_id = $1 AND kind = 'assessment' AND starts_at >= $2 AND ends_at <= $3 AND booked < capacity
        ORDER BY starts_at, id LIMIT 1000`,
      [provider.id, notBefore, notAfter],
    );
    return rows.map((r) => ({ id: r.id, startsAt: r.starts_at, endsAt: r.ends_at, localDate: r.local_date, free: Number(r.free) }));
  }

  /**
   * Takes the places of several providers' allocations (allocateEarliest) in two statements,
   * slots locked in the same order as single bookings take them. False when another booking
   * took any of them meanwhile: the caller must then roll back and book one by one.
   */
  async takeAllocations(manager: EntityManager, allocations: Array<{ provider: Provider; allocation: Allocation }>, countWeek: boolean): Promise<boolean> {
    const perSlot = allocations.flatMap(({ allocation }) => [...allocation.perSlot]);
    if (perSlot.length === 0) return true;
    const weeks = !countWeek ? [] : allocations
      .flatMap(({ provider, allocation }) => [...allocation.perWeek].map(([week, n]) => ({ provider: provider.id, week, n, capacity: this.directory.profile(provider.id).weeklyCapacity })))
      .sort((a, b) => (a.provider === b.provider ? (a.week < b.week ? -1 : 1) : a.provider < b.provider ? -1 : 1));
    // The slots' places and the weeks' counts in one statement; the caller rolls back unless both counts are whole.
    const [slotsTaken, weeksTaken] = await writeTogether(manager, [
      (bind) => `WITH wanted AS (
           SELECT s.id, v.n FROM provider_slot s JOIN unnest(${bind(perSlot.map(([id]) => id))}::uuid[], ${bind(perSlot.map(([, n]) => n))}::int[]) AS v(id, n) ON v.id = s.id
            ORDER BY s.starts_at, s.id FOR UPDATE OF s
         )
         UPDATE provider_slot s SET booked = s.booked + w.n FROM wanted w WHERE s.id = w.id AND s.booked + w.n <= s.capacity RETURNING s.id`,
      ...(weeks.length === 0 ? [] : [(bind: (value: unknown) => string) => {
        const v = `SELECT * FROM unnest(${bind(weeks.map((w) => w.provider))}::text[], ${bind(weeks.map((w) => w.week))}::date[], ${bind(weeks.map((w) => w.n))}::int[], ${bind(weeks.map((w) => w.capacity))}::int[]) AS v(provider_id, week_start, n, capacity)`;
        return `INSERT INTO provider_week (provider_id, week_start, taken)
           SELECT provider_id, week_start, n FROM (${v}) AS v WHERE n <= capacity
           ON CONFLICT (provider_id, week_start) DO UPDATE SET taken = provider_week.taken + EXCLUDED.taken
            WHERE provider_week.taken + EXCLUDED.taken <= (SELECT v.capacity FROM (${v}) AS v WHERE v.provider_id = provider_week.provider_id AND v.week_start = provider_week.week_start)
           RETURNING week_start`;
      }]),
    ]);
    return slotsTaken === perSlot.length && (weeks.length === 0 || weeksTaken === weeks.length);
  }

  /** Takes the assessment slot starting exactly at `startsAt` ('not-a-slot' when the hours have none then). */
  async bookAssessmentAt(manager: EntityManager, provider: Provider, startsAt: Date, options: { countWeek: boolean }): Promise<SlotResult> {
    const date = ukLocalDate(startsAt);
    await this.ensureAssessmentSlots(manager, provider, date, date);
    const [slot]: CandidateRow[] = await manager.query(
      `SELECT id, starts_at, ends_at, local_date::text AS local_date FROM provider_slot WHERE provider_id = $1 AND kind = 'assessment' AND starts_at = $2`,
      [provider.id, startsAt],
    );
    if (!slot) return { ok: false, reason: 'not-a-slot' };
    if (!(await this.takeSlot(manager, slot.id))) return { ok: false, reason: 'slot-full' };
    const week = weekStartOf(slot.local_date);
    if (options.countWeek && !(await this.takeWeek(manager, provider, week))) {
      await this.releaseSlot(manager, slot.id);
      return { ok: false, reason: 'weekly-capacity-reached' };
    }
    return { ok: true, slot: { slotId: slot.id, startsAt: slot.starts_at, endsAt: slot.ends_at, countedWeek: options.countWeek ? week : null } };
  }

  /** Takes a place in a course session at [startsAt, endsAt) (group size = the provider's courseGroupSize). */
  async bookSession(manager: EntityManager, provider: Provider, startsAt: Date, endsAt: Date): Promise<SlotResult> {
    const capacity = this.directory.profile(provider.id).courseGroupSize;
    await manager.query(
      `INSERT INTO provider_slot (id, provider_id, kind, local_date, starts_at, ends_at, capacity, booked, created_at)
       VALUES ($1, $2, 'session', $3, $4, $5, $6, 0, $7) ON CONFLICT ON CONSTRAINT provider_slot_unique DO NOTHING`,
      [randomUUID(), provider.id, ukLocalDate(startsAt), startsAt, endsAt, capacity, this.clock.now()],
    );
    const [slot]: CandidateRow[] = await manager.query(
      `SELECT id, starts_at, ends_at, local_date::text AS local_date FROM provider_slot
        WHERE provider_id = $1 AND kind = 'session' AND starts_at = $2 AND ends_at = $3`,
      [provider.id, startsAt, endsAt],
    );
    if (!(await this.takeSlot(manager, slot.id))) return { ok: false, reason: 'slot-full' };
    return { ok: true, slot: { slotId: slot.id, startsAt: slot.starts_at, endsAt: slot.ends_at, countedWeek: null } };
  }

  /** Gives a place back (an appointment superseded or cancelled before it happened). */
  async releaseSlot(manager: EntityManager, slotId: string | null): Promise<void> {
    if (!slotId) return;
    await manager.query('UPDATE provider_slot SET booked = booked - 1 WHERE id = $1 AND booked > 0', [slotId]);
  }

  async releaseWeek(manager: EntityManager, providerId: string, weekStart: string | null): Promise<void> {
    if (!weekStart) return;
    await manager.query('UPDATE provider_week SET taken = taken - 1 WHERE provider_id = $1 AND week_start = $2 AND taken > 0', [providerId, weekStart]);
  }

  /** Free assessment slots of a provider between two instants (materialising the days first). */
  async freeAssessmentSlots(manager: EntityManager, provider: Provider, from: Date, to: Date): Promise<Array<{ startsAt: Date; endsAt: Date; capacity: number; booked: number }>> {
    await this.ensureAssessmentSlots(manager, provider, ukLocalDate(from), ukLocalDate(to));
    const rows: Array<{ starts_at: Date; ends_at: Date; capacity: number; booked: number }> = await manager.query(
      `SELECT starts_at, ends_at, capacity, booked FROM provider_slot
        WHERE provider_id = $1 AND kind = 'assessment' AND starts_at >= $2 AND ends_at <= $3 AND booked < capacity ORDER BY starts_at`,
      [provider.id, from, to],
    );
    return rows.map((r) => ({ startsAt: r.starts_at, endsAt: r.ends_at, capacity: r.capacity, booked: r.booked }));
  }

  private async takeSlot(manager: EntityManager, slotId: string): Promise<boolean> {
    const result = await manager.query('UPDATE provider_slot SET booked = booked + 1 WHERE id = $1 AND booked < capacity RETURNING id', [slotId]);
    return returnedRows(result).length === 1;
  }

  /** One statement: creates the provider's week row on its first booking, or takes a place if one is left. */
  private async takeWeek(manager: EntityManager, provider: Provider, weekStart: string): Promise<boolean> {
    const capacity = this.directory.profile(provider.id).weeklyCapacity;
    if (capacity < 1) return false;
    const result = await manager.query(
      `INSERT INTO provider_week (provider_id, week_start, taken) VALUES ($1, $2, 1)
       ON CONFLICT (provider_id, week_start) DO UPDATE SET taken = provider_week.taken + 1 WHERE provider_week.taken < $3
       RETURNING taken`,
      [provider.id, weekStart, capacity],
    );
    return returnedRows(result).length === 1;
  }
}
