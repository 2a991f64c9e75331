import { endOfQuietHours, parseQuietHours } from './quiet-hours';

describe('quiet hours (Europe/London)', () => {
  const night = parseQuietHours('21:00-08:00');

  it('parses a window and refuses nonsense', () => {
    expect(night).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
    expect(parseQuietHours('off')).toBeNull();
    expect(() => parseQuietHours('9pm-8am')).toThrow(/HH:MM/);
    expect(() => parseQuietHours('08:00-08:00')).toThrow();
  });

  it('holds an evening message until 08:00 the next morning (GMT)', () => {
    expect(endOfQuietHours(new Date('2026-11-24T22:30:00Z'), night)?.toISOString()).toBe('2026-11-25T08:00:00.000Z');
  });

  it('holds an early-morning message until 08:00 the same day', () => {
    expect(endOfQuietHours(new Date('2026-11-25T06:59:00Z'), night)?.toISOString()).toBe('2026-11-25T08:00:00.000Z');
  });

  it('lets daytime messages through, and the end minute itself is outside', () => {
    expect(endOfQuietHours(new Date('2026-11-25T08:00:00Z'), night)).toBeNull();
    expect(endOfQuietHours(new Date('2026-11-25T20:59:59Z'), night)).toBeNull();
  });

  it('uses British Summer Time in summer (21:00 BST is 20:00 UTC)', () => {
    expect(endOfQuietHours(new Date('2026-07-01T20:30:00Z'), night)?.toISOString()).toBe('2026-07-02T07:00:00.000Z');
    expect(endOfQuietHours(new Date('2026-07-01T19:59:00Z'), night)).toBeNull();
  });

  it('ends at 08:00 local on the morning the clocks go forward', () => {
    // 29 March 2026: clocks go forward at 01:00 UTC; 08:00 BST is 07:00 UTC.
    expect(endOfQuietHours(new Date('2026-03-28T23:00:00Z'), night)?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('handles a window that does not cross midnight', () => {
    const lunch = parseQuietHours('12:00-13:30');
    expect(endOfQuietHours(new Date('2026-11-25T12:10:00Z'), lunch)?.toISOString()).toBe('2026-11-25T13:30:00.000Z');
    expect(endOfQuietHours(new Date('2026-11-25T11:10:00Z'), lunch)).toBeNull();
    expect(endOfQuietHours(new Date('2026-11-25T12:10:00Z'), null)).toBeNull();
  });
});
