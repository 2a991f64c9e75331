import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKafka } from '@ddp/platform';
import { queryDatabase, REPO_ROOT, SERVICE_NAMES, sleep, TEST_BROKERS, testProducer } from '@ddp/testing';
import type { ServiceName } from '@ddp/testing';
import { cpuSnapshot, offerAtRate, sendEncounters, startBenchStack } from './bench-stack';
import type { WireCounts } from './wire-counter';

/**
 * `npm run bench:work`: what one encounter costs the whole stack, as counts: Postgres round
 * trips and statements, Kafka requests, Redis writes and HTTP requests per service, and the
 * CPU of every process. Timings on these machines move by tens of percent between
 * neighbouring runs; these counts do not, so a change that saves round trips shows here
 * when a latency benchmark cannot tell it from noise.
 *
 * The stack (as `npm run bench` runs it, each service with bench/wire-counter preloaded)
 * is warmed up, measured idle, then offered WORK_COUNT encounters at WORK_RATE a second
 * (default 200 at 10/s: events mostly arrive alone, the dearest case) and measured until it is
 * idle again. Per encounter = (counts over that span − the idle rate × its length) / count.
 * Writes bench/results/work-per-encounter.json and prints a table and each service's most
 * executed statements.
 */

const RATE = Number(process.env.WORK_RATE ?? 10);
const COUNT = Number(process.env.WORK_COUNT ?? 200);
const IDLE_SECONDS = Number(process.env.WORK_IDLE_SECONDS ?? 6);
const TOP_STATEMENTS = Number(process.env.WORK_TOP_STATEMENTS ?? 8);
const COUNT_DIR = path.join(tmpdir(), `ddp-wire-counts-${process.pid}`);

interface Snapshot {
  at: number;
  /** Per service database: rows inserted, updated (HOT among them) and deleted per table, and commits; WAL bytes of the server. */
  tables: Record<ServiceName, { commits: number; rows: Record<string, { ins: number; upd: number; hot: number; del: number }> }>;
  walBytes: number;
  wire: Record<ServiceName, WireCounts>;
  /** CPU seconds of each service and of postgres, java (the broker) and redis-server, from /proc. */
  cpu: Record<string, number>;
}

type Stack = Awaited<ReturnType<typeof startBenchStack>>['stack'];

/** Row and commit counts of each service database (pg_stat views, flushed by backends within about a second). */
async function tableSnapshot(stack: Stack): Promise<Pick<Snapshot, 'tables' | 'walBytes'>> {
  const tables = {} as Snapshot['tables'];
  for (const s of SERVICE_NAMES) {
    const rows = await queryDatabase<{ relname: string; ins: string; upd: string; hot: string; del: string }>(
      stack.databases[s],
      'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del FROM pg_stat_user_tables',
    );
    const [db] = await queryDatabase<{ commits: string }>(stack.databases[s], 'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()');
    tables[s] = { commits: Number(db.commits), rows: Object.fromEntries(rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd), hot: Number(r.hot), del: Number(r.del) }])) };
  }
  const [wal] = await queryDatabase<{ bytes: string }>(stack.databases.referral, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS bytes");
  return { tables, walBytes: Number(wal.bytes) };
}

/** Asks every service for its counts (SIGUSR2) and reads them once each file is newer than the ask. */
async function snapshot(stack: Stack, withTables = false): Promise<Snapshot> {
  const database = withTables ? await tableSnapshot(stack) : { tables: {} as Snapshot['tables'], walBytes: 0 };
  const asked = Date.now();
  for (const s of SERVICE_NAMES) process.kill(stack.pid(s)!, 'SIGUSR2');
  const cpu = cpuSnapshot(stack);
  const wire = {} as Record<ServiceName, WireCounts>;
  for (const s of SERVICE_NAMES) {
    for (let tries = 0; ; tries++) {
      try {
        const counts = JSON.parse(readFileSync(path.join(COUNT_DIR, `${s}.json`), 'utf8')) as WireCounts;
        if (counts.at >= asked) {
          wire[s] = counts;
          break;
        }
      } catch {
        // not written yet
      }
      if (tries > 200) throw new Error(`${s} wrote no counts (is bench/wire-counter preloaded?)`);
      await sleep(10);
    }
  }
  return { at: Date.now(), wire, cpu, ...database };
}

