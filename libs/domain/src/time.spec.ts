import fc from 'fast-check';
import { addDays, daysBetween, endOfUkDay, inForceAt, inForceOn, isIsoDate, startOfUkDay, ukLocalDate, ukOffsetMs, ukWallClock } from './time';

describe('ukLocalDate', () => {
  it.each([
    ['2020-01-12T23:59:59.999Z', '2020-01-12'], // GMT: UTC date = UK date
    ['2020-01-13T00:00:00.000Z', '2020-01-13'],
    ['2020-09-30T22:59:59.999Z', '2020-09-30'], // BST: 23:59 local
    ['2020-09-30T23:00:00.000Z', '2020-10-01'], // BST: 00:00 local next day
    ['2021-03-28T00:59:59.999Z', '2021-03-28'], // just before spring forward
    ['2021-10-30T23:30:00.000Z', '2021-10-31'], // BST on the night of fall back
  ])('%s is %s in Europe/London', (iso, expected) => {
    expect(ukLocalDate(new Date(iso))).toBe(expected);
  });

  it('refuses an invalid Date', () => {
    expect(() => ukLocalDate(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('ukOffsetMs', () => {
  it('is 0 in winter and one hour in summer, whatever the milliseconds', () => {
    expect(ukOffsetMs(new Date('2021-01-15T12:00:00.123Z'))).toBe(0);
    expect(ukOffsetMs(new Date('2021-07-15T12:00:00.987Z'))).toBe(3_600_000);
    expect(ukOffsetMs(new Date(-1))).toBe(3_600_000); // 1970 was British Standard Time all year
  });
});

describe('ukWallClock', () => {
  // The reference: Intl read for the instant itself (the implementation reads it once per UTC hour).
  const intl = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short', hourCycle: 'h23',
  });
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const byIntl = (at: Date) => {
    const p = Object.fromEntries(intl.formatToParts(at).map((x) => [x.type, x.value]));
    return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: WEEKDAYS.indexOf(p.weekday) };
  };

  it('reads the clock either side of each change of 2021', () => {
    expect(ukWallClock(new Date('2021-03-28T00:59:59.999Z'))).toEqual({ year: 2021, month: 3, day: 28, hour: 0, minute: 59, second: 59, weekday: 0 });
    expect(ukWallClock(new Date('2021-03-28T01:00:00.000Z'))).toEqual({ year: 2021, month: 3, day: 28, hour: 2, minute: 0, second: 0, weekday: 0 });
    expect(ukWallClock(new Date('2021-10-31T00:59:59.000Z'))).toEqual({ year: 2021, month: 10, day: 31, hour: 1, minute: 59, second: 59, weekday: 0 });
    expect(ukWallClock(new Date('2021-10-31T01:00:00.000Z'))).toEqual({ year: 2021, month: 10, day: 31, hour: 1, minute: 0, second: 0, weekday: 0 });
  });

  it('agrees with Intl at any instant from 1900 to 2100, and the offset with it', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const at = new Date(t);
        const wall = ukWallClock(at);
        expect(wall).toEqual(byIntl(at));
        const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
        expect(ukOffsetMs(at)).toBe(wallMs - (t - (((t % 1000) + 1000) % 1000)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl minute by minute through the hours around every UK clock change of 2019-2027', () => {
    for (let year = 2019; year <= 2027; year++) {
      for (const month of [2, 9]) {
        // The last Sunday of March / October, 00:00-03:00 UTC.
        const lastDay = new Date(Date.UTC(year, month + 1, 0));
        const sunday = lastDay.getUTCDate() - lastDay.getUTCDay();
        for (let t = Date.UTC(year, month, sunday); t < Date.UTC(year, month, sunday, 3); t += 60_000) {
          expect(ukWallClock(new Date(t))).toEqual(byIntl(new Date(t)));
        }
      }
    }
  });

  it('refuses an invalid instant', () => {
    expect(() => ukWallClock(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('startOfUkDay / endOfUkDay', () => {
  it.each([
    ['2021-01-15', '2021-01-15T00:00:00.000Z', '2021-01-15T23:59:59.999Z'],
    ['2021-07-15', '2021-07-14T23:00:00.000Z', '2021-07-15T22:59:59.999Z'],
    // Spring forward (23-hour day): starts in GMT, ends in BST.
    ['2021-03-28', '2021-03-28T00:00:00.000Z', '2021-03-28T22:59:59.999Z'],
    // Fall back (25-hour day): starts in BST, ends in GMT.
    ['2021-10-31', '2021-10-30T23:00:00.000Z', '2021-10-31T23:59:59.999Z'],
  ])('%s runs from %s to %s', (date, start, end) => {
    expect(startOfUkDay(date).toISOString()).toBe(start);
    expect(endOfUkDay(date).toISOString()).toBe(end);
  });

  it('refuses a malformed or impossible date', () => {
    expect(() => endOfUkDay('2021-02-29')).toThrow(/YYYY-MM-DD/);
    expect(() => startOfUkDay('15/01/2021')).toThrow(RangeError);
  });
});

describe('calendar helpers', () => {
  it('validates ISO dates', () => {
    expect(isIsoDate('2020-02-29')).toBe(true);
    expect(isIsoDate('2021-02-29')).toBe(false);
    expect(isIsoDate('2021-13-01')).toBe(false);
    expect(isIsoDate('2021-1-01')).toBe(false);
  });

  it('adds days across month, year and leap boundaries', () => {
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
    expect(addDays('2020-01-01', -1)).toBe('2019-12-31');
    expect(() => addDays('2020-01-01', 0.5)).toThrow(RangeError);
  });

  it('counts days between dates, clock changes notwithstanding', () => {
    expect(daysBetween('2021-03-27', '2021-03-29')).toBe(2);
    expect(daysBetween('2021-11-01', '2021-10-30')).toBe(-2);
  });

  it('reads effective dates inclusively at both ends', () => {
    const row = { validFrom: '2020-01-13', validTo: '2020-09-30' };
    expect(inForceOn(row, '2020-01-12')).toBe(false);
    expect(inForceOn(row, '2020-01-13')).toBe(true);
    expect(inForceOn(row, '2020-09-30')).toBe(true);
    expect(inForceOn(row, '2020-10-01')).toBe(false);
    expect(inForceOn({ validFrom: '2020-01-13' }, '2099-01-01')).toBe(true);
    // 23:30 UTC on 30 September 2020 is already 1 October in the UK.
    expect(inForceAt(row, new Date('2020-09-30T23:30:00Z'))).toBe(false);
  });
});
