import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka, ensureTopics } from '@ddp/platform';
import { startPrivateRedis } from './private-redis';
import { freePort, REPO_ROOT } from './stack';
import { sleep, waitUntil } from './wait';

const run = promisify(execFile);

/**
 * A Kafka broker, a Redis and a PostgreSQL server of the fault suite's own, on free ports
 * in a temporary folder: the same software and settings as the shared ones (Redis keeps
 * nothing on disk, like the machine's), so killing them disturbs nothing else on the
 * machine (another suite, a developer's `npm start`).
 */
export interface FaultLab {
  kafkaBrokers: string;
  redisUrl: string;
  postgresAdminUrl: string;
  /** kill -9 of the broker, then a fresh start on the same data (KRaft log recovery). */
  killKafka(): Promise<void>;
  startKafka(): Promise<void>;
  /** kill -9 of Redis: everything in it is lost (no persistence), as on these machines. */
  killRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** An immediate shutdown (crash recovery on start, as after kill -9) and a start. */
  restartPostgres(): Promise<void>;
  stop(): Promise<void>;
}


async function killPidFile(file: string, what: string): Promise<void> {
  const pid = Number(readFileSync(file, 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, `${what} (pid ${pid}) to die`, 30000, 50);
}

/** PostgreSQL's server programs (initdb, pg_ctl): PG_BIN, else the newest Debian install. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('no PostgreSQL server programs found (set PG_BIN to the folder with initdb and pg_ctl)');
  return path.join(base, versions[0], 'bin');
}

export async function startFaultLab(): Promise<FaultLab> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ddp-faults-'));
  chmodSync(dir, 0o755);
  const [kafkaPort, controllerPort, postgresPort] = [await freePort(), await freePort(), await freePort()];

  // --- Kafka: the project's own script, pointed at a private folder and ports.
  const kafkaEnv = { ...process.env, KAFKA_RUN_DIR: path.join(dir, 'kafka'), KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(controllerPort) };
  const kafkaScript = path.join(REPO_ROOT, 'infra/kafka/kafka.sh');
  const startKafka = async () => {
    await run('bash', [kafkaScript, 'start'], { env: kafkaEnv });
  };

  // --- Redis: the machine's settings (no RDB, no AOF), its own port.
  const redis = await startPrivateRedis();

  // --- PostgreSQL: a cluster of its own (initdb refuses root, so as the postgres user).
  const bin = postgresBin();
  const pgData = path.join(dir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  const pg = async (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args]) : run(path.join(bin, program), args);
  if (asRoot) {
    const { uid, gid } = postgresIds();
    await run('mkdir', ['-p', pgData]);
    chownSync(pgData, uid, gid);
  }
  await pg('initdb', ['-D', pgData, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // fsync off: an immediate shutdown is a crash of Postgres, not of the machine, so
  // nothing written to the OS is lost; it keeps the lab quick on a busy 2-core box.
  const pgOptions = `-p ${postgresPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${pgData} -c fsync=off -c max_connections=200`;
  await pg('pg_ctl', ['-D', pgData, '-l', path.join(pgData, 'server.log'), '-w', '-o', pgOptions, 'start']);

  await startKafka();
  const kafkaBrokers = `127.0.0.1:${kafkaPort}`;
  await ensureTopics(createKafka(kafkaBrokers, 'fault-lab-topics'));

  return {
    kafkaBrokers,
    redisUrl: redis.url,
    postgresAdminUrl: `postgres://postgres@127.0.0.1:${postgresPort}/postgres`,
    killKafka: () => killPidFile(path.join(dir, 'kafka', 'kafka.pid'), 'the fault lab broker'),
    startKafka,
    killRedis: () => redis.kill(),
    startRedis: () => redis.start(),
    async restartPostgres() {
      // -l: the new postmaster must not write to (and so hold open) this process's pipe.
      await pg('pg_ctl', ['-D', pgData, '-l', path.join(pgData, 'server.log'), '-m', 'immediate', '-w', 'restart']);
    },
    async stop() {
      await run('bash', [kafkaScript, 'stop'], { env: kafkaEnv }).catch(() => undefined);
      await redis.kill();
      await pg('pg_ctl', ['-D', pgData, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await sleep(100);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run the lab PostgreSQL server as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
