import { parseReminderOffsets } from './reminder-offsets';

describe('reminder offsets', () => {
  it('parses a list, longest first', () => {
    expect(parseReminderOffsets('2h, 24h,30m')).toEqual([
      { label: '24h', ms: 86_400_000 },
      { label: '2h', ms: 7_200_000 },
      { label: '30m', ms: 1_800_000 },
    ]);
    expect(parseReminderOffsets('1d')).toEqual([{ label: '1d', ms: 86_400_000 }]);
    expect(parseReminderOffsets('none')).toEqual([]);
  });

  it('refuses what it cannot read', () => {
    expect(() => parseReminderOffsets('24 hours')).toThrow(/24 hours/);
    expect(() => parseReminderOffsets('0h')).toThrow();
    expect(() => parseReminderOffsets('24h,1d')).toThrow(/distinct/);
  });
});
