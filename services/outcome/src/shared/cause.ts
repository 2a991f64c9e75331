import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ddp/contracts';
import { SYSTEM_ACTOR } from './db';

/** What caused a change: an event, the window job or a request. Carried into history rows and events. */
export interface Cause {
  correlationId: string;
  /** The event that caused it (envelope causationId of what is published); null for requests. */
  causationId: string | null;
  /** Event type, 'review-window' or 'http:<action>'. */
  type: string;
  id: string | null;
  /** Who: the producer of the event, the service itself, or the person named in a request. */
  by: string;
}

export const causeOfEvent = (e: EventEnvelope): Cause => ({
  correlationId: e.correlationId,
  causationId: e.eventId,
  type: e.eventType,
  id: e.eventId,
  by: e.producer,
});

export const causeOfRequest = (action: string, by: string, correlationId?: string): Cause => ({
  correlationId: correlationId || randomUUID(),
  causationId: null,
  type: `http:${action}`,
  id: null,
  by,
});

export const causeOfJob = (reviewId: string, correlationId: string, triggerEventId: string): Cause => ({
  correlationId,
  causationId: triggerEventId,
  type: 'review-window',
  id: reviewId,
  by: SYSTEM_ACTOR,
});
