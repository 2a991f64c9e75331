import { createRequire } from 'node:module';
import path from 'node:path';

// The preflight's refusals, each played with fake probes: one line per problem, saying how to fix it.
interface Probe {
  nodeVersion(): string;
  run(command: string, args: string[], env?: Record<string, string>): { ok: boolean; missing?: boolean; output: string };
  has(command: string): boolean;
  portOpen(host: string, port: number): Promise<boolean>;
  freeDiskBytes(dir: string): number;
  exists(file: string): boolean;
}
const { preflight } = createRequire(__filename)(path.join(__dirname, 'preflight.js')) as {
  preflight(mode: 'start' | 'test', env: Record<string, string>, probe: Probe): Promise<string[]>;
};

const GB = 1024 ** 3;
/** A machine with everything: Node 20.19, Java 17, the Kafka jars, Postgres and Redis answering, the local run's ports free. */
function machine(overrides: Partial<Probe> & { open?: number[]; commands?: Record<string, { ok: boolean; missing?: boolean; output: string }> } = {}): Probe {
  const open = new Set(overrides.open ?? [5432, 6379]);
  const commands = { java: { ok: true, output: 'openjdk version "17.0.12" 2024-07-16' }, psql: { ok: true, output: '1' }, mvn: { ok: true, output: 'Apache Maven 3.8.7' }, ...overrides.commands };
  return {
    nodeVersion: () => '20.19.5',
    run: (command) => commands[command as keyof typeof commands] ?? { ok: false, missing: true, output: '' },
    has: () => true,
    portOpen: async (_host, port) => open.has(port),
    freeDiskBytes: () => 50 * GB,
    exists: () => true,
    ...overrides,
  };
}

describe('preflight', () => {
  it('finds nothing on a ready machine', async () => {
    expect(await preflight('start', {}, machine())).toEqual([]);
  });

  it('refuses an old Node.js, naming the version wanted', async () => {
    expect(await preflight('start', {}, machine({ nodeVersion: () => '18.20.1' }))).toEqual([expect.stringMatching(/^Node.js 18.20.1 is too old: install Node.js 20.19.0 or newer/)]);
  });

  it('refuses a missing or old Java, unless KAFKA_BROKERS names a cluster', async () => {
    const noJava = machine({ commands: { java: { ok: false, missing: true, output: '' } } });
    expect(await preflight('start', {}, noJava)).toEqual([expect.stringMatching(/^Java is not installed .*install a JDK 17.*or set KAFKA_BROKERS/)]);
    expect(await preflight('start', {}, machine({ commands: { java: { ok: true, output: 'java version "1.8.0_402"' } } }))).toEqual([expect.stringMatching(/^Java 8 is too old/)]);
    expect(await preflight('start', { KAFKA_BROKERS: 'kafka:9092' }, noJava)).toEqual([]);
  });

  it('wants Maven only while the Kafka jars are not fetched', async () => {
    const noMaven = { commands: { mvn: { ok: false, missing: true, output: '' } } };
    expect(await preflight('start', {}, machine({ ...noMaven, exists: () => false }))).toEqual([expect.stringMatching(/^Maven is not installed/)]);
    expect(await preflight('start', {}, machine(noMaven))).toEqual([]);
  });

  it('says when PostgreSQL wants a password, and which settings give it', async () => {
    const asks = machine({ commands: { psql: { ok: false, output: 'psql: error: connection to server at "127.0.0.1", port 5432 failed: fe_sendauth: no password supplied' } } });
    expect(await preflight('start', {}, asks)).toEqual([expect.stringMatching(/^PostgreSQL at 127.0.0.1:5432 authenticates with a password \(user postgres\): set DATABASE_PASSWORD/)]);
    const wrong = machine({ commands: { psql: { ok: false, output: 'FATAL:  password authentication failed for user "ddp"' } } });
    expect(await preflight('start', { DATABASE_USER: 'ddp', DATABASE_PASSWORD: 'x' }, wrong)).toEqual([expect.stringMatching(/refused the password of user ddp: set DATABASE_USER and DATABASE_PASSWORD/)]);
  });

  it('passes the password to psql and checks the DATABASE_HOST and DATABASE_PORT given', async () => {
    const calls: Array<{ args: string[]; env?: Record<string, string> }> = [];
    const probe = machine({ open: [6543, 6379], run: (command, args, env) => (command === 'psql' && calls.push({ args, env }), { ok: true, output: 'openjdk version "21"' }) });
    expect(await preflight('start', { DATABASE_HOST: 'db.local', DATABASE_PORT: '6543', DATABASE_PASSWORD: 'secret' }, probe)).toEqual([]);
    expect(calls).toEqual([{ args: expect.arrayContaining(['-h', 'db.local', '-p', '6543']), env: { PGPASSWORD: 'secret' } }]);
  });

  it('refuses a PostgreSQL that is down and cannot be started here', async () => {
    const down = machine({ open: [6379], has: (c) => c !== 'pg_ctlcluster' });
    expect(await preflight('start', {}, down)).toEqual([expect.stringMatching(/^PostgreSQL at 127.0.0.1:5432 is not answering: start it/)]);
    // tools/infra.sh starts a local one with pg_ctlcluster.
    expect(await preflight('start', {}, machine({ open: [6379] }))).toEqual([]);
  });

  it('refuses a Redis that is down and not installed', async () => {
    const probe = machine({ open: [5432], has: (c) => c !== 'redis-server' });
    expect(await preflight('start', {}, probe)).toEqual([expect.stringMatching(/^Redis at 127.0.0.1:6379 is not answering and redis-server is not installed: install and start Redis/)]);
  });

  it('names each taken port of the local run and what needs it', async () => {
    const problems = await preflight('start', { NOTIFICATION_PORT: '4004' }, machine({ open: [5432, 6379, 3001, 4004, 1025] }));
    expect(problems).toEqual([
      expect.stringMatching(/^port 3001 \(the referral service\) is taken: .*lsof -i :3001/),
      expect.stringMatching(/^port 4004 \(the notification service\) is taken/),
      expect.stringMatching(/^port 1025 \(the local outbox's SMTP server\) is taken/),
    ]);
  });

  it('wants more free disk for npm test than for npm start', async () => {
    const probe = machine({ freeDiskBytes: () => 1.5 * GB });
    expect(await preflight('start', {}, probe)).toEqual([]);
    expect(await preflight('test', {}, probe)).toEqual([expect.stringMatching(/^only 1.5 GB free .* npm test needs 2 GB/)]);
  });

  it('lists every problem at once, one line each', async () => {
    const problems = await preflight('test', {}, machine({ nodeVersion: () => '18.0.0', open: [3002], has: () => false, freeDiskBytes: () => 0 }));
    expect(problems).toHaveLength(5);
    for (const p of problems) expect(p).not.toContain('\n');
  });
});
