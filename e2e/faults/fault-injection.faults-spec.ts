import { DEAD_LETTER_TOPICS, TOPICS, type Encounter, type EventEnvelope } from '@ddp/contracts';
import { createKafka, redisOptions } from '@ddp/platform';
import {
  EventTap, SERVICE_NAMES, anEncounter, comingMondayAtTen, queryDatabase, sleep, startFaultLab, startLocalSmtpServer, startStack, testProducer, waitUntil,
  type FaultLab, type LocalSmtpServer, type RunningStack, type ServiceName,
} from '@ddp/testing';
import { Queue } from 'bullmq';
import type { Kafka, Producer } from 'kafkajs';

/*
 * `npm run test:faults`: the four services as processes on a Kafka broker, a Redis and a
 * PostgreSQL server of this suite's own (libs/testing/src/fault-lab.ts), fed a steady
 * stream of encounters through Kafka and HTTP while each part is killed in turn: kill -9
 * of every service and restart, kill -9 of the broker and of Redis (which loses all its
 * jobs: it keeps nothing on disk), an immediate restart of PostgreSQL, and poison
 * messages. Then the platform's promises are checked and the counts printed.
 */

const GAP_MS = Number(process.env.FAULTS_GAP_MS ?? 6000);
const KAFKA_PER_TICK = 1; // encounters per 200 ms through Kafka (~5/s)
const HTTP_EVERY_MS = 700;
const AREAS = ['reading', 'wokingham', 'bracknell-forest', 'windsor-maidenhead', 'slough', 'wycombe', 'milton-keynes', 'oxford', 'cherwell-west-oxfordshire', 'south-vale'];
const POISON_HEADER = 'x-fault-poison';

interface Sent {
  encounter: Encounter;
  via: 'kafka' | 'http';
  eligible: boolean;
}

