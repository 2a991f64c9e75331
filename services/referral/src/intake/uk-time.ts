/** Plain UK-local wording of instants, for answers read out by officers and timelines. */
import { MONTH_NAMES, WEEKDAY_NAMES, ukWallClock } from '@ddp/domain';

// Names instead of Intl formatting per call: intake words every answer and timeline line.

// As en-GB abbreviates them (September is "Sept"), so timelines read as they did.
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** "Saturday 21 November 2026". */
export function ukDay(at: Date): string {
  const c = ukWallClock(at);
  return `${WEEKDAY_NAMES[c.weekday]} ${c.day} ${MONTH_NAMES[c.month - 1]} ${c.year}`;
}

/** "18:30" (Europe/London, GMT or BST). */
export function ukClockTime(at: Date): string {
  const c = ukWallClock(at);
  return `${two(c.hour)}:${two(c.minute)}`;
}

/** "Sat 21 Nov 2026, 18:30": compact, for timeline lines. */
export function ukShortDateTime(at: Date): string {
  const c = ukWallClock(at);
  return `${WEEKDAY_NAMES[c.weekday].slice(0, 3)} ${c.day} ${SHORT_MONTHS[c.month - 1]} ${c.year}, ${two(c.hour)}:${two(c.minute)}`;
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
