import { ControllableClock, SystemClock } from './clock';

describe('clocks', () => {
  it('the system clock tells real time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(1000);
  });

  it('a controllable clock can be set, advanced and frozen, and tells listeners', async () => {
    const start = new Date('2026-03-01T21:40:00Z');
    const clock = new ControllableClock(start);
    // Frozen at the instant set: freeze() alone would take the clock's flowing time, which a
    // millisecond tick between the two lines moves to 21:40:00.001 (seen once in CI).
    clock.freeze(start);
    expect(clock.now().toISOString()).toBe('2026-03-01T21:40:00.000Z');
    clock.advance(26 * 3600_000);
    expect(clock.now().toISOString()).toBe('2026-03-02T23:40:00.000Z');
    const seen: string[] = [];
    clock.onMoved((now) => void seen.push(now.toISOString()));
    await clock.notifyMoved();
    expect(seen).toEqual(['2026-03-02T23:40:00.000Z']);
  });

  it('an unfrozen controllable clock keeps flowing from where it was set', () => {
    const clock = new ControllableClock(new Date('2030-01-01T00:00:00Z'));
    const t = clock.now().getTime();
    expect(t).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    expect(t - Date.parse('2030-01-01T00:00:00Z')).toBeLessThan(1000);
  });
});
