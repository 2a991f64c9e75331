import { DEAD_LETTER_TOPICS, TOPIC_PARTITIONS, TOPICS, type ProducerName } from '@ddp/contracts';

/**
 * Who may do what on the secured broker: one SCRAM user per service and per outside system,
 * and the ACLs that follow from it. The one table: infra/kafka/kafka.sh creates these users,
 * tools/kafka-security.ts applies these ACLs (and removes any other), and
 * tools/kafka-acls.spec.ts checks the services' consumers against it.
 */
export interface KafkaPrincipal {
  /** The SCRAM user name; the Kafka principal is `User:<name>`. */
  name: string;
  /** Topics it produces to (Write). */
  writes: string[];
  /** Topics it consumes (Read). */
  reads: string[];
  /**
   * Consumer groups it may join: every group whose id starts with this (a service's group
   * id plus KAFKA_GROUP_SUFFIX, an outside system's own groups).
   */
  groupPrefix?: string;
  /** Topics it may only see (metadata: partitions, leaders), never read or write. */
  describes: string[];
  why: string;
}

/** The administrator: a super user (topics, ACLs, users). Used by the scripts only. */
export const KAFKA_ADMIN = 'ddp-admin';

/** The topic each service publishes its events to (the outbox relay) and the events' producer name. */
export const SERVICE_TOPICS: Record<ProducerName, string> = {
  referral: TOPICS.referral,
  'provider-scheduling': TOPICS.scheduling,
  outcome: TOPICS.outcome,
  notification: TOPICS.notification,
};

/** What each service consumes, with its group and its dead-letter topic (its ServiceDefinition's `consumer`). */
export const SERVICE_CONSUMERS: Record<ProducerName, { groupId: string; deadLetterTopic: string; topics: string[] }> = {
  referral: { groupId: 'referral-service', deadLetterTopic: DEAD_LETTER_TOPICS.referral, topics: [TOPICS.policeEncounters, TOPICS.scheduling, TOPICS.outcome] },
  'provider-scheduling': { groupId: 'provider-scheduling-service', deadLetterTopic: DEAD_LETTER_TOPICS.providerScheduling, topics: [TOPICS.referral, TOPICS.outcome] },
  outcome: { groupId: 'outcome-service', deadLetterTopic: DEAD_LETTER_TOPICS.outcome, topics: [TOPICS.referral, TOPICS.scheduling, TOPICS.notification] },
  notification: { groupId: 'notification-service', deadLetterTopic: DEAD_LETTER_TOPICS.notification, topics: [TOPICS.referral, TOPICS.scheduling, TOPICS.outcome] },
};

const ALL_TOPICS = Object.keys(TOPIC_PARTITIONS);

/**
 * A service sees every platform topic's metadata: at boot it checks that all of them
 * exist (ensureTopics), and a topic it may not describe would look missing to it.
 */
const servicePrincipals: KafkaPrincipal[] = (Object.keys(SERVICE_TOPICS) as ProducerName[]).map((service) => ({
  name: service,
  writes: [SERVICE_TOPICS[service], SERVICE_CONSUMERS[service].deadLetterTopic],
  reads: SERVICE_CONSUMERS[service].topics,
  groupPrefix: SERVICE_CONSUMERS[service].groupId,
  describes: ALL_TOPICS,
  why: `the ${service} service: publishes its events and its dead letters, consumes what its handlers need`,
}));

/**
 * Outside systems. Police systems report encounters (DOMAIN.md: "police systems emit
 * encounters"). Providers and the courts unit hear from the platform through the
 * notification service today; the read access below is a configuration default for when
 * they consume directly: appointments (scheduling) and summons requests (outcome).
 */
const outsidePrincipals: KafkaPrincipal[] = [
  { name: 'police-systems', writes: [TOPICS.policeEncounters], reads: [], describes: [], why: 'police systems: report encounters, nothing else' },
  { name: 'provider-systems', writes: [], reads: [TOPICS.scheduling], groupPrefix: 'provider-systems', describes: [], why: 'providers: read their appointments (configuration default)' },
  { name: 'courts-systems', writes: [], reads: [TOPICS.outcome], groupPrefix: 'courts-systems', describes: [], why: 'the courts unit: read summons requests (configuration default)' },
];

export const KAFKA_PRINCIPALS: readonly KafkaPrincipal[] = [...servicePrincipals, ...outsidePrincipals];

/** One ACL binding, in the terms of Kafka's CreateAcls (all ALLOW, from any host). */
export interface KafkaAcl {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
  operation: 'READ' | 'WRITE' | 'DESCRIBE';
}

/** Every ACL of the table, sorted, without duplicates (Read and Write imply Describe). */
export function kafkaAcls(principals: readonly KafkaPrincipal[] = KAFKA_PRINCIPALS): KafkaAcl[] {
  const acls = new Map<string, KafkaAcl>();
  const add = (acl: KafkaAcl) => acls.set(aclKey(acl), acl);
  for (const p of principals) {
    const principal = `User:${p.name}`;
    for (const topic of p.writes) add({ principal, resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', operation: 'WRITE' });
    for (const topic of p.reads) add({ principal, resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', operation: 'READ' });
    for (const topic of p.describes) {
      if (!p.writes.includes(topic) && !p.reads.includes(topic)) add({ principal, resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', operation: 'DESCRIBE' });
    }
    if (p.groupPrefix) add({ principal, resourceType: 'GROUP', resourceName: p.groupPrefix, patternType: 'PREFIXED', operation: 'READ' });
  }
  return [...acls.values()].sort((a, b) => aclKey(a).localeCompare(aclKey(b)));
}

export function aclKey(acl: KafkaAcl): string {
  return [acl.principal, acl.resourceType, acl.patternType, acl.resourceName, acl.operation].join(' ');
}
