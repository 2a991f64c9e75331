import { weekStartOf } from '../providers/opening-hours';

/** A provider's assessment slot with the places left in it. */
export interface FreeSlot {
  id: string;
  startsAt: Date;
  endsAt: Date;
  /** Europe/London date of the slot (YYYY-MM-DD): its week is the weekly-capacity week. */
  localDate: string;
  free: number;
}

export interface SlotRequest {
  notBefore: Date;
  deadline: Date;
}

export interface Allocation {
  /** Per request, in order: the slot it gets, or null (no free slot in a week with capacity before its deadline). */
  slots: Array<FreeSlot | null>;
  /** Places taken per slot id. */
  perSlot: Map<string, number>;
  /** Places of weekly capacity taken per week (Monday, YYYY-MM-DD). */
  perWeek: Map<string, number>;
}

/**
 * The booking rule of SlotBooking.bookEarliestAssessment applied to many requests at once,
 * in memory: each request, in order, takes the earliest slot that starts at or after its
 * `notBefore`, ends by its deadline, has a place left and lies in a week whose capacity
 * (`weekTaken` already taken of `weeklyCapacity`) is not used up. Pure: the caller writes
 * the result with one statement per table and checks nobody took the places meanwhile.
 */
export function allocateEarliest(requests: SlotRequest[], slots: FreeSlot[], weekTaken: ReadonlyMap<string, number>, weeklyCapacity: number): Allocation {
  const sorted = [...slots].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const left = new Map(sorted.map((s) => [s.id, s.free]));
  const weekOf = new Map(sorted.map((s) => [s.id, weekStartOf(s.localDate)]));
  const perSlot = new Map<string, number>();
  const perWeek = new Map<string, number>();
  const weekFull = (week: string) => (weekTaken.get(week) ?? 0) + (perWeek.get(week) ?? 0) >= weeklyCapacity;
  const result: Array<FreeSlot | null> = requests.map((request) => {
    const slot = sorted.find(
      (s) => left.get(s.id)! > 0 && s.startsAt.getTime() >= request.notBefore.getTime() && s.endsAt.getTime() <= request.deadline.getTime() && !weekFull(weekOf.get(s.id)!),
    );
    if (!slot) return null;
    const week = weekOf.get(slot.id)!;
    left.set(slot.id, left.get(slot.id)! - 1);
    perSlot.set(slot.id, (perSlot.get(slot.id) ?? 0) + 1);
    perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
    return slot;
  });
  return { slots: result, perSlot, perWeek };
}
