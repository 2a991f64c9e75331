/** Plain UK-local wording of instants, for answers read out by officers and timelines. */

const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function dayText(at: Date, format: Intl.DateTimeFormat): string {
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

/** "Saturday 21 November 2026". */
export function ukDay(at: Date): string {
  return dayText(at, DAY);
}

/** "18:30" (Europe/London, GMT or BST). */
export function ukClockTime(at: Date): string {
  return TIME.format(at);
}

/** "Sat 21 Nov 2026, 18:30": compact, for timeline lines. */
export function ukShortDateTime(at: Date): string {
  return `${dayText(at, SHORT_DAY)}, ${ukClockTime(at)}`;
}

/** True when the instant is the last minute of its UK day (a deadline at "end of day"). */
export function isEndOfUkDay(at: Date): boolean {
  return ukClockTime(at) === '23:59';
}

/**
 * How a deadline is said: "by the end of Saturday 21 November 2026" for end-of-day
 * deadlines (every scheme's assessment deadline), otherwise "by 18:30 on Saturday 21 November 2026".
 */
export function byDeadline(at: Date): string {
  return isEndOfUkDay(at) ? `by the end of ${ukDay(at)}` : `by ${ukClockTime(at)} on ${ukDay(at)}`;
}