/** Plays the police systems: encounters through Kafka and HTTP, resent until accepted (at least once). */
class EncounterStream {
  readonly sent = new Map<string, Sent>();
  resent = 0;
  httpRetries = 0;
  kafkaRetries = 0;
  readonly unexpectedHttp: string[] = [];
  private running = true;
  private area = 0;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly producer: Producer, private readonly referralUrl: () => string, private readonly servicesNow: () => Date) {}

  start(): void {
    this.loops.push(this.kafkaLoop(), this.httpLoop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private next(via: Sent['via']): Encounter {
    const n = this.sent.size;
    // Every tenth is declined (suspected supply); the rest are eligible adults.
    const eligible = n % 10 !== 0;
    const encounter = anEncounter({
      area: AREAS[this.area++ % AREAS.length],
      occurredAt: new Date(this.servicesNow().getTime() - 60_000).toISOString(),
      indicators: { suspectedSupply: !eligible },
    });
    this.sent.set(encounter.encounterId, { encounter, via, eligible });
    return encounter;
  }

  private async kafkaLoop(): Promise<void> {
    while (this.running) {
      const batch = Array.from({ length: KAFKA_PER_TICK }, () => this.next('kafka'));
      // Now and then a police system sends one again (a retry on its side).
      if (this.sent.size % 20 === 0) {
        batch.push([...this.sent.values()][Math.floor(this.sent.size / 2)].encounter);
        this.resent++;
      }
      for (;;) {
        try {
          await this.producer.send({
            topic: TOPICS.policeEncounters,
            acks: -1,
            messages: batch.map((e) => ({ key: e.encounterId, value: JSON.stringify(e) })),
          });
          break;
        } catch {
          this.kafkaRetries++; // the broker is down: keep the batch and try again
          await sleep(500);
        }
      }
      await sleep(200);
    }
  }

  private async httpLoop(): Promise<void> {
    while (this.running) {
      const encounter = this.next('http');
      for (;;) {
        try {
          const res = await fetch(`${this.referralUrl()}/v1/encounters`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(encounter),
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          if (res.status === 200 || res.status === 201) break;
          if (res.status < 500) {
            this.unexpectedHttp.push(`${encounter.encounterId}: ${res.status}`);
            break;
          }
        } catch {
          // the service is down or restarting
        }
        this.httpRetries++; // an officer's device tries again
        await sleep(1000);
      }
      await sleep(HTTP_EVERY_MS);
    }
  }
}

describe('fault injection', () => {
  let lab: FaultLab;
  let stack: RunningStack;
  let kafka: Kafka;
  let tap: EventTap;
  let producer: Producer;
  let smtp: LocalSmtpServer;
  const counts: Record<string, number | string> = {};
  const poison = new Map<string, { topic: string; consumers: ServiceName[] }>();

  beforeAll(async () => {
    lab = await startFaultLab();
    // Notices really go out (an SMTP server on loopback), so the delivery log settles.
    smtp = await startLocalSmtpServer();
    stack = await startStack({
      name: 'faults',
      // Bookings fall at the services' "now": a weekday morning, whatever the day it runs (see comingMondayAtTen).
      startAt: comingMondayAtTen(),
      postgresAdminUrl: lab.postgresAdminUrl,
      common: {
        KAFKA_BROKERS: lab.kafkaBrokers,
        REDIS_URL: lab.redisUrl,
        // The lab broker holds only this suite's messages: a group that has not committed
        // yet (a service killed early) must start from the beginning, as in production.
        KAFKA_NEW_GROUP_START: 'earliest',
        // Info logs kept (in memory) so a failure here can be diagnosed from what each service said.
        LOG_LEVEL: 'log',
      },
      env: { notification: { SMTP_URL: smtp.url } },
    });
    kafka = createKafka(lab.kafkaBrokers, 'fault-suite');
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling, TOPICS.outcome], kafka);
    producer = await testProducer(kafka);
  }, 300_000);

  afterAll(async () => {
    // What went wrong, if anything did: each service's last errors.
    for (const s of SERVICE_NAMES) {
      const errors = (stack?.logs[s] ?? []).filter((l) => l.includes('"level":"error"')).slice(-8);
      if (errors.length) process.stdout.write(`[faults] ${s}: last errors\n${errors.map((l) => `  ${l.slice(0, 600)}`).join('\n')}\n`);
    }
    await producer?.disconnect().catch(() => undefined);
    await tap?.stop().catch(() => undefined);
    await stack?.stop();
    await lab?.stop();
    await smtp?.stop();
  }, 120_000);

  /** The services' events of a type (the poison messages this suite injected left out). */
  function envelopes<T = Record<string, unknown>>(eventType: string): Array<EventEnvelope<T>> {
    return tap.messages
      .filter((m) => m.headers[POISON_HEADER] === undefined)
      .map((m) => m.value as EventEnvelope<T>)
      .filter((e) => e && e.eventType === eventType);
  }

  /** Distinct events by id (the relay publishes at least once, so a copy may arrive twice). */
  function distinct<T>(events: Array<EventEnvelope<T>>): Array<EventEnvelope<T>> {
    return [...new Map(events.map((e) => [e.eventId, e])).values()];
  }

  async function injectPoison(): Promise<void> {
    const messages: Array<{ id: string; topic: string; consumers: ServiceName[]; value: string }> = [
      { id: 'not-json-encounter', topic: TOPICS.policeEncounters, consumers: ['referral'], value: '{"encounterId": "ENC-broken' },
      { id: 'encounter-without-person', topic: TOPICS.policeEncounters, consumers: ['referral'], value: JSON.stringify({ ...anEncounter(), person: undefined }) },
      { id: 'not-an-envelope', topic: TOPICS.referral, consumers: ['provider-scheduling', 'outcome', 'notification'], value: JSON.stringify({ hello: 'world' }) },
      {
        id: 'referral-created-without-data',
        topic: TOPICS.referral,
        consumers: ['provider-scheduling', 'outcome', 'notification'],
        value: JSON.stringify({
          eventId: '3f0c1a8e-0000-4000-8000-00000000f001', eventType: 'ReferralCreated', eventVersion: 1, occurredAt: new Date().toISOString(),
          correlationId: 'fault-suite', causationId: null, producer: 'referral-service', key: '3f0c1a8e-0000-4000-8000-0000000000a1', data: {},
        }),
      },
      {
        id: 'assessment-scheduled-without-data',
        topic: TOPICS.scheduling,
        consumers: ['referral', 'outcome', 'notification'],
        value: JSON.stringify({
          eventId: '3f0c1a8e-0000-4000-8000-00000000f002', eventType: 'AssessmentScheduled', eventVersion: 1, occurredAt: new Date().toISOString(),
          correlationId: 'fault-suite', causationId: null, producer: 'provider-scheduling-service', key: '3f0c1a8e-0000-4000-8000-0000000000a2', data: { referralId: 42 },
        }),
      },
    ];
    for (const m of messages) {
      poison.set(m.id, { topic: m.topic, consumers: m.consumers });
      await producer.send({ topic: m.topic, acks: -1, messages: [{ key: `poison-${m.id}`, value: m.value, headers: { [POISON_HEADER]: m.id } }] });
    }
  }

  async function killAndRestart(service: ServiceName): Promise<void> {
    await stack.kill(service, 'SIGKILL');
    expect(stack.lastExit[service]?.signal).toBe('SIGKILL');
    // Its HTTP API answers before its consumer is back in the group (that waits for the killed
    // member's session to run out): an officer's encounter is taken meanwhile.
    const started = Date.now();
    let answeredAt: number | null = null;
    const watch = (async () => {
      while (answeredAt === null && Date.now() - started < 120_000) {
        const ok = await fetch(`${stack.urls[service]}/health/live`).then((r) => r.ok, () => false);
        if (ok) answeredAt = Date.now();
        else await sleep(50);
      }
    })();
    await stack.start(service);
    const readyAt = Date.now();
    await watch;
    expect(answeredAt).not.toBeNull();
    expect(answeredAt!).toBeLessThan(readyAt);
    counts[`kill -9 ${service}: HTTP answering, then ready, in ms`] = `${answeredAt! - started} / ${readyAt - started}`;
  }

  it('keeps every promise while services, the broker, Redis and PostgreSQL fail under a stream of encounters', async () => {
    const stream = new EncounterStream(producer, () => stack.urls.referral, () => stack.now());
    const faults: Array<[string, () => Promise<void>]> = [
      ...SERVICE_NAMES.map((s): [string, () => Promise<void>] => [`kill -9 ${s}, restart`, () => killAndRestart(s)]),
      ['kill -9 the Kafka broker, restart', async () => {
        await lab.killKafka();
        await sleep(2000);
        await lab.startKafka();
      }],
      ['kill -9 Redis (its jobs are lost), restart', async () => {
        await lab.killRedis();
        await sleep(1000);
        await lab.startRedis();
      }],
      ['restart PostgreSQL (immediate shutdown)', () => lab.restartPostgres()],
      ['poison messages', injectPoison],
    ];
    const log = (msg: string) => process.stdout.write(`[faults] ${new Date().toISOString()} ${msg}\n`);

    stream.start();
    try {
      for (const [name, fault] of faults) {
        await sleep(GAP_MS);
        const started = Date.now();
        log(`${name} (${stream.sent.size} encounters sent so far)`);
        await fault();
        counts[`${name}: back in ms`] = Date.now() - started;
      }
      await sleep(GAP_MS);
    } finally {
      await stream.stop();
    }
    log(`stream stopped: ${stream.sent.size} encounters (${stream.resent} resent by Kafka, ${stream.httpRetries} HTTP retries, ${stream.kafkaRetries} Kafka retries)`);

    const all = [...stream.sent.values()];
    const eligible = all.filter((s) => s.eligible).map((s) => s.encounter.encounterId);
    const ineligible = all.filter((s) => !s.eligible).map((s) => s.encounter.encounterId);

    // Quiescence: every encounter decided, every referral scheduled or escalated, every
    // outbox row published, every notification row's job in Redis.
    const decisions = async () =>
      queryDatabase<{ encounter_id: string; decision: string; id: string }>(stack.databases.referral, 'SELECT encounter_id, decision, id FROM referral');
    await waitUntil(async () => (await decisions()).length >= all.length, 'every encounter to be decided', 180_000, 1000).catch(async (error) => {
      const decided = new Set((await decisions()).map((r) => r.encounter_id));
      throw new Error(`${error.message}; undecided: ${all.filter((s) => !decided.has(s.encounter.encounterId)).length} of ${all.length}`);
    });
    const rows = await decisions();
    const referralIds = rows.filter((r) => r.decision === 'referred').map((r) => r.id);
    await waitUntil(
      () => {
        const handled = new Set([...envelopes('AssessmentScheduled'), ...envelopes('AssessmentEscalated')].map((e) => e.key));
        return referralIds.every((id) => handled.has(id));
      },
      'every referral to be scheduled or escalated',
      180_000,
      1000,
    );
    const unpublished = async () => {
      let n = 0;
      for (const s of SERVICE_NAMES) n += Number((await queryDatabase<{ n: string }>(stack.databases[s], 'SELECT count(*) AS n FROM outbox_message WHERE published_at IS NULL'))[0].n);
      return n;
    };
    await waitUntil(async () => (await unpublished()) === 0, 'every outbox row to be published', 120_000, 1000);
    await waitUntil(
      async () => Number((await queryDatabase<{ n: string }>(stack.databases.notification, 'SELECT count(*) AS n FROM notification WHERE needs_sync'))[0].n) === 0,
      'every notification row to be in Redis',
      180_000,
      1000,
    );
    await sleep(3000); // late copies on their way to the tap

    // 1. Every eligible encounter has exactly one referral; every other one, one decline.
    const byEncounter = new Map<string, string[]>();
    for (const r of rows) byEncounter.set(r.encounter_id, [...(byEncounter.get(r.encounter_id) ?? []), r.decision]);
    expect(eligible.filter((id) => JSON.stringify(byEncounter.get(id)) !== '["referred"]')).toEqual([]);
    expect(ineligible.filter((id) => JSON.stringify(byEncounter.get(id)) !== '["declined"]')).toEqual([]);
    expect(rows).toHaveLength(all.length);
    expect(stream.unexpectedHttp).toEqual([]);
    // ... and one ReferralCreated per referral downstream, whatever was redelivered.
    const created = distinct(envelopes<{ encounterId: string }>('ReferralCreated'));
    const createdPerEncounter = new Map<string, Set<string>>();
    for (const e of created) createdPerEncounter.set(e.data.encounterId, (createdPerEncounter.get(e.data.encounterId) ?? new Set()).add(e.key));
    expect(eligible.filter((id) => createdPerEncounter.get(id)?.size !== 1)).toEqual([]);
    const schedulingRows = await queryDatabase<{ referral_id: string; n: string }>(
      stack.databases['provider-scheduling'],
      'SELECT referral_id, count(*) AS n FROM scheduling_referral GROUP BY referral_id',
    );
    expect(schedulingRows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(new Set(schedulingRows.map((r) => r.referral_id))).toEqual(new Set(referralIds));

    // 2. Every scheduled appointment has exactly one deadline job, and every pending
    //    reminder exactly one job, even though Redis lost everything midway.
    const booked = await queryDatabase<{ id: string; starts_at: Date }>(
      stack.databases['provider-scheduling'],
      "SELECT id, starts_at FROM appointment WHERE kind = 'assessment' AND status = 'booked'",
    );
    const scheduled = distinct(envelopes<{ appointmentId: string }>('AssessmentScheduled'));
    expect(new Set(booked.map((a) => a.id))).toEqual(new Set(scheduled.map((e) => e.data.appointmentId)));
    const connection = redisOptions(lab.redisUrl);
    const prefix = stack.redisPrefix;
    const deadlines = new Queue('provider-scheduling-deadlines', { connection, prefix });
    const missingDeadlineJobs: string[] = [];
    for (const a of booked) {
      const job = await deadlines.getJob(`assessment-deadline-${a.id}`);
      if (!job || !['delayed', 'waiting', 'prioritized'].includes(await job.getState())) missingDeadlineJobs.push(a.id);
    }
    await deadlines.close();
    expect(missingDeadlineJobs).toEqual([]);
    const pending = await queryDatabase<{ id: string; channel: string; appointment_id: string | null; reminder_offset: string | null }>(
      stack.databases.notification,
      "SELECT id, channel, appointment_id, reminder_offset FROM notification WHERE status IN ('scheduled', 'held-quiet-hours')",
    );
    const queues = new Map<string, Queue>();
    const missingNotificationJobs: string[] = [];
    for (const n of pending) {
      const queue = queues.get(n.channel) ?? new Queue(`notification-${n.channel}`, { connection, prefix });
      queues.set(n.channel, queue);
      const job = await queue.getJob(n.id);
      if (!job || !['delayed', 'waiting', 'prioritized', 'active'].includes(await job.getState())) missingNotificationJobs.push(n.id);
    }
    await Promise.all([...queues.values()].map((q) => q.close()));
    expect(missingNotificationJobs).toEqual([]);
    const reminders = pending.filter((n) => n.reminder_offset !== null);
    const reminderKeys = reminders.map((n) => `${n.appointment_id}/${n.reminder_offset}/${n.id.split(':').pop()}`);
    expect(new Set(reminderKeys).size).toBe(reminderKeys.length);

    // 3. No duplicate SummonsRequested (distinct event ids per referral).
    const summons = distinct(envelopes('SummonsRequested'));
    expect(new Set(summons.map((e) => e.key)).size).toBe(summons.length);

    // 4. Every outbox row published (and seen on its topic).
    expect(await unpublished()).toBe(0);
    const seenIds = new Set(tap.messages.map((m) => (m.value as EventEnvelope | null)?.eventId));
    const notSeen: string[] = [];
    for (const s of SERVICE_NAMES) {
      const ids = await queryDatabase<{ event_id: string; topic: string }>(stack.databases[s], 'SELECT event_id, topic FROM outbox_message');
      notSeen.push(...ids.filter((r) => [TOPICS.referral, TOPICS.scheduling, TOPICS.outcome].includes(r.topic as never) && !seenIds.has(r.event_id)).map((r) => `${s}:${r.event_id}`));
      counts[`outbox rows ${s}`] = ids.length;
    }
    expect(notSeen).toEqual([]);

    // 5. The dead-letter topics hold exactly the poison messages, each once per consumer.
    const deadLetters = await readWholeTopics(Object.values(DEAD_LETTER_TOPICS));
    for (const s of SERVICE_NAMES) {
      const expected = [...poison.entries()].filter(([, p]) => p.consumers.includes(s)).map(([id]) => id).sort();
      const actual = deadLetters.filter((m) => m.topic === DEAD_LETTER_TOPICS[serviceKey(s)]).map((m) => m.headers[POISON_HEADER] ?? `not poison: ${m.headers['x-dlq-error'] ?? m.raw?.slice(0, 200)}`).sort();
      expect({ service: s, deadLetters: actual }).toEqual({ service: s, deadLetters: expected });
    }

    Object.assign(counts, {
      'encounters sent': all.length,
      'via Kafka': all.filter((s) => s.via === 'kafka').length,
      'via HTTP': all.filter((s) => s.via === 'http').length,
      'resent duplicates': stream.resent,
      'HTTP retries': stream.httpRetries,
      'Kafka produce retries': stream.kafkaRetries,
      referrals: referralIds.length,
      declines: rows.length - referralIds.length,
      'ReferralCreated copies on the topic': envelopes('ReferralCreated').length,
      'ReferralCreated distinct': created.length,
      'assessments booked': booked.length,
      'assessments escalated': distinct(envelopes('AssessmentEscalated')).length,
      'deadline jobs present': booked.length - missingDeadlineJobs.length,
      'pending notifications with a job': pending.length - missingNotificationJobs.length,
      'pending reminders': reminders.length,
      'SummonsRequested distinct': summons.length,
      'e-mails delivered (local SMTP)': smtp.messages.length,
      'dead letters': deadLetters.length,
      'poison messages': poison.size,
    });
    process.stdout.write(`[faults] counts\n${Object.entries(counts).map(([k, v]) => `  ${k.padEnd(48)} ${v}`).join('\n')}\n`);
  }, 900_000);

  it('requests one summons per missed assessment, with the outcome service killed while the windows close', async () => {
    const booked = await queryDatabase<{ id: string; referral_id: string; provider_id: string; deadline: Date }>(
      stack.databases['provider-scheduling'],
      "SELECT id, referral_id, provider_id, deadline FROM appointment WHERE kind = 'assessment' AND status = 'booked'",
    );
    expect(booked.length).toBeGreaterThan(0);
    const missing = new Set(booked.map((a) => a.referral_id));

    // Every assessment deadline passes: the deadline jobs (re-derived after Redis lost them)
    // ask the provider, who records each as missed without good reason (the clock alone never
    // makes a miss), and the outcome service opens a review for each.
    await moveEveryClockTo(new Date(Math.max(...booked.map((a) => new Date(a.deadline).getTime())) + 60_000));
    for (const a of booked) {
      const url = `${stack.urls['provider-scheduling']}/v1/providers/${a.provider_id}/appointments/${a.id}/assessment-outcome`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-actor-id': 'caseworker-faults' },
        body: JSON.stringify({ outcome: 'missed', absenceClass: 'unacceptable' }),
      });
      expect(res.status).toBeLessThan(300);
    }
    await waitUntil(() => [...missing].every((id) => envelopes('ComplianceReviewOpened').some((e) => e.key === id)), 'a review for every missed assessment', 240_000, 1000);

    // Every show-cause window closes; the outcome service dies mid-wave and comes back.
    const opened = distinct(envelopes<{ showCauseDeadline: string }>('ComplianceReviewOpened')).filter((e) => missing.has(e.key));
    const windowsClosed = new Date(Math.max(...opened.map((e) => Date.parse(e.data.showCauseDeadline))) + 31 * 60_000);
    await moveEveryClockTo(windowsClosed);
    await waitUntil(() => distinct(envelopes('SummonsRequested')).length > 0, 'the first summons request', 120_000, 100);
    await stack.kill('outcome', 'SIGKILL');
    await stack.start('outcome'); // its clock starts where the others' are (CLOCK_OFFSET_MS)
    await waitUntil(() => [...missing].every((id) => envelopes('SummonsRequested').some((e) => e.key === id)), 'a summons request for every missed assessment', 240_000, 1000);
    await waitUntil(
      async () => Number((await queryDatabase<{ n: string }>(stack.databases.outcome, 'SELECT count(*) AS n FROM outbox_message WHERE published_at IS NULL'))[0].n) === 0,
      'the outcome outbox to be published',
      120_000,
      1000,
    );
    await sleep(3000);

    const summons = distinct(envelopes<{ summonsRequestId: string }>('SummonsRequested'));
    const perReferral = new Map<string, number>();
    for (const e of summons) perReferral.set(e.key, (perReferral.get(e.key) ?? 0) + 1);
    expect([...perReferral.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(perReferral.keys())).toEqual(missing);
    const stored = await queryDatabase<{ referral_id: string }>(stack.databases.outcome, 'SELECT referral_id FROM summons_request');
    expect(stored.map((r) => r.referral_id).sort()).toEqual([...missing].sort());
    process.stdout.write(
      `[faults] summons: ${missing.size} missed assessments → ${summons.length} SummonsRequested (${envelopes('SummonsRequested').length} copies on the topic), outcome killed mid-wave\n`,
    );
  }, 900_000);

  async function clockOf(service: ServiceName): Promise<Date> {
    const res = await fetch(`${stack.urls[service]}/admin/clock`);
    return new Date(((await res.json()) as { now: string }).now);
  }

  /** Every service's clock to `at` (forward only). */
  async function moveEveryClockTo(at: Date): Promise<void> {
    const ms = at.getTime() - (await clockOf('referral')).getTime();
    if (ms > 0) await stack.advanceClock(ms);
  }

  async function readWholeTopics(topics: string[]) {
    const reader = await EventTap.start(topics, kafka, { fromBeginning: true });
    await sleep(3000);
    await reader.stop();
    return reader.messages;
  }
});

function serviceKey(service: ServiceName): keyof typeof DEAD_LETTER_TOPICS {
  return (service === 'provider-scheduling' ? 'providerScheduling' : service) as keyof typeof DEAD_LETTER_TOPICS;
}
