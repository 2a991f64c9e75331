import { MONTH_NAMES, WEEKDAY_NAMES, ukWallClock } from '@ddp/domain';

// Names instead of Intl formatting per call (every message with an appointment uses it).

/** `2026-11-24T18:00:00Z` → `Tuesday 24 November 2026 at 6:00pm` (UK local time). */
export function formatUkDateTime(at: Date | string): string {
  const c = ukWallClock(typeof at === 'string' ? new Date(at) : at);
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  return `${WEEKDAY_NAMES[c.weekday]} ${c.day} ${MONTH_NAMES[c.month - 1]} ${c.year} at ${hour12}:${String(c.minute).padStart(2, '0')}${c.hour < 12 ? 'am' : 'pm'}`;
}
