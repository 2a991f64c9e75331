import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TOPIC_PARTITIONS } from '@ddp/contracts';

// docker-compose.yml must describe the same stack as `npm start`: same Kafka version as
// infra/kafka/pom.xml, the same four services on the same ports and databases.
const root = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
const pom = readFileSync(path.join(root, 'infra/kafka/pom.xml'), 'utf8');

const SERVICES: Record<string, { port: number; database: string }> = {
  referral: { port: 3001, database: 'ddp_referral' },
  'provider-scheduling': { port: 3002, database: 'ddp_provider_scheduling' },
  outcome: { port: 3003, database: 'ddp_outcome' },
  notification: { port: 3004, database: 'ddp_notification' },
};

describe('docker-compose.yml describes the npm start stack', () => {
  it('runs the Kafka version the pom fetches, in KRaft mode with single-node internal topics', () => {
    const pomVersion = /<artifactId>kafka_2\.13<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom)?.[1];
    expect(pomVersion).toBe('3.9.1');
    expect(compose.services.kafka.image).toBe(`apache/kafka:${pomVersion}`);
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.kafka.environment.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(compose.services.kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it.each(Object.entries(SERVICES))('runs %s on its port with its own database', (name, expected) => {
    const service = compose.services[name];
    expect(service.environment.PORT).toBe(expected.port);
    expect(service.environment.DATABASE_URL).toBe(`postgres://postgres@postgres:5432/${expected.database}`);
    expect(service.ports).toEqual([`${expected.port}:${expected.port}`]);
    expect(service.build.args.SERVICE).toBe(name);
  });

  it('creates every service database in Postgres', () => {
    const init = readFileSync(path.join(root, 'infra/postgres/docker-init.sql'), 'utf8');
    const script = readFileSync(path.join(root, 'infra/postgres/create-databases.sh'), 'utf8');
    for (const { database } of Object.values(SERVICES)) {
      expect(init).toContain(`CREATE DATABASE ${database};`);
      // DATABASE_NAME_PREFIX (default ddp_) replaces the ddp_ of each name.
      expect(script).toContain(database.replace(/^ddp_/, '"${prefix}'));
    }
  });

  it('has Postgres, Redis and nothing else beside Kafka and the services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kafka', 'notification', 'outcome', 'postgres', 'provider-scheduling', 'redis', 'referral']);
    // Topics are created by the services at boot (ensureTopics), as tools/create-topics does here.
    expect(Object.keys(TOPIC_PARTITIONS).length).toBeGreaterThan(5);
  });
});
