import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { resetDatabase, testDatabaseUrl } from './database';
import { loseRedisData } from './redis-data';
import { waitUntil } from './wait';

export const SERVICE_NAMES = ['referral', 'provider-scheduling', 'outcome', 'notification'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningStack {
  urls: Record<ServiceName, string>;
  databases: Record<ServiceName, string>;
  /** The Redis key prefix of this stack's queues (REDIS_PREFIX of every service). */
  redisPrefix: string;
  /** Lines each service printed (JSON logs), for diagnosing a failed journey. */
  logs: Record<ServiceName, string[]>;
  /** Moves every service's clock (they run with CLOCK_MODE=controllable). */
  advanceClock(ms: number): Promise<void>;
  setClock(at: Date): Promise<void>;
  /** The services' current time (the real time plus the offset their clocks run at). */
  now(): Date;
  /** How each service's last process ended (code or signal), once it has. */
  lastExit: Partial<Record<ServiceName, { code: number | null; signal: NodeJS.Signals | null }>>;
  /** Process id of each running service (for memory sampling and fault injection). */
  pid(service: ServiceName): number | undefined;
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a service that was killed, and waits until it is ready. */
  start(service: ServiceName): Promise<void>;
  restart(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The next Monday at 10:00 UTC at least a day after `from`: a suite that books at the
 * services' "now" starts there, so that it runs the same week shape on whichever day it runs
 * (assessments are taken every day, but courses only in the services' opening hours; 10:00 UTC
 * is inside every provider's hours, GMT or BST).
 */
export function comingMondayAtTen(from: Date = new Date()): Date {
  const at = new Date(from.getTime() + 24 * 3600_000);
  at.setUTCHours(10, 0, 0, 0);
  while (at.getUTCDay() !== 1) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

// The repository root: the nearest folder with package.json (from the TypeScript source
// under jest, or from the compiled copy under dist/ when a benchmark runs it).
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** A TCP port nobody listens on right now (for servers a test starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the four services as real processes from dist/ (build first), each on a free
 * port with a fresh database, its own consumer groups and Redis prefix, and a
 * controllable clock so journeys can jump over days. For end-to-end tests and benchmarks.
 */
export async function startStack(options: {
  name: string;
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  common?: Record<string, string>;
  /** Another PostgreSQL server for the service databases (default: the shared one). */
  postgresAdminUrl?: string;
  /** Where the services' clocks start (default: the real time); they flow from there. */
  startAt?: Date;
}): Promise<RunningStack> {
  const run = randomUUID().slice(0, 8);
  const ports = {} as Record<ServiceName, number>;
  // Four asks of the OS for a free port can get the same one back (it was free each time): then two
  // services shared a port, one failed to bind, and the other answered for both (seen: a 404 from
  // the wrong service). Each service gets a port none of the others has.
  for (const s of SERVICE_NAMES) {
    do ports[s] = await freePort();
    while (SERVICE_NAMES.some((other) => other !== s && ports[other] === ports[s]));
  }
  const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<ServiceName, string>;
  const databases = Object.fromEntries(SERVICE_NAMES.map((s) => [s, testDatabaseUrl(`${options.name}_${s}`, options.postgresAdminUrl)])) as Record<ServiceName, string>;
  const logs = Object.fromEntries(SERVICE_NAMES.map((s) => [s, [] as string[]])) as Record<ServiceName, string[]>;
  await Promise.all(SERVICE_NAMES.map((s) => resetDatabase(databases[s])));
  const children = new Map<ServiceName, ChildProcess>();
  const redisPrefix = options.common?.REDIS_PREFIX ?? `ddp-e2e-${run}`;
  const lastExit: RunningStack['lastExit'] = {};

  // How far the services' clocks are from the real time: a restarted service starts there.
  let clockOffsetMs = options.startAt ? options.startAt.getTime() - Date.now() : 0;
  const envFor = (s: ServiceName): NodeJS.ProcessEnv => ({
    ...process.env,
    PORT: String(ports[s]),
    DATABASE_URL: databases[s],
    KAFKA_GROUP_SUFFIX: `-e2e-${run}`,
    KAFKA_NEW_GROUP_START: 'latest',
    REDIS_PREFIX: redisPrefix,
    CLOCK_MODE: 'controllable',
    CLOCK_OFFSET_MS: String(clockOffsetMs),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    CONSUMER_RETRY_BASE_MS: '50',
    OUTBOX_POLL_MS: '100',
    REFERRAL_SERVICE_URL: urls.referral,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // The stack's notices go by SMTP with no delivery receipts: windows run from the review's opening unless a
    // journey about the notice (e2e/outcomes-follow-courts) sets 'required', the production default, with a Notify stand-in.
    SHOW_CAUSE_NOTICE_CONFIRMATION: 'off',
    ...options.common,
    ...options.env?.[s],
  });

  const launch = (s: ServiceName) => {
    // The same Node.js options as npm start and the Dockerfile (V8 memory limits, source maps): tools/service-node-args.js.
    const { serviceNodeArgs } = createRequire(__filename)(path.join(REPO_ROOT, 'tools/service-node-args.js')) as { serviceNodeArgs(root: string): string[] };
    // STACK_EXTRA_NODE_ARGS: e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile a benchmark run (not allowed in NODE_OPTIONS).
    const extra = (process.env.STACK_EXTRA_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...serviceNodeArgs(REPO_ROOT), ...extra, path.join(REPO_ROOT, 'dist/services', s, 'src/main.js')], {
      env: envFor(s),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) logs[s].push(line);
      if (logs[s].length > 2000) logs[s].splice(0, logs[s].length - 2000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => (lastExit[s] = { code, signal }));
    children.set(s, child);
    return child;
  };

  // Two minutes: a service restarted after kill -9 joins its consumer groups only when the
  // broker has given up on the dead member (its 10 s session timeout), on a busy machine.
  const ready = (s: ServiceName) =>
    waitUntil(async () => (await fetch(`${urls[s]}/health/ready`)).ok, `${s} to be ready`, 120_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}; its last log lines:\n${logs[s].slice(-20).join('\n')}`);
    });

  // Sequential starts keep the 2-core machine from stalling on four cold starts at once.
  try {
    for (const s of SERVICE_NAMES) {
      launch(s);
      await ready(s);
    }
  } catch (error) {
    // Leave nothing behind: a service left running would share its database with the next run's.
    for (const child of children.values()) child.kill('SIGKILL');
    throw error;
  }

  const exited = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));

  const stack: RunningStack = {
    urls,
    databases,
    redisPrefix,
    logs,
    lastExit,
    async advanceClock(ms) {
      clockOffsetMs += ms;
      for (const s of SERVICE_NAMES) {
        const res = await fetch(`${urls[s]}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
        if (!res.ok) throw new Error(`${s} refused to move its clock: ${res.status} ${await res.text()}`);
      }
    },
    async setClock(at) {
      clockOffsetMs = at.getTime() - Date.now();
      for (const s of SERVICE_NAMES) {
        const res = await fetch(`${urls[s]}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ set: at.toISOString() }) });
        if (!res.ok) throw new Error(`${s} refused to set its clock: ${res.status} ${await res.text()}`);
      }
    },
    now: () => new Date(Date.now() + clockOffsetMs),
    pid(s) {
      const child = children.get(s);
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async start(s) {
      launch(s);
      await ready(s);
    },
    async kill(s, signal = 'SIGKILL') {
      const child = children.get(s);
      if (!child) return;
      child.kill(signal);
      await exited(child);
    },
    async restart(s) {
      await stack.kill(s, 'SIGTERM');
      launch(s);
      await ready(s);
    },
    async stop() {
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
          await exited(child);
          clearTimeout(timer);
        }),
      );
      // Its jobs and queues go with it: runs on a shared Redis otherwise pile up (600,000 keys after a day of benches).
      await loseRedisData(redisPrefix, options.common?.REDIS_URL).catch(() => undefined);
    },
  };
  return stack;
}
