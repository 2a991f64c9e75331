import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureDatabase, redisOptions, runMigrations } from '@ddp/platform';
import { REPO_ROOT, freePort, queryDatabase, resetDatabase, startLocalSmtpServer, testDatabaseUrl, waitUntil, type LocalSmtpServer } from '@ddp/testing';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../services/notification/src/migrations';

/*
 * The notification service started over a large backlog, as after an SMTP outage: pending
 * notices in its database and their jobs waiting in Redis (delayed, as retries are), then
 * its clock moved past them all (CLOCK_MODE=controllable, as the e2e stacks and benchmarks
 * run), so every job falls due at once. It must stay up, within its memory budget
 * (tools/service-node-args.js), and drain the backlog at a steady memory: every pass over
 * rows (re-marking them at start) and jobs (promoting them when the clock moves) goes in
 * bounded pages. The service runs as npm start runs it: its own process, the same V8 limits.
 * BACKLOG_NOTICES sets the size (default 200,000), BACKLOG_WATCH_S how long the drain is
 * watched (default 30 s); the figures are printed, the bounds asserted are generous.
 */

const NOTICES = Number(process.env.BACKLOG_NOTICES ?? 200_000);
const WATCH_MS = Number(process.env.BACKLOG_WATCH_S ?? 30) * 1000;
/** Each service's resident-memory budget (tools/service-node-args.js). */
const RSS_BUDGET_MB = 256;
const JOBS_PER_CALL = 5000;
const HOUR_MS = 3_600_000;

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the notification service over a backlog of pending notices', () => {
  const db = testDatabaseUrl('notification_backlog');
  const redisPrefix = `ddp-backlog-${randomUUID().slice(0, 8)}`;
  let smtp: LocalSmtpServer;
  let service: ChildProcess | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    await resetDatabase(db);
    await ensureDatabase(db);
    const dataSource = await new DataSource({ type: 'postgres', url: db, migrations: NOTIFICATION_MIGRATIONS }).initialize();
    try {
      await runMigrations(dataSource);
      // Officer notices: the endpoint comes from the migration's default, no contact lookup.
      await dataSource.query(
        `INSERT INTO notification (id, referral_id, template, channel, recipient_role, recipient_key, category, status, due_at, context,
                                   source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
         SELECT 'backlog-' || g, gen_random_uuid()::text, 'referral-accepted', 'email', 'officer', 'TV1234', 'operational', 'queued',
                now() + interval '1 hour',
                jsonb_build_object('shortRef', 'BKLG-' || lpad((g % 10000)::text, 4, '0'), 'area', 'thames-valley', 'encounterId', 'enc-' || g,
                                   'officerCollarNumber', 'TV1234', 'deadline', (now() + interval '5 days')::text),
                'event-' || g, 'ReferralCreated', 'corr-' || g, false, now(), now()
           FROM generate_series(1, $1) AS g`,
        [NOTICES],
      );
    } finally {
      await dataSource.destroy();
    }
    const queue = new Queue('notification-email', { connection: redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'queue'), prefix: redisPrefix });
    try {
      const dueAt = new Date(Date.now() + HOUR_MS).toISOString();
      for (let from = 1; from <= NOTICES; from += JOBS_PER_CALL) {
        const ids = Array.from({ length: Math.min(JOBS_PER_CALL, NOTICES - from + 1) }, (_, i) => `backlog-${from + i}`);
        await queue.addBulk(ids.map((id) => ({ name: 'referral-accepted', data: { notificationId: id, dueAt }, opts: { jobId: id, delay: HOUR_MS, attempts: 6, removeOnComplete: true } })));
      }
    } finally {
      await queue.close();
    }
    smtp = await startLocalSmtpServer({ keep: false });
  }, 300_000);

  afterAll(async () => {
    if (service && service.exitCode === null && service.signalCode === null) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service!.once('exit', resolve));
    }
    await smtp?.stop();
  });

  it('stays up within its memory budget and drains the backlog at a steady memory', async () => {
    const port = await freePort();
    const { serviceNodeArgs } = createRequire(__filename)(path.join(REPO_ROOT, 'tools/service-node-args.js')) as { serviceNodeArgs(root: string): string[] };
    service = spawn(process.execPath, [...serviceNodeArgs(REPO_ROOT), path.join(REPO_ROOT, 'dist/services/notification/src/main.js')], {
      env: {
        ...process.env, PORT: String(port), DATABASE_URL: db, REDIS_PREFIX: redisPrefix, SMTP_URL: smtp.url, LOG_LEVEL: 'warn',
        KAFKA_GROUP_SUFFIX: `-backlog-${redisPrefix}`, KAFKA_NEW_GROUP_START: 'latest', KAFKAJS_NO_PARTITIONER_WARNING: '1',
        CLOCK_MODE: 'controllable',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean).slice(-50));
    service.stdout!.on('data', keep);
    service.stderr!.on('data', keep);
    let exit: string | null = null;
    service.once('exit', (code, signal) => (exit = `${signal ?? code}`));
    const pid = service.pid!;

    const started = Date.now();
    const samples: Array<{ atMs: number; rssMb: number }> = [];
    const sent = async () => Number((await queryDatabase<{ n: string }>(db, `SELECT count(*) AS n FROM notification WHERE status = 'sent'`))[0].n);
    let readyAtMs: number | null = null;
    while (Date.now() - started < WATCH_MS && exit === null) {
      const rss = rssMb(pid);
      if (rss !== null) samples.push({ atMs: Date.now() - started, rssMb: rss });
      if (readyAtMs === null && (await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false))) {
        readyAtMs = Date.now() - started;
        // Two hours on: every notice and job falls due at once (a service dying here is caught below).
        await fetch(`http://127.0.0.1:${port}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 2 * HOUR_MS }) }).catch(() => null);
      }
      await sleep(250);
    }
    const sentInWatch = await sent();
    const watchedMs = Date.now() - started;
    const peak = Math.max(...samples.map((s) => s.rssMb));
    const firstHalf = samples.filter((s) => s.atMs < watchedMs / 2);
    const secondHalf = samples.filter((s) => s.atMs >= watchedMs / 2);
    const peakOf = (xs: typeof samples) => Math.max(...xs.map((s) => s.rssMb));
    const rate = sentInWatch / (watchedMs / 1000);
    // The figures, for the report (not asserted: timings depend on the machine).
    console.log(
      `backlog of ${NOTICES} notices: HTTP up after ${readyAtMs ?? '-'} ms; ${sentInWatch} sent in ${Math.round(watchedMs / 1000)} s (${rate.toFixed(0)}/s, ` +
        `a full drain at that rate ~${Math.round(NOTICES / Math.max(rate, 1))} s); RSS peak ${peak.toFixed(0)} MB ` +
        `(first half ${peakOf(firstHalf).toFixed(0)} MB, second half ${peakOf(secondHalf).toFixed(0)} MB), budget ${RSS_BUDGET_MB} MB`,
    );

    expect({ exit, lastLogLines: exit ? logs.slice(-10) : [] }).toEqual({ exit: null, lastLogLines: [] });
    expect(peak).toBeLessThan(RSS_BUDGET_MB);
    // Steady: the second half of the watch holds no more than the first half plus a margin (no growth with the backlog).
    expect(peakOf(secondHalf)).toBeLessThan(peakOf(firstHalf) + 40);
    expect(sentInWatch).toBeGreaterThan(0);
    await waitUntil(async () => (await sent()) > sentInWatch, 'deliveries still going on', 15_000);
  }, 600_000);
});
