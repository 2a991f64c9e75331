import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT, comingMondayAtTen, queryDatabase, resetDatabase, testDatabaseUrl, waitUntil } from '@ddp/testing';

// A newcomer's first run: the pieces of `npm start` (tools/start.sh) as it runs them, the local
// outbox and tools/run-services.js with the local run's settings, then the README's "Try it".
// It ends with the person's booking confirmation and the provider's new-referral webhook in the
// outbox's list, and no delivery error in any log. What differs from `npm start`, so that it can
// run on a machine shared with other suites and on any day: its own databases, Redis prefix and
// consumer groups, and the services' clocks starting on the coming Monday at 10:00 (on a weekend
// no provider has a slot by the next day and the referral would be escalated; at night an SMS
// waits for the end of quiet hours).
const localRun = createRequire(__filename)(path.join(REPO_ROOT, 'tools/local-run.js')) as {
  LOCAL_OUTBOX: { pagePort: number; webhookPort: number };
  localOutboxEnv(env: NodeJS.ProcessEnv): Record<string, string>;
};
const PREFIX = 'ddp_test_first_run_';
const DATABASES = ['referral', 'provider_scheduling', 'outcome', 'notification'].map((name) => testDatabaseUrl(`first_run_${name}`));

/** The encounter the README's "Try it" posts (read from it, so the two cannot drift), happening at `now`. */
function tryItEncounter(now: Date): { url: string; body: Record<string, any> } {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const curl = /curl -s -X POST (\S+) -H 'content-type: application\/json' -d '(\{[\s\S]*?\})'\s*\n```/.exec(section);
  if (!curl) throw new Error('README "Try it" has no curl POST');
  // The shell puts the time now where the README says $(date -u +%FT%TZ).
  const json = curl[2].replace(`'"$(date -u +%FT%TZ)"'`, now.toISOString().replace(/\.\d+Z$/, 'Z'));
  return { url: curl[1], body: JSON.parse(json) };
}

interface Running {
  child: ChildProcess;
  lines: string[];
}

function run(script: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, lines };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await exited;
}

const sentList = async () => ((await (await fetch(`http://127.0.0.1:${localRun.LOCAL_OUTBOX.pagePort}/sent.json`)).json()) as { sent: Array<Record<string, string>> }).sent;

describe('a first run: npm start, then the README "Try it"', () => {
  let outbox: Running | undefined;
  let services: Running | undefined;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    await Promise.all(DATABASES.map(resetDatabase));
    const runId = Date.now().toString(36);
    clockOffsetMs = comingMondayAtTen().getTime() - Date.now();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_NAME_PREFIX: PREFIX,
      REDIS_PREFIX: `ddp-first-run-${runId}`,
      KAFKA_GROUP_SUFFIX: `-first-run-${runId}`,
      KAFKA_NEW_GROUP_START: 'latest',
      CLOCK_MODE: 'controllable',
      CLOCK_OFFSET_MS: String(clockOffsetMs),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    // As tools/start.sh: the local run's settings for what is not set, then the outbox and the services.
    Object.assign(env, localRun.localOutboxEnv(env));
    outbox = run('local-outbox.js', env);
    await waitUntil(() => outbox!.lines.some((l) => l.includes('what was sent to whom')), 'the local outbox', 10_000);
    services = run('run-services.js', env);
    await waitUntil(() => services!.lines.some((l) => l.includes('Drug Diversion Platform is up')), 'the services ready', 120_000, 500);
    await waitUntil(() => outbox!.lines.some((l) => l.includes("providers' notices go to the webhook receiver")), 'the provider endpoint configured', 10_000);
  }, 180_000);

  afterAll(async () => {
    await stop(services);
    await stop(outbox);
  }, 30_000);

  it('shows the booking confirmation and the new-referral webhook in the outbox, with no delivery error logged', async () => {
    const { url, body } = tryItEncounter(new Date(Date.now() + clockOffsetMs - 1000));
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);

    const person = body.person.contact;
    await waitUntil(async () => {
      const sent = await sentList();
      return sent.some((s) => s.to === person.phone || s.to === person.email) && sent.some((s) => s.channel === 'webhook');
    }, 'the person\'s and the provider\'s notices in the outbox', 60_000, 500).catch(async (e) => {
      console.log(JSON.stringify(await sentList(), null, 1), services!.lines.slice(-80).join('\n'), outbox!.lines.join('\n'));
      throw e;
    });
    // Notices caused together go out together: give the last of them a moment.
    await new Promise((r) => setTimeout(r, 2000));
    const sent = await sentList();

    const toPerson = sent.filter((s) => s.to === person.phone || s.to === person.email);
    expect(toPerson).toEqual([expect.objectContaining({ channel: 'sms', via: 'notify', to: person.phone, text: expect.stringMatching(/assessment/i) })]);
    expect(sent).toContainEqual(expect.objectContaining({ channel: 'webhook', subject: 'new-referral', to: expect.stringContaining('/hooks') }));
    expect(sent.filter((s) => s.problem)).toEqual([]);
    expect(sent).toContainEqual(expect.objectContaining({ channel: 'email', via: 'smtp', to: expect.stringContaining('diversion-officers@') }));

    // `npm run sent` prints the same list.
    const printed = run('sent.js', process.env);
    await new Promise((r) => printed.child.once('exit', r));
    expect(printed.child.exitCode).toBe(0);
    expect(printed.lines.join('\n')).toContain(`sms via notify to ${person.phone}`);

    // The Notify stand-in's delivery receipt for the SMS reached the notification service, as
    // Notify's callback does (a show-cause window counts from such a receipt).
    await waitUntil(async () => (await queryDatabase(DATABASES[3], `SELECT 1 FROM delivery_receipt WHERE status = 'delivered'`)).length > 0, 'the SMS delivery receipt recorded', 10_000);

    const logs = [...services!.lines, ...outbox!.lines];
    expect(logs.filter((l) => /delivery attempt failed|notification failed|could not configure|"level":"(error|fatal)"/.test(l))).toEqual([]);
  }, 90_000);
});