/** The measures of one service between two snapshots, as a flat record. */
function measures(a: WireCounts, b: WireCounts): Record<string, number> {
  const out: Record<string, number> = {
    'CPU ms': b.cpuMs - a.cpuMs,
    'Postgres round trips': b.postgres.roundTrips - a.postgres.roundTrips,
    'Postgres statements': b.postgres.statements - a.postgres.statements,
    'Postgres parses': b.postgres.parses - a.postgres.parses,
    'Kafka requests': b.kafka.requests - a.kafka.requests,
    'Redis writes': b.redis.writes - a.redis.writes,
    'HTTP requests out': b.http.requestsOut - a.http.requestsOut,
    'HTTP requests in': b.http.requestsIn - a.http.requestsIn,
  };
  for (const api of new Set([...Object.keys(a.kafka.byApi), ...Object.keys(b.kafka.byApi)])) out[`  Kafka ${api}`] = (b.kafka.byApi[api] ?? 0) - (a.kafka.byApi[api] ?? 0);
  return out;
}

const statementsBetween = (a: WireCounts, b: WireCounts) =>
  Object.fromEntries(Object.entries(b.postgres.byStatement).map(([sql, n]) => [sql, n - (a.postgres.byStatement[sql] ?? 0)]));

/** Counts between `from` and `to` less the idle rate over the same span, per encounter. */
function perEncounter(from: Snapshot, to: Snapshot, idle: { from: Snapshot; to: Snapshot }, count: number) {
  const span = (to.at - from.at) / (idle.to.at - idle.from.at);
  const net = (busy: number, quiet: number) => +((busy - quiet * span) / count).toFixed(2);
  const services = {} as Record<ServiceName, Record<string, number>>;
  const statements = {} as Record<ServiceName, Array<{ sql: string; perEncounter: number }>>;
  for (const s of SERVICE_NAMES) {
    const busy = measures(from.wire[s], to.wire[s]);
    const quiet = measures(idle.from.wire[s], idle.to.wire[s]);
    services[s] = Object.fromEntries(Object.keys(busy).map((k) => [k, net(busy[k], quiet[k] ?? 0)]));
    const busySql = statementsBetween(from.wire[s], to.wire[s]);
    const quietSql = statementsBetween(idle.from.wire[s], idle.to.wire[s]);
    statements[s] = Object.entries(busySql)
      .map(([sql, n]) => ({ sql, perEncounter: net(n, quietSql[sql] ?? 0) }))
      .filter((x) => x.perEncounter >= 0.05)
      .sort((x, y) => y.perEncounter - x.perEncounter);
  }
  // Rows and commits: the idle stack writes nearly none (its polls only read), so these are not corrected for idle.
  const database = Object.fromEntries(
    SERVICE_NAMES.map((s) => {
      const a = from.tables[s];
      const b = to.tables[s];
      const rows = Object.fromEntries(
        Object.entries(b.rows)
          .map(([table, r]) => {
            const before = a.rows[table] ?? { ins: 0, upd: 0, hot: 0, del: 0 };
            const per = (k: keyof typeof r) => +((r[k] - before[k]) / count).toFixed(2);
            return [table, { inserted: per('ins'), updated: per('upd'), hotUpdated: per('hot'), deleted: per('del') }] as const;
          })
          .filter(([, r]) => r.inserted + r.updated + r.deleted > 0),
      );
      return [s, { commits: +((b.commits - a.commits) / count).toFixed(2), rows }];
    }),
  );
  const walBytesPerEncounter = Math.round((to.walBytes - from.walBytes) / count);
  const processCpuMs = Object.fromEntries(
    Object.keys(to.cpu).map((k) => [k, net((to.cpu[k] - from.cpu[k]) * 1000, (idle.to.cpu[k] - idle.from.cpu[k]) * 1000)]),
  );
  return { services, statements, processCpuMs, database, walBytesPerEncounter };
}

/** Waits until two successive seconds each show no more Postgres round trips than the idle rate allows. */
async function untilIdle(stack: Stack, idlePerSecond: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(stack);
  let quietSeconds = 0;
  while (Date.now() < deadline) {
    await sleep(1000);
    const next = await snapshot(stack);
    const trips = SERVICE_NAMES.reduce((n, s) => n + next.wire[s].postgres.roundTrips - last.wire[s].postgres.roundTrips, 0);
    const perSecond = trips / ((next.at - last.at) / 1000);
    quietSeconds = perSecond <= idlePerSecond * 1.5 + 5 ? quietSeconds + 1 : 0;
    last = next;
    if (quietSeconds >= 2) return;
  }
  throw new Error('the stack did not go idle within 2 minutes');
}

