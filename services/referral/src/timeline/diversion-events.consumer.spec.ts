import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { DiversionEventsConsumer } from './diversion-events.consumer';
import { TIMELINE_EVENT_TYPES } from './event-descriptions';

describe('DiversionEventsConsumer', () => {
  it('has a handler for every event type the timeline describes (others would be skipped silently)', () => {
    const prototype = DiversionEventsConsumer.prototype as unknown as Record<string, object>;
    const patterns = Object.getOwnPropertyNames(prototype)
      .flatMap((name) => (Reflect.getMetadata(PATTERN_METADATA, prototype[name]) as string[] | undefined) ?? []);
    expect([...patterns].sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
  });
});
