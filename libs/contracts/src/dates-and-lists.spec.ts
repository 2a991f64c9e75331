import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compiledCheckFor } from './compiled-check';
import { IsCalendarDate, IsDateOrInstant, IsInstant, IsListOf } from './common';

class Probe {
  @IsCalendarDate() date: string;
  @IsInstant() at: string;
  @IsDateOrInstant() bound: string;
  @IsListOf(['scheme', 'area', 'age-band']) by: string;
}

const valid = { date: '2024-02-29', at: '2026-03-01T21:40:00Z', bound: '2026-03-01', by: 'scheme,age-band' };
const failing = (change: Partial<Probe>) =>
  validateSync(plainToInstance(Probe, { ...valid, ...change })).map((e) => e.property);

describe('dates are real calendar dates and instants; lists come from a fixed list', () => {
  it('takes real ones', () => {
    expect(failing({})).toEqual([]);
    expect(failing({ bound: '2026-03-01T10:00:00.123+01:00' })).toEqual([]);
  });

  it.each(['2026-02-30', '2026-13-01', '0000-00-00', '0000-01-01', '2025-02-29', '2026-1-1', '20260101'])('refuses the date %s everywhere', (date) => {
    expect(failing({ date, bound: date })).toEqual(['date', 'bound']);
  });

  it.each(['2026-01-01T25:61Z', '2026-02-30T10:00:00Z', '2026-01-01T10:00:00', '0000-01-01T00:00:00Z', '2026-01-01T23:59:60Z', '2026-01-01T10:00:00+25:00'])(
    'refuses the instant %s everywhere',
    (at) => {
      expect(failing({ at, bound: at })).toEqual(['at', 'bound']);
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'scheme,__proto__', 'scheme,', 'scheme, area', 'hasOwnProperty', 'age.band', 'agexband'])('refuses by=%s', (by) => {
    expect(failing({ by })).toEqual(['by']);
  });

  it('keeps the class on the compiled fast path', () => {
    expect(compiledCheckFor(Probe)?.isValid(valid)).toBe(true);
    expect(compiledCheckFor(Probe)?.isValid({ ...valid, date: '2026-02-30' })).toBe(false);
  });
});
