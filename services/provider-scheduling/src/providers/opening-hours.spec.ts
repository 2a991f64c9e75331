import { PROVIDERS, type Provider } from '@ddp/domain';
import { assessmentSlotsOn, describeHours, fitsOpeningHours, sessionStarts, ukWallClock, ukWallTime, weekdayOf, weekStartOf } from './opening-hours';

const provider = (id: string): Provider => PROVIDERS.find((p) => p.id === id)!;
const druglink = provider('druglink');
const readingYouth = provider('reading-youth-substance-misuse-service');
const iso = (d: Date) => d.toISOString();

describe('opening hours (Europe/London wall-clock time)', () => {
  it('turns a UK wall-clock time into the right instant in GMT and in BST', () => {
    expect(iso(ukWallTime('2030-01-08', '18:00'))).toBe('2030-01-08T18:00:00.000Z');
    expect(iso(ukWallTime('2030-07-09', '18:00'))).toBe('2030-07-09T17:00:00.000Z');
    // The Sunday the clocks go forward (31 March 2030): 09:00 is already BST.
    expect(iso(ukWallTime('2030-03-31', '09:00'))).toBe('2030-03-31T08:00:00.000Z');
    expect(ukWallClock(new Date('2030-07-09T17:00:00Z'))).toEqual({ date: '2030-07-09', time: '18:00', minutes: 18 * 60 });
  });

  it('knows weekdays and the Monday a week starts on', () => {
    expect(weekdayOf('2030-01-07')).toBe('mon');
    expect(weekdayOf('2030-01-12')).toBe('sat');
    expect(weekStartOf('2030-01-13')).toBe('2030-01-07'); // Sunday → the Monday before
    expect(weekStartOf('2030-01-07')).toBe('2030-01-07');
  });

  it('cuts opening periods into assessment slots, evenings included', () => {
    const tuesday = assessmentSlotsOn(druglink, '2030-01-08');
    expect(tuesday).toHaveLength(16 + 5); // 09:00-17:00 and 17:30-20:00 in 30-minute slots
    expect(iso(tuesday[0].startsAt)).toBe('2030-01-08T09:00:00.000Z');
    expect(iso(tuesday[16].startsAt)).toBe('2030-01-08T17:30:00.000Z');
    expect(iso(tuesday[20].endsAt)).toBe('2030-01-08T20:00:00.000Z');
    expect(assessmentSlotsOn(druglink, '2030-01-12')).toEqual([]); // Saturday: closed
    const saturday = assessmentSlotsOn(readingYouth, '2030-01-12');
    expect(saturday.map((s) => ukWallClock(s.startsAt).time)).toEqual(['10:00', '10:30', '11:00', '11:30', '12:00', '12:30']);
    // In BST the same wall-clock slots are an hour earlier in UTC.
    expect(iso(assessmentSlotsOn(druglink, '2030-07-09')[0].startsAt)).toBe('2030-07-09T08:00:00.000Z');
  });

  it('checks that a session fits inside one opening period', () => {
    expect(fitsOpeningHours(druglink, new Date('2030-01-14T10:00:00Z'), new Date('2030-01-14T13:00:00Z'))).toBe(true);
    expect(fitsOpeningHours(druglink, new Date('2030-01-14T15:00:00Z'), new Date('2030-01-14T18:00:00Z'))).toBe(false); // past 17:00
    expect(fitsOpeningHours(druglink, new Date('2030-01-15T17:30:00Z'), new Date('2030-01-15T20:00:00Z'))).toBe(true); // Tuesday evening
    expect(fitsOpeningHours(druglink, new Date('2030-01-15T16:30:00Z'), new Date('2030-01-15T17:45:00Z'))).toBe(false); // across the break
    expect(fitsOpeningHours(druglink, new Date('2030-01-19T10:00:00Z'), new Date('2030-01-19T11:00:00Z'))).toBe(false); // Saturday
    expect(describeHours(druglink, '2030-01-15')).toBe('tue 09:00-17:00, 17:30-20:00');
  });

  it('keeps weekly sessions at the same UK wall-clock time across the change to BST', () => {
    const starts = sessionStarts(new Date('2030-03-19T18:00:00Z'), 3, 7); // Tuesdays 18:00
    expect(starts.map(iso)).toEqual(['2030-03-19T18:00:00.000Z', '2030-03-26T18:00:00.000Z', '2030-04-02T17:00:00.000Z']);
  });
});
