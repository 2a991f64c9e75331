import { HEADERS } from '@ddp/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { databaseFailure } from '../errors/database-errors';
import { describeErrorSafely } from '../errors/errors';

/** A message that failed, and how, as its dead letter will tell it. */
export interface Failure {
  message: KafkaMessage;
  error: unknown;
  attempts: number;
  /** dlq-reason: 'contract-violation', or deadLetterReason's. */
  reason: string;
}

/**
 * The dlq-reason of a message that failed in its handler: 'database-refused' for data
 * PostgreSQL will never store (its SQLSTATE is in dlq-error), 'rejected' for another
 * permanent refusal, and 'retries-exhausted' for a failure that outlasted its attempts.
 */
export function deadLetterReason(error: unknown, permanent: boolean): string {
  if (!permanent) return 'retries-exhausted';
  return databaseFailure(error) === 'permanent' ? 'database-refused' : 'rejected';
}

/**
 * The dead letter of a failed message: its key, value and headers as they came, and where
 * it came from, who gave up on it, when and why. The error is told without the data it
 * refused (describeErrorSafely).
 */
export function deadLetterOf(failure: Failure, from: { consumer: string; topic: string; partition: number; failedAt: Date }): Message {
  const { message, error, attempts, reason } = failure;
  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [HEADERS.dlqReason]: reason,
    [HEADERS.dlqError]: describeErrorSafely(error).slice(0, 2000),
    [HEADERS.dlqAttempts]: String(attempts),
    [HEADERS.dlqConsumer]: from.consumer,
    [HEADERS.dlqOriginalTopic]: from.topic,
    [HEADERS.dlqOriginalPartition]: String(from.partition),
    [HEADERS.dlqOriginalOffset]: message.offset,
    [HEADERS.dlqFailedAt]: from.failedAt.toISOString(),
  };
  return { key: message.key?.toString() ?? null, value: message.value, headers };
}
