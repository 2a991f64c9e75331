import { readdirSync, readFileSync } from 'node:fs';
import type { Encounter } from '@ddp/contracts';
import { TOPICS } from '@ddp/contracts';
import { anEncounter, queryDatabase, SERVICE_NAMES, sleep, startLocalSmtpServer, startLocalWebhookReceiver, startStack } from '@ddp/testing';
import type { RunningStack, ServiceName } from '@ddp/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';

/** What `npm run bench` and `npm run bench:work` share: the stack as they run it, its clock, its encounters, and CPU from /proc. */

const AREAS = ['west-berkshire', 'reading', 'wokingham', 'bracknell-forest', 'windsor-maidenhead', 'slough', 'chiltern-south-bucks', 'wycombe', 'aylesbury-vale', 'milton-keynes', 'oxford', 'cherwell-west-oxfordshire', 'south-vale'];

/**
 * Provider capacity for the measured phases (a real provider-scheduling option, see
 * PROVIDER_BOOKING_OVERRIDES): enough assessors per slot and referrals a week that every
 * referral of the run can be booked, so encounter → AssessmentScheduled rests on all of
 * them rather than the first few dozen. Bookings must fall the next day (the schemes'
 * assessment deadline): at 1,000 assessors a slot that day held 21,000, which the run passed
 * during its 800/s step, so that step's referrals were escalated (no slot in time) instead of
 * booked and the step failed for want of slots, not speed; hence 100,000.
 * BENCH_PROVIDER_OVERRIDES='' keeps the defaults.
 */
export const PROVIDER_OVERRIDES = process.env.BENCH_PROVIDER_OVERRIDES ?? '{"*":{"assessorsPerSlot":100000,"weeklyCapacity":100000000}}';

/**
 * The services run on a clock set to the coming Monday 18:00 UTC, flowing in real time
 * (CLOCK_MODE=controllable with CLOCK_OFFSET_MS), so the work per encounter does not depend
 * on when the bench runs: bookings fall on Tuesday morning and get one reminder (2 h before;
 * the 24-h one has passed), as on any weekday evening. On the system clock a run in working
 * hours books same-day slots whose reminders have all passed: no reminder rows, less
 * notification work and no chain to measure. BENCH_CLOCK=system keeps the machine's clock.
 */
export const CLOCK_OFFSET_MS = process.env.BENCH_CLOCK === 'system' ? 0 : untilNextMondayEvening(new Date());

function untilNextMondayEvening(now: Date): number {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 18));
  at.setUTCDate(at.getUTCDate() + ((8 - at.getUTCDay()) % 7 || 7));
  return at.getTime() - now.getTime();
}
/** Now on the services' clock (ms). Latencies are measured in real time; this is for dates in the data. */
export const serviceNow = () => Date.now() + CLOCK_OFFSET_MS;

let areaIndex = 0;
/** An encounter that leads to a referral (areas in turn, so every provider gets its share). */
export function newEncounter(): Encounter {
  const area = AREAS[areaIndex++ % AREAS.length];
  return anEncounter({ area, occurredAt: new Date(serviceNow() - 60_000).toISOString() });
}

/** The encounters onto the police topic (key = encounter id), acknowledged by every replica. */
export async function sendEncounters(producer: Producer, encounters: Encounter[]): Promise<void> {
  await producer.send({ topic: TOPICS.policeEncounters, acks: -1, messages: encounters.map((e) => ({ key: e.encounterId, value: JSON.stringify(e) })) });
}

/**
 * Offers `count` new encounters at `rate` a second (what is due every 10 ms goes as one
 * batch through `send`, without waiting for the one before); returns their ids once all are sent.
 */
