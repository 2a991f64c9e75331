import { addDays, ukLocalDate, ukOffsetMs, type Provider, type Weekday } from '@ddp/domain';

/*
 * Opening hours are Europe/London wall-clock times; slots and sessions are instants.
 * These helpers convert between the two (GMT or BST, whatever the day) and are pure.
 */

const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`expected HH:MM, got ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function hhmmOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The weekday of a YYYY-MM-DD date. */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAY_BY_UTC_DAY[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

/** Monday (YYYY-MM-DD) of the week a local date falls in: weekly capacity counts Monday to Sunday. */
export function weekStartOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

/** The instant of a Europe/London wall-clock time on a local date. */
export function ukWallTime(date: string, hhmm: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const minutes = minutesOf(hhmm);
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  // The offset at the guess settles after one correction (clock changes happen at 01:00 UTC).
  let t = wall - ukOffsetMs(new Date(wall));
  t = wall - ukOffsetMs(new Date(t));
  return new Date(t);
}

/** The Europe/London wall-clock time (HH:MM) of an instant, and its local date. */
export function ukWallClock(at: Date): { date: string; time: string; minutes: number } {
  const local = new Date(at.getTime() + ukOffsetMs(at));
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return { date: ukLocalDate(at), time: hhmmOf(minutes), minutes };
}

export interface SlotTimes {
  startsAt: Date;
  endsAt: Date;
}

/** The provider's assessment slots on a local date: each period of its phone assessment cover cut into assessmentSlotMinutes. */
export function assessmentSlotsOn(provider: Provider, date: string): SlotTimes[] {
  const periods = provider.phoneAssessmentCover[weekdayOf(date)] ?? [];
  const length = provider.assessmentSlotMinutes;
  const slots: SlotTimes[] = [];
  for (const period of periods) {
    const closes = minutesOf(period.closes);
    for (let start = minutesOf(period.opens); start + length <= closes; start += length) {
      slots.push({ startsAt: ukWallTime(date, hhmmOf(start)), endsAt: ukWallTime(date, hhmmOf(start + length)) });
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** Whether [startsAt, endsAt) lies inside one opening period of the provider (UK wall-clock time). */
export function fitsOpeningHours(provider: Provider, startsAt: Date, endsAt: Date): boolean {
  if (endsAt.getTime() <= startsAt.getTime()) return false;
  const start = ukWallClock(startsAt);
  const lastMinute = ukWallClock(new Date(endsAt.getTime() - 1));
  if (start.date !== lastMinute.date) return false;
  const endMinutes = start.minutes + Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000);
  return (provider.openingHours[weekdayOf(start.date)] ?? []).some(
    (p) => minutesOf(p.opens) <= start.minutes && endMinutes <= minutesOf(p.closes),
  );
}

/** Describes a provider's opening hours (or other hours of its, e.g. its phone cover) on a day, e.g. "tue 09:00-17:00, 17:30-20:00" (for messages). */
export function describeHours(provider: Provider, date: string, hours: Provider['openingHours'] = provider.openingHours): string {
  const day = weekdayOf(date);
  const periods = hours[day] ?? [];
  return `${day} ${periods.length ? periods.map((p) => `${p.opens}-${p.closes}`).join(', ') : 'closed'}`;
}

/**
 * The start of each of `count` sessions, `intervalDays` apart, at the same UK wall-clock time
 * as the first (so a 18:00 course stays at 18:00 across a GMT/BST change).
 */
export function sessionStarts(first: Date, count: number, intervalDays: number): Date[] {
  const { date, time } = ukWallClock(first);
  return Array.from({ length: count }, (_, i) => (i === 0 ? first : ukWallTime(addDays(date, i * intervalDays), time)));
}

/** Local dates from `from` to `to` inclusive (YYYY-MM-DD). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
