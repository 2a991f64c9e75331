import { formatUkDateTime } from './uk-time';

describe('UK local date and time in messages', () => {
  it('writes GMT and BST times as people read them', () => {
    expect(formatUkDateTime('2026-11-24T18:00:00Z')).toBe('Tuesday 24 November 2026 at 6:00pm');
    expect(formatUkDateTime('2026-07-01T08:30:00Z')).toBe('Wednesday 1 July 2026 at 9:30am');
    expect(formatUkDateTime(new Date('2026-07-01T11:05:00Z'))).toBe('Wednesday 1 July 2026 at 12:05pm');
    expect(formatUkDateTime('2026-11-24T00:05:00Z')).toBe('Tuesday 24 November 2026 at 12:05am');
    expect(formatUkDateTime('2026-03-29T01:00:00Z')).toBe('Sunday 29 March 2026 at 2:00am');
  });

  it("reads as Intl's en-GB long form would, at any instant of 2019-2035", () => {
    const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' });
    for (let i = 0; i < 2000; i++) {
      const at = new Date(Date.UTC(2019, 0, 1) + Math.floor(Math.random() * 16 * 365 * 86_400_000));
      const p = Object.fromEntries(intl.formatToParts(at).map((x) => [x.type, x.value]));
      const expected = `${p.weekday} ${p.day} ${p.month} ${p.year} at ${p.hour}:${p.minute}${String(p.dayPeriod).toLowerCase().replace(/\s|\./g, '')}`;
      expect(formatUkDateTime(at)).toBe(expected);
    }
  });
});
