import { assessAttendance, eventForAttendance, showCauseDeadline } from './compliance';
import { schemeById } from './schemes';
import type { Scheme } from './types';

const youth = schemeById('thames-valley-youth-diversion') as Scheme; // tolerance 1
const druglink = schemeById('thames-valley-adult-diversion-druglink') as Scheme; // tolerance 0

describe('assessAttendance', () => {
  it.each([
    ['attended', undefined, 0, youth, false, 'none'],
    ['late', undefined, 3, druglink, false, 'none'],
    ['did-not-attend', 'acceptable', 0, druglink, false, 'rebook'],
    ['did-not-attend', 'acceptable', 9, druglink, false, 'rebook'],
    ['did-not-attend', 'logistics', 9, youth, false, 'rebook'],
    ['did-not-attend', 'unacceptable', 0, druglink, true, 'open-review'],
    ['did-not-attend', 'unacceptable', 0, youth, true, 'rebook'],
    ['did-not-attend', 'unacceptable', 1, youth, true, 'open-review'],
    // No class recorded (nothing recorded at all, or an unclassified mark): never a failure; the provider is asked.
    ['did-not-attend', undefined, 0, druglink, false, 'ask-provider'],
    ['did-not-attend', undefined, 5, youth, false, 'ask-provider'],
  ] as const)('%s (%s) after %i failures under %s', (mark, absenceClass, prior, scheme, countsAsFailure, action) => {
    expect(assessAttendance(mark, absenceClass, prior, scheme)).toEqual({ countsAsFailure, action });
  });

  it('refuses a nonsensical failure count', () => {
    expect(() => assessAttendance('attended', undefined, -1, youth)).toThrow(RangeError);
    expect(() => assessAttendance('attended', undefined, 1.5, youth)).toThrow(/non-negative integer/);
  });

  it('maps the action to a lifecycle event', () => {
    expect(eventForAttendance({ countsAsFailure: false, action: 'rebook' })).toEqual({ type: 'rebooked' });
    expect(eventForAttendance({ countsAsFailure: true, action: 'open-review' })).toEqual({ type: 'review-opened' });
    expect(eventForAttendance({ countsAsFailure: false, action: 'none' })).toBeUndefined();
    expect(eventForAttendance({ countsAsFailure: false, action: 'ask-provider' })).toBeUndefined();
  });
});

describe('showCauseDeadline', () => {
  it('adds the scheme window in hours (elapsed time, across clock changes)', () => {
    expect(showCauseDeadline(new Date('2022-03-24T10:00:00Z'), youth).toISOString()).toBe('2022-03-31T10:00:00.000Z');
    expect(showCauseDeadline(new Date('2022-01-01T10:00:00Z'), { ...youth, showCauseWindowHours: 48 }).toISOString()).toBe('2022-01-03T10:00:00.000Z');
    expect(() => showCauseDeadline(new Date(NaN), youth)).toThrow(/openedAt/);
  });
});