export async function offerAtRate(rate: number, count: number, send: (encounters: Encounter[]) => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  const sends: Promise<void>[] = [];
  const start = Date.now();
  while (ids.length < count) {
    const due = Math.min(count, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
    if (due > ids.length) {
      const batch = Array.from({ length: due - ids.length }, newEncounter);
      for (const e of batch) ids.push(e.encounterId);
      sends.push(send(batch));
    }
    await sleep(10);
  }
  await Promise.all(sends);
  return ids;
}

export interface BenchStack {
  stack: RunningStack;
  smtp: { received: number };
  hooks: { received: number };
  stop(): Promise<void>;
}

/**
 * The four services on the bench clock with the production outbox poll (250 ms, not the test
 * stack's 100 ms) and the provider overrides above. Notices really go out, as in a deployment:
 * e-mail to an SMTP server and providers' webhooks to a receiver on loopback (only counted);
 * without them every delivery failed and was retried.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const smtp = await startLocalSmtpServer({ keep: false });
  const hooks = await startLocalWebhookReceiver(undefined, { keep: false });
  const stack = await startStack({
    name: 'bench',
    common: CLOCK_OFFSET_MS
      ? { CLOCK_MODE: 'controllable', CLOCK_OFFSET_MS: String(CLOCK_OFFSET_MS), LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '250' }
      : { CLOCK_MODE: 'system', LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '250' },
    env: {
      notification: { SMTP_URL: smtp.url, ...(process.env.BENCH_DELIVERY_RATE_LIMITS ? { DELIVERY_RATE_LIMITS: process.env.BENCH_DELIVERY_RATE_LIMITS } : {}) },
      ...(PROVIDER_OVERRIDES ? { 'provider-scheduling': { PROVIDER_BOOKING_OVERRIDES: PROVIDER_OVERRIDES } } : {}),
    },
  });
  try {
    // The services' own default token (the stack sets none), unless this shell sets another.
    const endpoint = await fetch(`${stack.urls.notification}/v1/recipient-endpoints`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-internal-token': process.env.INTERNAL_API_TOKEN ?? 'dev-internal-token' },
      body: JSON.stringify({ role: 'provider', match: 'default', channel: 'webhook', address: hooks.url, secret: hooks.secret, recordedBy: 'bench' }),
    });
    if (!endpoint.ok) throw new Error(`could not set the providers' webhook endpoint: ${endpoint.status} ${await endpoint.text()}`);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return {
    stack,
    smtp,
    hooks,
    async stop() {
      await stack.stop();
      await smtp.stop();
      await hooks.stop();
    },
  };
}

const VACUUM_CHECK_SECONDS = Number(process.env.BENCH_VACUUM_SECONDS ?? 5);

/**
 * Autovacuum's stand-in. This machine's PostgreSQL runs with autovacuum off (`SHOW autovacuum`);
 * a deployment's has it on, the default, and its tables, large and long analyzed, have statistics.
 * Without any the service tables of a run are planned blind: the batched look-ups
 * (`referral_id = ANY($1)`) become sequential scans whose cost grows with each table (measured on
 * 2026-12-04: ~49 million rows read so in one full bench, referral_timeline 20.9 M, referral_case
 * 19.4 M, and the notification service fell behind at 800/s). So when the server's autovacuum is
 * off, the bench looks every BENCH_VACUUM_SECONDS (5; 0: never) at each service table and
 * - analyzes one that has 1,000 rows and no statistics yet, or has grown fourfold since its last
 *   (what the planner needs, the columns' shape, settles early; a full ANALYZE of every service
 *   database took 3–4 s of a core at 100,000 rows a table, too dear to repeat every few seconds);
 * - vacuums one whose dead rows pass autovacuum's own default rule (50 + 20 % of its rows).
 * Its CPU counts as Postgres's, as autovacuum's would.
 */
export async function startAutovacuumStandIn(stack: RunningStack): Promise<{ active: boolean; tablesDone(): { analyzed: number; vacuumed: number }; stop(): Promise<void> }> {
  const [setting] = await queryDatabase<{ autovacuum: string }>(stack.databases.referral, 'SHOW autovacuum');
  const done = { analyzed: 0, vacuumed: 0 };
  if (setting.autovacuum === 'on' || VACUUM_CHECK_SECONDS <= 0) return { active: false, tablesDone: () => done, stop: async () => undefined };
  // One connection per database for the whole run: a backend that exits takes its CPU time out of /proc (and of coresUsed).
  const clients = await Promise.all(SERVICE_NAMES.map(async (s) => {
    const client = new Client({ connectionString: stack.databases[s] });
    await client.connect();
    return client;
  }));
  let stopped = false;
  const pass = async (client: Client) => {
    const { rows } = await client.query<{ name: string; live: string; dead: string; mods: string; analyzed: boolean }>(
      `SELECT quote_ident(relname) AS name, n_live_tup AS live, n_dead_tup AS dead, n_mod_since_analyze AS mods,
              (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed FROM pg_stat_user_tables`,
    );
    // Grown fourfold since the last statistics: mods since then > 3/4 of the rows now.
    const analyze = rows.filter((r) => (!r.analyzed ? Number(r.live) >= 1_000 : Number(r.mods) > 0.75 * Number(r.live))).map((r) => r.name);
    const vacuum = rows.filter((r) => Number(r.dead) > 50 + 0.2 * Number(r.live)).map((r) => r.name);
    if (vacuum.length) await client.query(`VACUUM ${vacuum.join(', ')}`);
    if (analyze.length) await client.query(`ANALYZE ${analyze.join(', ')}`);
    done.analyzed += analyze.length;
    done.vacuumed += vacuum.length;
  };
  const loop = (async () => {
    while (!stopped) {
      for (let waited = 0; waited < VACUUM_CHECK_SECONDS * 1000 && !stopped; waited += 250) await sleep(250);
      if (stopped) break;
      for (const client of clients) await pass(client).catch(() => undefined);
    }
  })();
  return {
    active: true,
    tablesDone: () => done,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    },
  };
}

/** CPU seconds (user + system) of a process so far, from /proc; 0 when it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by each service, by PostgreSQL (every postgres process), the Kafka broker (java) and Redis. */
export function cpuSnapshot(stack: RunningStack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of SERVICE_NAMES) out[s] = stack.pid(s) ? cpuSecondsOf(stack.pid(s)!) : 0;
  for (const group of ['postgres', 'java', 'redis-server']) out[group] = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm = '';
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm in out && !SERVICE_NAMES.includes(comm as ServiceName)) out[comm] += cpuSecondsOf(Number(entry));
  }
  return out;
}
