import { byDeadline, ukClockTime, ukDay, ukShortDateTime } from './uk-time';

describe('UK-local wording in answers and timelines', () => {
  it('words GMT and BST instants as the officer reads them', () => {
    expect(ukDay(new Date('2026-11-21T23:59:59Z'))).toBe('Saturday 21 November 2026');
    expect(ukDay(new Date('2026-07-01T23:30:00Z'))).toBe('Thursday 2 July 2026');
    expect(ukClockTime(new Date('2026-07-01T17:30:00Z'))).toBe('18:30');
    expect(ukShortDateTime(new Date('2026-11-21T09:05:00Z'))).toBe('Sat 21 Nov 2026, 09:05');
    expect(byDeadline(new Date('2026-11-21T23:59:59.999Z'))).toBe('by the end of Saturday 21 November 2026');
    expect(byDeadline(new Date('2026-07-01T17:30:00Z'))).toBe('by 18:30 on Wednesday 1 July 2026');
  });

  it('matches Intl en-GB formatting at any instant of 2019-2035', () => {
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    const short = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const words = (f: Intl.DateTimeFormat, at: Date) => {
      const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
      return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
    };
    for (let i = 0; i < 2000; i++) {
      const at = new Date(Date.UTC(2019, 0, 1) + Math.floor(Math.random() * 16 * 365 * 86_400_000));
      expect(ukDay(at)).toBe(words(day, at));
      expect(ukClockTime(at)).toBe(time.format(at));
      expect(ukShortDateTime(at)).toBe(`${words(short, at)}, ${time.format(at)}`);
    }
  });
});
