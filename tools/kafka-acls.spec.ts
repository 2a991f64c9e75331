import { DEAD_LETTER_TOPICS, EVENT_DEFINITIONS, PRODUCERS, TOPIC_PARTITIONS, TOPICS } from '@ddp/contracts';
import { KAFKA_PRINCIPALS, kafkaAcls, SERVICE_CONSUMERS, SERVICE_TOPICS, type ServiceDefinition } from '@ddp/platform';
import { notificationService } from '../services/notification/src/notification.service-definition';
import { outcomeService } from '../services/outcome/src/outcome.service-definition';
import { providerSchedulingService } from '../services/provider-scheduling/src/provider-scheduling.service-definition';
import { referralService } from '../services/referral/src/referral.service-definition';

// The secured broker's table (libs/platform/src/kafka/kafka-acls.ts) against the facts it is
// drawn from: the services' own consumer definitions and the contracts' topics and events.
const env = { PORT: '0', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_acl_check', INTERNAL_API_TOKEN: 'a-long-internal-token' };
const DEFINITIONS: Record<(typeof PRODUCERS)[number], () => ServiceDefinition> = {
  referral: () => referralService(env),
  'provider-scheduling': () => providerSchedulingService(env),
  outcome: () => outcomeService(env),
  notification: () => notificationService(env),
};

describe('Kafka principals and ACLs (the table against the services and the contracts)', () => {
  it.each(PRODUCERS)('%s: its group, dead-letter topic and subscriptions are the ones the table grants', (service) => {
    const consumer = DEFINITIONS[service]().consumer!;
    expect({ groupId: consumer.groupId, deadLetterTopic: consumer.deadLetterTopic, topics: consumer.subscriptions.map((s) => s.topic).sort() })
      .toEqual({ ...SERVICE_CONSUMERS[service], topics: [...SERVICE_CONSUMERS[service].topics].sort() });
  });

  it('gives each topic of the contracts exactly one writer, and each event topic a service', () => {
    expect(Object.values(SERVICE_TOPICS).sort()).toEqual([...new Set(EVENT_DEFINITIONS.map((d) => d.topic))].sort());
    for (const topic of Object.keys(TOPIC_PARTITIONS)) {
      const writers = KAFKA_PRINCIPALS.filter((p) => p.writes.includes(topic)).map((p) => p.name);
      expect({ topic, writers: writers.length }).toEqual({ topic, writers: 1 });
    }
  });

  it('lets police systems write encounters only, and read nothing', () => {
    expect(KAFKA_PRINCIPALS.find((p) => p.name === 'police-systems')).toMatchObject({ writes: [TOPICS.policeEncounters], reads: [], describes: [] });
    expect(KAFKA_PRINCIPALS.find((p) => p.name === 'police-systems')!.groupPrefix).toBeUndefined();
  });

  it('lets each service write its own topic and its own dead letters, nothing else', () => {
    for (const service of PRODUCERS) {
      expect(KAFKA_PRINCIPALS.find((p) => p.name === service)!.writes).toEqual([SERVICE_TOPICS[service], SERVICE_CONSUMERS[service].deadLetterTopic]);
    }
    expect(Object.values(SERVICE_CONSUMERS).map((c) => c.deadLetterTopic).sort()).toEqual(Object.values(DEAD_LETTER_TOPICS).sort());
  });

  it('grants no dead letters and no encounters to anyone but their writer', () => {
    const readers = (topic: string) => KAFKA_PRINCIPALS.filter((p) => p.reads.includes(topic)).map((p) => p.name);
    for (const topic of Object.values(DEAD_LETTER_TOPICS)) expect(readers(topic)).toEqual([]);
    expect(readers(TOPICS.policeEncounters)).toEqual(['referral']);
  });

  it('turns the table into ALLOW bindings without duplicates, groups by prefix', () => {
    const acls = kafkaAcls();
    expect(new Set(acls.map((a) => JSON.stringify(a))).size).toBe(acls.length);
    expect(acls).toContainEqual({ principal: 'User:referral', resourceType: 'GROUP', resourceName: 'referral-service', patternType: 'PREFIXED', operation: 'READ' });
    expect(acls).toContainEqual({ principal: 'User:police-systems', resourceType: 'TOPIC', resourceName: TOPICS.policeEncounters, patternType: 'LITERAL', operation: 'WRITE' });
    expect(acls.filter((a) => a.principal === 'User:police-systems')).toHaveLength(1);
  });
});
