import { allocateEarliest, type FreeSlot } from './slot-allocation';

const at = (iso: string) => new Date(iso);
// Monday 2030-01-07 and Monday 2030-01-14 weeks.
const slot = (id: string, startsAt: string, free = 1): FreeSlot => ({
  id, startsAt: at(startsAt), endsAt: new Date(at(startsAt).getTime() + 30 * 60_000), localDate: startsAt.slice(0, 10), free,
});

describe('allocateEarliest', () => {
  const request = (notBefore: string, deadline: string) => ({ notBefore: at(notBefore), deadline: at(deadline) });

  it('gives each request, in order, the earliest slot with a place left, and counts places per slot and week', () => {
    const slots = [slot('b', '2030-01-08T10:00:00Z', 2), slot('a', '2030-01-08T09:00:00Z', 1), slot('c', '2030-01-08T11:00:00Z', 1)];
    const r = request('2030-01-08T08:00:00Z', '2030-01-08T23:59:59Z');
    const result = allocateEarliest([r, r, r, r, r], slots, new Map(), 100);
    expect(result.slots.map((s) => s?.id ?? null)).toEqual(['a', 'b', 'b', 'c', null]);
    expect(Object.fromEntries(result.perSlot)).toEqual({ a: 1, b: 2, c: 1 });
    expect(Object.fromEntries(result.perWeek)).toEqual({ '2030-01-07': 4 });
  });

  it('respects each request’s own window: not before its lead time, ending by its deadline', () => {
    const slots = [slot('early', '2030-01-08T09:00:00Z'), slot('late', '2030-01-08T18:00:00Z')];
    const result = allocateEarliest(
      [request('2030-01-08T12:00:00Z', '2030-01-08T23:59:59Z'), request('2030-01-08T08:00:00Z', '2030-01-08T18:15:00Z'), request('2030-01-08T08:00:00Z', '2030-01-08T09:29:00Z')],
      slots, new Map(), 100,
    );
    // The third ends too late for 'early' (09:30 > 09:29); the second takes 'early'.
    expect(result.slots.map((s) => s?.id ?? null)).toEqual(['late', 'early', null]);
  });

  it('skips a week whose capacity is used up (including by this batch) and books into the next', () => {
    const slots = [slot('w1a', '2030-01-11T09:00:00Z'), slot('w1b', '2030-01-11T10:00:00Z'), slot('w2', '2030-01-14T09:00:00Z')];
    const r = request('2030-01-11T08:00:00Z', '2030-01-15T00:00:00Z');
    const result = allocateEarliest([r, r, r], slots, new Map([['2030-01-07', 9]]), 10);
    expect(result.slots.map((s) => s?.id ?? null)).toEqual(['w1a', 'w2', null]);
    expect(Object.fromEntries(result.perWeek)).toEqual({ '2030-01-07': 1, '2030-01-14': 1 });
  });

  it('allocates nothing when no slot is free', () => {
    const result = allocateEarliest([request('2030-01-08T08:00:00Z', '2030-01-09T00:00:00Z')], [], new Map(), 10);
    expect(result.slots).toEqual([null]);
    expect(result.perSlot.size).toBe(0);
  });
});
