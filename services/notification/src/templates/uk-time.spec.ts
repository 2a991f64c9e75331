import { formatUkDateTime } from './uk-time';

describe('UK local date and time in messages', () => {
  it('writes GMT and BST times as people read them', () => {
    expect(formatUkDateTime('2026-11-24T18:00:00Z')).toBe('Tuesday 24 November 2026 at 6:00pm');
    expect(formatUkDateTime('2026-07-01T08:30:00Z')).toBe('Wednesday 1 July 2026 at 9:30am');
    expect(formatUkDateTime(new Date('2026-07-01T11:05:00Z'))).toBe('Wednesday 1 July 2026 at 12:05pm');
  });
});
