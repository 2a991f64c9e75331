/** One reminder before an appointment: `24h` → 24 hours before it starts. */
export interface ReminderOffset {
  /** As written in REMINDER_OFFSETS, e.g. `24h`; part of the notification id. */
  label: string;
  ms: number;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const OFFSET = /^(\d{1,4})(m|h|d)$/;

/** `24h,2h` → offsets, longest first. Throws naming the bad entry. */
export function parseReminderOffsets(text: string): ReminderOffset[] {
  const value = text.trim();
  if (value === '' || value === 'none') return [];
  const offsets = value.split(',').map((raw) => {
    const label = raw.trim();
    const m = OFFSET.exec(label);
    if (!m || Number(m[1]) === 0) throw new RangeError(`reminder offset ${JSON.stringify(label)} must be a positive number of m, h or d, e.g. 24h`);
    return { label, ms: Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] };
  });
  const labels = new Set(offsets.map((o) => o.ms));
  if (labels.size !== offsets.length) throw new RangeError('reminder offsets must be distinct');
  return offsets.sort((a, b) => b.ms - a.ms);
}
