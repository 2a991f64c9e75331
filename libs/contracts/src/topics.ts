/**
 * Every Kafka topic of the platform, with its partition count. The topic name carries
 * the contract's major version; the Kafka key of every diversion topic is the referral
 * id, so all events of one referral stay in order on one partition.
 */
export const TOPICS = {
  /** Inbound from police systems; key = encounterId; value = the encounter JSON. */
  policeEncounters: 'police.encounters.v1',
  referral: 'diversion.referral.v1',
  scheduling: 'diversion.scheduling.v1',
  outcome: 'diversion.outcome.v1',
  notification: 'diversion.notification.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Each consuming service owns one dead-letter topic: what it could not process, with
 * the error, the attempts and the original headers. Replays are that service's call.
 */
export const DEAD_LETTER_TOPICS = {
  referral: 'dlq.referral.v1',
  providerScheduling: 'dlq.provider-scheduling.v1',
  outcome: 'dlq.outcome.v1',
  notification: 'dlq.notification.v1',
} as const;

export type DeadLetterTopicName = (typeof DEAD_LETTER_TOPICS)[keyof typeof DEAD_LETTER_TOPICS];

/** Partition counts: 6 lets up to 6 replicas of a service share a topic's load. */
export const TOPIC_PARTITIONS: Record<TopicName | DeadLetterTopicName, number> = {
  'police.encounters.v1': 6,
  'diversion.referral.v1': 6,
  'diversion.scheduling.v1': 6,
  'diversion.outcome.v1': 6,
  'diversion.notification.v1': 6,
  'dlq.referral.v1': 1,
  'dlq.provider-scheduling.v1': 1,
  'dlq.outcome.v1': 1,
  'dlq.notification.v1': 1,
};

/** Kafka header names used by the platform. */
export const HEADERS = {
  eventType: 'event-type',
  eventVersion: 'event-version',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  dlqError: 'dlq-error',
  dlqReason: 'dlq-reason',
  dlqAttempts: 'dlq-attempts',
  dlqConsumer: 'dlq-consumer',
  dlqOriginalTopic: 'dlq-original-topic',
  dlqOriginalPartition: 'dlq-original-partition',
  dlqOriginalOffset: 'dlq-original-offset',
  dlqFailedAt: 'dlq-failed-at',
} as const;
