import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka } from '@ddp/platform';
import { logLevel, type Kafka, type KafkaConfig } from 'kafkajs';
import { freePort, REPO_ROOT } from './stack';

const run = promisify(execFile);

/**
 * A secured broker of the test's own (KAFKA_SECURITY=sasl_ssl, kafka.sh) in a temporary
 * folder on free ports: its CA, its users with their generated passwords, its ACLs.
 */
export interface SecuredKafka {
  brokers: string;
  caFile: string;
  /** ms from nothing to a broker with certificates, users, topics and ACLs. */
  firstStartMs: number;
  password(user: string): string;
  /**
   * A client logged in as `user` (null: as nobody); `password` overrides the real one;
   * `brokerErrors` collects the protocol errors kafkajs only logs (a refused FindCoordinator
   * surfaces as "Failed to find group coordinator").
   */
  client(user: string | null, options?: { password?: string; tls?: boolean; brokerErrors?: string[] }): Kafka;
  /** The environment a service needs to connect as `user`. */
  serviceEnv(user: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Few retries: the tests expect refusals (not retried: an authorization error is final), and kafkajs' default retries would only slow the refused connections. */
const FEW_RETRIES: Partial<KafkaConfig> = { retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 }, connectionTimeout: 3000, requestTimeout: 10000 };

export async function startSecuredKafka(): Promise<SecuredKafka> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ddp-secured-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = { ...process.env, KAFKA_SECURITY: 'sasl_ssl', KAFKA_RUN_DIR: dir, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort) };
  const script = path.join(REPO_ROOT, 'infra/kafka/kafka.sh');
  const started = Date.now();
  try {
    await run('bash', [script, 'start'], { env });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the secured broker did not start: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  const firstStartMs = Date.now() - started;
  const brokers = `127.0.0.1:${port}`;
  const caFile = path.join(dir, 'tls/ca.pem');
  const password = (user: string) => readFileSync(path.join(dir, 'credentials', user), 'utf8').trim();
  const ca = readFileSync(caFile, 'utf8');
  return {
    brokers,
    caFile,
    firstStartMs,
    password,
    client: (user, options = {}) =>
      createKafka(brokers, `test-${user ?? 'anonymous'}`, undefined, {
        ...FEW_RETRIES,
        ...(options.brokerErrors ? brokerErrorLog(options.brokerErrors) : {}),
        ssl: options.tls === false ? false : { ca: [ca] },
        ...(user === null ? {} : { sasl: { mechanism: 'scram-sha-512', username: user, password: options.password ?? password(user) } }),
      }),
    serviceEnv: (user) => ({
      KAFKA_BROKERS: brokers, KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', KAFKA_SASL_USERNAME: user, KAFKA_SASL_PASSWORD: password(user), KAFKA_SSL_CA_FILE: caFile,
    }),
    stop: async () => {
      try {
        await run('bash', [script, 'stop'], { env });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}


function brokerErrorLog(into: string[]): Partial<KafkaConfig> {
  return {
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const type = (entry.log as { error?: { type?: unknown } }).error?.type;
      if (typeof type === 'string') into.push(type);
    },
  };
}
