import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/**
 * The one envelope every platform event travels in. `key` is the referral id and is
 * also the Kafka message key; `eventType` is also sent as a Kafka header so consumers
 * can route without parsing the body.
 */
export interface EventEnvelope<TData = unknown, TType extends string = string> {
  eventId: string;
  eventType: TType;
  eventVersion: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  key: string;
  data: TData;
}

export const PRODUCERS = ['referral', 'provider-scheduling', 'outcome', 'notification'] as const;
export type ProducerName = (typeof PRODUCERS)[number];

/** class-validator rules of the envelope itself (the data is checked per event type). */
export class EnvelopeShape implements Omit<EventEnvelope, 'data'> {
  @IsUUID() eventId: string;
  @IsString() @IsNotEmpty() @MaxLength(100) eventType: string;
  @IsInt() @Min(1) @Max(1000) eventVersion: number;
  @IsISO8601({ strict: true }) occurredAt: string;
  @IsString() @IsNotEmpty() @MaxLength(100) correlationId: string;
  @IsOptional() @IsString() @MaxLength(100) causationId: string | null;
  @IsIn(PRODUCERS) producer: string;
  @IsString() @IsNotEmpty() @MaxLength(100) key: string;
  @IsObject() data: unknown;
}
