import { randomUUID } from 'node:crypto';
import { EnvelopeShape, type EventEnvelope, type ProducerName } from './envelope';
import type { DataOf, EventDefinition } from './events/define';
import { DiversionRefused, ReferralCreated, ReferralDeclined, ReferralWithdrawn } from './events/referral.events';
import {
  AppointmentRescheduled, AssessmentCompleted, AssessmentEscalated, AssessmentMissed, AssessmentScheduled, CourseBooked,
  CourseCompleted, CourseMissed, SessionAttended, AttendanceOverdue,
} from './events/scheduling.events';
import {
  ComplianceReviewClosed, ComplianceReviewOpened, CourtResultRecorded, DiversionCompleted, NoFurtherDiversion, RebookingRequested,
  SummonsRequested, SummonsRequestWithdrawn,
} from './events/outcome.events';
import { NotificationDeliveryReported, NotificationFailed, NotificationSent } from './events/notification.events';
import { describeJsonSyntaxError } from './json-safety';
import { ContractViolation, validateAs } from './validation';

/** Every event type of the platform. A type missing here cannot be produced or consumed. */
export const EVENT_DEFINITIONS = [
  ReferralCreated, ReferralDeclined, DiversionRefused, ReferralWithdrawn,
  AssessmentScheduled, AssessmentEscalated, AssessmentCompleted, AssessmentMissed, CourseBooked, SessionAttended,
  CourseMissed, CourseCompleted, AppointmentRescheduled, AttendanceOverdue,
  DiversionCompleted, ComplianceReviewOpened, ComplianceReviewClosed, RebookingRequested, SummonsRequested,
  NoFurtherDiversion, SummonsRequestWithdrawn, CourtResultRecorded,
  NotificationSent, NotificationFailed, NotificationDeliveryReported,
] as const;

export type AnyEventDefinition = (typeof EVENT_DEFINITIONS)[number];
export type EventTypeName = AnyEventDefinition['type'];

const byTypeAndVersion = new Map<string, EventDefinition>(
  EVENT_DEFINITIONS.map((d) => [`${d.type}@${d.version}`, d as EventDefinition]),
);

export function findEventDefinition(type: string, version: number): EventDefinition | undefined {
  return byTypeAndVersion.get(`${type}@${version}`);
}

export interface EnvelopeMeta {
  producer: ProducerName;
  /** Kafka key: the referral id. */
  key: string;
  correlationId: string;
  causationId?: string | null;
  occurredAt: Date;
  eventId?: string;
}

/**
 * Builds an envelope for `definition`, validating the data on the way out: an event
 * that breaks its contract is refused here, before it reaches the outbox.
 */
export function createEnvelope<D extends EventDefinition>(definition: D, data: DataOf<D>, meta: EnvelopeMeta): EventEnvelope<DataOf<D>, D['type']> {
  const envelope = {
    eventId: meta.eventId ?? randomUUID(),
    eventType: definition.type as D['type'],
    eventVersion: definition.version,
    occurredAt: meta.occurredAt.toISOString(),
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    producer: meta.producer,
    key: meta.key,
    data: JSON.parse(JSON.stringify(data)) as DataOf<D>,
  };
  parseEnvelope(envelope);
  return envelope;
}

/**
 * Validates an envelope received from anywhere (Kafka, a replay, a test): the envelope
 * shape, a known type and version, and the data against that type's class.
 * Returns the envelope with `data` as a validated instance; throws ContractViolation.
 */
export function parseEnvelope(raw: unknown): EventEnvelope {
  const shape = validateAs(EnvelopeShape, raw, 'event envelope');
  const definition = findEventDefinition(shape.eventType, shape.eventVersion);
  if (!definition) {
    throw new ContractViolation('event envelope', [
      { path: 'eventType', rule: 'knownEventType', message: `unknown event type ${shape.eventType} v${shape.eventVersion}` },
    ]);
  }
  const data = validateAs(definition.data, (raw as { data: unknown }).data, `${shape.eventType} v${shape.eventVersion}`, 'data');
  return { ...(raw as EventEnvelope), data };
}

/** Parses JSON bytes, turning a syntax error into a ContractViolation too. */
export function parseJson(bytes: Buffer | string | null | undefined, subject: string): unknown {
  if (bytes === null || bytes === undefined || bytes.length === 0) {
    throw new ContractViolation(subject, [{ path: '(root)', rule: 'isJson', message: 'message has no value' }]);
  }
  try {
    return JSON.parse(bytes.toString());
  } catch (error) {
    throw new ContractViolation(subject, [{ path: '(root)', rule: 'isJson', message: `message ${describeJsonSyntaxError(error)}` }]);
  }
}

/** A typed view of an envelope once its type is known. */
export function isEvent<D extends EventDefinition>(envelope: EventEnvelope, definition: D): envelope is EventEnvelope<DataOf<D>, D['type']> {
  return envelope.eventType === definition.type && envelope.eventVersion === definition.version;
}