async function reminderRows(stack: Stack): Promise<number> {
  const [row] = await queryDatabase<{ n: number }>(stack.databases.notification, 'SELECT count(*)::int AS n FROM notification WHERE reminder_offset IS NOT NULL');
  return row.n;
}

async function main() {
  mkdirSync(COUNT_DIR, { recursive: true });
  process.env.WIRE_COUNT_DIR = COUNT_DIR;
  process.env.STACK_EXTRA_NODE_ARGS = `${process.env.STACK_EXTRA_NODE_ARGS ?? ''} --require ${path.join(REPO_ROOT, 'dist/bench/wire-counter.js')}`.trim();
  console.log(`[work] starting the stack; then ${COUNT} encounters at ${RATE}/s`);
  const bench = await startBenchStack();
  const { stack } = bench;
  const producer = await testProducer(createKafka(TEST_BROKERS, 'bench-work-producer'));
  try {
    // Warm-up: cold code, query plans, the providers' slot days.
    await offerAtRate(RATE, Math.max(20, Math.round(COUNT / 4)), (batch) => sendEncounters(producer, batch));
    await untilIdle(stack, 100);
    const idleFrom = await snapshot(stack);
    await sleep(IDLE_SECONDS * 1000);
    const idleTo = await snapshot(stack);
    const idleTrips = SERVICE_NAMES.reduce((n, s) => n + idleTo.wire[s].postgres.roundTrips - idleFrom.wire[s].postgres.roundTrips, 0) / ((idleTo.at - idleFrom.at) / 1000);
    console.log(`[work] idle: ${idleTrips.toFixed(1)} Postgres round trips a second across the services`);

    const remindersBefore = await reminderRows(stack);
    const from = await snapshot(stack, true);
    await offerAtRate(RATE, COUNT, (batch) => sendEncounters(producer, batch));
    await untilIdle(stack, idleTrips);
    await sleep(1000); // backends report their table counts within about a second
    const to = await snapshot(stack, true);
    const reminders = (await reminderRows(stack)) - remindersBefore;
    if (reminders !== COUNT) console.warn(`[work] ${reminders} reminders queued for ${COUNT} encounters: the counts below are not of complete journeys`);

    const result = perEncounter(from, to, { from: idleFrom, to: idleTo }, COUNT);
    const report = {
      conditions: { date: new Date().toISOString(), rate: RATE, encounters: COUNT, idleSeconds: IDLE_SECONDS, spanSeconds: (to.at - from.at) / 1000, remindersQueued: reminders },
      ...result,
    };
    const dir = path.join(REPO_ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'work-per-encounter.json'), JSON.stringify(report, null, 2) + '\n');

    const rows = Object.keys(result.services.referral);
    console.log(`\nPer encounter at ${RATE}/s (${COUNT} encounters, idle subtracted)`);
    console.log(['measure'.padEnd(24), ...SERVICE_NAMES.map((s) => s.padStart(20)), 'all'.padStart(10)].join(''));
    for (const row of new Set([...rows, ...SERVICE_NAMES.flatMap((s) => Object.keys(result.services[s]))])) {
      const values = SERVICE_NAMES.map((s) => result.services[s][row] ?? 0);
      console.log([row.padEnd(24), ...values.map((v) => v.toFixed(2).padStart(20)), values.reduce((a, b) => a + b, 0).toFixed(2).padStart(10)].join(''));
    }
    console.log(`\nCPU ms per encounter by process (/proc): ${Object.entries(result.processCpuMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`WAL bytes per encounter: ${result.walBytesPerEncounter}`);
    for (const s of SERVICE_NAMES) {
      const rows = Object.entries(result.database[s].rows).map(([t, r]) => `${t} +${r.inserted}${r.updated ? ` ~${r.updated}${r.hotUpdated ? ` (HOT ${r.hotUpdated})` : ''}` : ''}${r.deleted ? ` -${r.deleted}` : ''}`);
      console.log(`${s}: ${result.database[s].commits} commits; rows per encounter: ${rows.join(', ')}`);
    }
    for (const s of SERVICE_NAMES) {
      console.log(`\n${s}: most executed statements per encounter`);
      for (const { sql, perEncounter } of result.statements[s].slice(0, TOP_STATEMENTS)) console.log(`  ${perEncounter.toFixed(2).padStart(6)}  ${sql}`);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await bench.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
