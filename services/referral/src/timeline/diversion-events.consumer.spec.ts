import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { DiversionEventsConsumer } from './diversion-events.consumer';
import { TIMELINE_EVENT_TYPES } from './event-descriptions';

describe('DiversionEventsConsumer', () => {
  it('has a handler for every event type the timeline describes (others would be skipped silently)', () => {
    const prototype = DiversionEventsConsumer.prototype as unknown as Record<string, object>;
    const patterns = Object.getOwnPropertyNames(prototype)
      .flatMap((name) => (Reflect.getMetadata(PATTERN_METADATA, prototype[name]) as string[] | undefined) ?? []);
    const single = patterns.filter((p) => !p.endsWith('[]'));
    expect([...single].sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
    // A batch handler needs its single-event one too: retries and fallbacks take events one by one.
    const batched = patterns.filter((p) => p.endsWith('[]')).map((p) => p.slice(0, -2));
    expect(batched.length).toBeGreaterThan(0);
    expect(batched.every((type) => single.includes(type))).toBe(true);
  });
});
