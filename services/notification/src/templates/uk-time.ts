const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
});

/** `2026-11-24T18:00:00Z` → `Tuesday 24 November 2026 at 6:00pm` (UK local time). */
export function formatUkDateTime(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  const p: Record<string, string> = {};
  for (const part of LONDON_PARTS.formatToParts(date)) p[part.type] = part.value;
  const dayPeriod = (p.dayPeriod ?? '').toLowerCase().replace(/\s|\./g, '');
  return `${p.weekday} ${p.day} ${p.month} ${p.year} at ${p.hour}:${p.minute}${dayPeriod}`;
}
