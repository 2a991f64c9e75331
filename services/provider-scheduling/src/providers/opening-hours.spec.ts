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

  it('cuts the phone assessment cover into assessment slots, every day of the week, evenings included', () => {
    const tuesday = assessmentSlotsOn(druglink, '2030-01-08');
    expect(tuesday).toHaveLength(26); // 08:00-21:00 in 30-minute slots
    expect(iso(tuesday[0].startsAt)).toBe('2030-01-08T08:00:00.000Z');
    expect(iso(tuesday[25].endsAt)).toBe('2030-01-08T21:00:00.000Z');
    // Saturday and Sunday too, though the service itself is closed then (course sessions follow openingHours).
    for (const weekend of ['2030-01-12', '2030-01-13']) {
      expect(assessmentSlotsOn(druglink, weekend)).toHaveLength(26);
      expect(assessmentSlotsOn(readingYouth, weekend)).toHaveLength(26);
    }
    expect(fitsOpeningHours(druglink, new Date('2030-01-12T10:00:00Z'), new Date('2030-01-12T11:00:00Z'))).toBe(false);
    // In BST the same wall-clock slots are an hour earlier in UTC.
    expect(iso(assessmentSlotsOn(druglink, '2030-07-09')[0].startsAt)).toBe('2030-07-09T07:00:00.000Z');
  });

  it('keeps the promise "on that day or that day after" (seed 003) for an encounter at any hour of any day', () => {
    for (const provider of PROVIDERS) {
      for (let hour = 0; hour < 7 * 24; hour++) {
        const encounter = new Date(Date.parse('2030-01-07T00:00:00Z') + hour * 3_600_000 + 59 * 60_000);
        const today = ukWallClock(encounter).date;
        const tomorrow = ukWallClock(new Date(encounter.getTime() + 86_400_000)).date;
        const slots = [...assessmentSlotsOn(provider, today), ...assessmentSlotsOn(provider, tomorrow)];
        expect([provider.id, slots.some((s) => s.startsAt.getTime() >= encounter.getTime() + 15 * 60_000)]).toEqual([provider.id, true]);
      }
    }
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
