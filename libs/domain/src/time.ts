/**
 * Europe/London calendar helpers. Time is always passed in; nothing here reads the clock.
 * Intl.DateTimeFormat supplies the GMT/BST offset (a pure computation, not I/O), read once per UTC hour.
 */
import type { EffectiveDated } from './types';

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function assertValidInstant(at: Date, what = 'instant'): void {
  // Realm-independent check: a Date from another realm (vm context, structuredClone) is still a Date.
  if (Object.prototype.toString.call(at) !== '[object Date]' || Number.isNaN(at.getTime())) {
    throw new RangeError(`${what} must be a valid Date`);
  }
}

/** Wall-clock reading of an instant in Europe/London. */
export interface UkWallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** English names, indexed like UkWallClock's weekday (0 = Sunday) and month - 1. */
export const WEEKDAY_NAMES: readonly string[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const MONTH_NAMES: readonly string[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const MS_PER_HOUR = 3_600_000;
/** Offsets already read, by UTC hour; cleared when it holds more than ~11 years of hours. */
const offsetByUtcHour = new Map<number, number>();
const OFFSET_CACHE_MAX = 100_000;

/**
 * Europe/London's offset from UTC (ms) for the UTC hour holding `t`. UK clocks change only on
 * whole UTC hours, so one Intl reading serves a whole hour: formatToParts cost a few
 * microseconds per call and was among the largest single costs of intake and booking.
 */
function londonOffsetMs(t: number): number {
  const hour = Math.floor(t / MS_PER_HOUR);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const p of LONDON.formatToParts(new Date(hour * MS_PER_HOUR))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    offset = Date.UTC(parts['year'], parts['month'] - 1, parts['day'], parts['hour'], parts['minute'], parts['second']) - hour * MS_PER_HOUR;
    if (offsetByUtcHour.size >= OFFSET_CACHE_MAX) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/** The Europe/London wall clock at an instant (GMT or BST). */
export function ukWallClock(at: Date): UkWallClock {
  assertValidInstant(at);
  const local = new Date(at.getTime() + londonOffsetMs(at.getTime()));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
  };
}

/** True when `date` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(date: string): boolean {
  const m = ISO_DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function assertIsoDate(date: string, what = 'date'): [number, number, number] {
  if (typeof date !== 'string' || !isIsoDate(date)) {
    throw new RangeError(`${what} must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  return date.split('-').map(Number) as [number, number, number];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatUtcDate(t: Date): string {
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The Europe/London local calendar date of an instant, YYYY-MM-DD. */
export function ukLocalDate(at: Date): string {
  const p = ukWallClock(at);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Offset of Europe/London from UTC at an instant, in milliseconds (0 in GMT, 3,600,000 in BST). */
export function ukOffsetMs(at: Date): number {
  assertValidInstant(at);
  return londonOffsetMs(at.getTime());
}

/** Adds whole calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = assertIsoDate(date);
  if (!Number.isInteger(days)) throw new RangeError('days must be an integer');
  return formatUtcDate(new Date(Date.UTC(y, m - 1, d + days)));
}

/** The first instant (00:00:00.000 Europe/London) of a local date. */
export function startOfUkDay(date: string): Date {
  const [y, m, d] = assertIsoDate(date);
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Midnight is never inside a UK clock change (they happen at 01:00 UTC), so the offset
  // read at the first guess settles after one correction.
  let t = wallMidnight - ukOffsetMs(new Date(wallMidnight));
  t = wallMidnight - ukOffsetMs(new Date(t));
  return new Date(t);
}

/** The last instant (23:59:59.999 Europe/London) of a local date. */
export function endOfUkDay(date: string): Date {
  return new Date(startOfUkDay(addDays(date, 1)).getTime() - 1);
}

/** Whole days from local date `a` to local date `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = assertIsoDate(a);
  const [y2, m2, d2] = assertIsoDate(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / MS_PER_DAY);
}

/** Whether an effective-dated row applies on a local date (both ends inclusive). */
export function inForceOn(row: EffectiveDated, localDate: string): boolean {
  return row.validFrom <= localDate && (row.validTo === undefined || localDate <= row.validTo);
}

/** Whether an effective-dated row applies at an instant (its Europe/London date). */
export function inForceAt(row: EffectiveDated, at: Date): boolean {
  return inForceOn(row, ukLocalDate(at));
}

export { assertValidInstant, assertIsoDate };
