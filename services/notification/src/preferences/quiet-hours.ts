import { ukOffsetMs } from '@ddp/domain';

/** Quiet hours in Europe/London wall-clock minutes since midnight; start > end crosses midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `21:00-08:00` → the window; `off` (or empty) → null. Throws on anything else. */
export function parseQuietHours(text: string): QuietHours | null {
  const value = text.trim();
  if (value === '' || value === 'off') return null;
  const [from, to, extra] = value.split('-');
  const a = HHMM.exec(from ?? '');
  const b = HHMM.exec(to ?? '');
  if (!a || !b || extra !== undefined) throw new RangeError(`quiet hours must be HH:MM-HH:MM or off, got ${JSON.stringify(text)}`);
  const startMinute = Number(a[1]) * 60 + Number(a[2]);
  const endMinute = Number(b[1]) * 60 + Number(b[2]);
  if (startMinute === endMinute) throw new RangeError('quiet hours must not start and end at the same minute');
  return { startMinute, endMinute };
}

interface LondonWall {
  year: number;
  month: number;
  day: number;
  minute: number;
}

function londonWall(at: Date): LondonWall {
  const wall = new Date(at.getTime() + ukOffsetMs(at));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth(), day: wall.getUTCDate(), minute: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** The instant of a Europe/London wall-clock time (GMT or BST as in force then). */
function londonInstant(year: number, month: number, day: number, minuteOfDay: number): Date {
  const wall = Date.UTC(year, month, day, 0, minuteOfDay);
  let t = wall - ukOffsetMs(new Date(wall));
  t = wall - ukOffsetMs(new Date(t));
  return new Date(t);
}

/**
 * When `at` falls inside quiet hours, the instant they end (UK local time); otherwise
 * null. An SMS due inside quiet hours is held until then.
 */
export function endOfQuietHours(at: Date, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const { year, month, day, minute } = londonWall(at);
  const { startMinute, endMinute } = quiet;
  const crossesMidnight = startMinute > endMinute;
  const inside = crossesMidnight ? minute >= startMinute || minute < endMinute : minute >= startMinute && minute < endMinute;
  if (!inside) return null;
  // Ends later the same local day, unless we are in the evening part of a window that crosses midnight.
  const endsTomorrow = crossesMidnight && minute >= startMinute;
  const end = londonInstant(year, month, day + (endsTomorrow ? 1 : 0), endMinute);
  return end;
}
