import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { TOPIC_PARTITIONS } from '@ddp/contracts';

// docker-compose.yml must describe the same stack as `npm start`: same Kafka version as
// infra/kafka/pom.xml, the same four services on the same ports and databases.
const root = path.resolve(__dirname, '..');
// merge: the services share their settings through YAML merge keys (<<: *service), as Compose reads them.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const pom = readFileSync(path.join(root, 'infra/kafka/pom.xml'), 'utf8');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const runServices = readFileSync(path.join(root, 'tools/run-services.js'), 'utf8');
const localRun = createRequire(__filename)(path.join(root, 'tools/local-run.js')) as {
  LOCAL_OUTBOX: { smtpPort: number; notifyPort: number; webhookPort: number; pagePort: number };
  localOutboxEnv(env: Record<string, string>, host?: string): Record<string, string>;
};

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
    expect(runServices).toContain(`{ name: '${name}', port: ${expected.port} }`);
    expect(service.environment.PORT).toBe(expected.port);
    expect(service.environment.DATABASE_URL).toBe(`postgres://postgres@postgres:5432/${expected.database}`);
    expect(service.ports).toEqual([`${expected.port}:${expected.port}`]);
    expect(service.build.args.SERVICE).toBe(name);
    expect(service.build.target).toBe('service');
  });

  it.each(Object.keys(SERVICES))('checks %s is ready on /health/ready, as npm start waits for it', (name) => {
    expect(runServices).toContain('/health/ready');
    expect(compose.services[name].healthcheck.test.join(' ')).toContain("process.env.PORT+'/health/ready'");
  });

  it('gives every service the same brokers, Redis and internal token, and the outbox that token too', () => {
    const envs = Object.keys(SERVICES).map((name) => compose.services[name].environment);
    for (const env of envs) expect(env).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', REDIS_URL: 'redis://redis:6379', INTERNAL_API_TOKEN: envs[0].INTERNAL_API_TOKEN, HOST: '0.0.0.0' });
    expect(compose.services.outbox.environment.INTERNAL_API_TOKEN).toBe(envs[0].INTERNAL_API_TOKEN);
  });

  it('points the notification service at the local outbox with the settings npm start gives it', () => {
    const env = compose.services.notification.environment;
    expect(env).toMatchObject(localRun.localOutboxEnv({}, 'outbox'));
    // The guard refuses the outbox under NODE_ENV=production, which the image sets.
    expect(env.NODE_ENV).toBe('development');
  });

  it('runs the local outbox from the Dockerfile, on its ports, configuring providers through the notification service', () => {
    const outbox = compose.services.outbox;
    expect(outbox.build.target).toBe('local-outbox');
    expect(outbox.environment).toMatchObject({ LOCAL_OUTBOX_BIND: '0.0.0.0', LOCAL_OUTBOX_HOST: 'outbox', NOTIFICATION_URL: `http://notification:${SERVICES.notification.port}` });
    expect(outbox.ports).toEqual([`${localRun.LOCAL_OUTBOX.pagePort}:${localRun.LOCAL_OUTBOX.pagePort}`]);
    expect(outbox.healthcheck.test.join(' ')).toContain(`127.0.0.1:${localRun.LOCAL_OUTBOX.pagePort}/`);
    expect(env('local-outbox')).toMatch(/LOCAL_OUTBOX_BIND=0\.0\.0\.0/);
  });
});

/** The Dockerfile's stages by name, each with its instructions. */
const stages = Object.fromEntries(
  dockerfile.split(/^FROM /m).slice(1).map((stage) => [/ AS (\S+)/.exec(stage.split('\n')[0])?.[1] ?? '', stage]),
);
const env = (stage: string) => stages[stage] ?? '';

describe('Dockerfile', () => {
  it('builds in stages: build, production dependencies, the local outbox, and the service last (the default target)', () => {
    expect(Object.keys(stages)).toEqual(['build', 'production-dependencies', 'local-outbox', 'service']);
  });

  it('installs with npm install, as npm start and npm test do (tools/test.sh says why not npm ci)', () => {
    expect(dockerfile).not.toMatch(/^RUN .*npm ci/m);
    expect(stages.build).toMatch(/^RUN npm install /m);
  });

  it('ships only production dependencies and the compiled code in the service image', () => {
    expect(stages['production-dependencies']).toMatch(/^RUN npm install --omit=dev /m);
    expect(stages.service).toContain('COPY --from=production-dependencies /app/node_modules ./node_modules');
    expect(stages.service).toContain('COPY --from=build /app/dist ./dist');
    expect(stages.service).not.toMatch(/^COPY \. /m);
  });

  it('runs as the unprivileged node user with NODE_ENV=production', () => {
    expect(stages.service).toMatch(/^USER node$/m);
    expect(stages['local-outbox']).toMatch(/^USER node$/m);
    expect(stages.service).toMatch(/^ENV NODE_ENV=production/m);
  });

  it('starts a service with the Node.js options npm start uses', () => {
    expect(stages.build).toContain('node tools/service-node-args.js > dist/service-node-args');
    expect(stages.service).toContain('exec node $(cat dist/service-node-args) dist/services/${SERVICE}/src/main.js');
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

  it('has Postgres, Redis, the local outbox, Keycloak and nothing else beside Kafka and the services (and, in its own profile, the secured broker)', () => {
    const byDefault = Object.keys(compose.services).filter((name) => !compose.services[name].profiles);
    expect(byDefault.sort()).toEqual(['kafka', 'keycloak', 'notification', 'outbox', 'outcome', 'postgres', 'provider-scheduling', 'redis', 'referral']);
    // Topics are created by the services at boot (ensureTopics), as tools/create-topics does here.
    expect(Object.keys(TOPIC_PARTITIONS).length).toBeGreaterThan(5);
  });
});

describe('docker-compose.yml describes the secured broker (profile "secure")', () => {
  const secured = ['kafka-secure-users', 'kafka-secure-init', 'kafka-secure', 'kafka-secure-acls'];

  it('keeps it out of the default stack: every service of it is in the secure profile, and none of the four services uses it yet', () => {
    for (const name of secured) expect(compose.services[name].profiles).toEqual(['secure']);
    for (const name of Object.keys(SERVICES)) expect(JSON.stringify(compose.services[name])).not.toContain('kafka-secure');
  });

  it('runs the same Kafka version from the project\'s secured properties, users before format, ACLs once it is up', () => {
    expect(compose.services['kafka-secure'].image).toBe(compose.services.kafka.image);
    expect(compose.services['kafka-secure-init'].volumes).toContain('./infra/kafka/server-sasl-ssl.properties:/template/server-sasl-ssl.properties:ro');
    expect(compose.services['kafka-secure-init'].depends_on).toEqual({ 'kafka-secure-users': { condition: 'service_completed_successfully' } });
    expect(compose.services['kafka-secure'].depends_on).toEqual({ 'kafka-secure-init': { condition: 'service_completed_successfully' } });
    expect(compose.services['kafka-secure-acls'].command).toEqual(['node', 'dist/tools/kafka-security.js', 'apply', 'kafka-secure:9094', '/credentials', '/tls/ca.pem']);
  });

  it('names no password: they are generated into a volume', () => {
    const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    const block = text.slice(text.indexOf('  kafka-secure-users:'), text.indexOf('\n  postgres:'));
    expect(block).not.toMatch(/PASSWORD|password=/i);
  });
});
