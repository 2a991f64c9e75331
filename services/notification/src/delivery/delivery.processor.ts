import { Inject, Injectable } from '@nestjs/common';
import { NotificationFailed, NotificationSent, type EventEnvelope } from '@ddp/contracts';
import { binder, Clock, CoalescingQueue, JsonLogger, OUTBOX_COLUMNS, Outbox, SERVICE_CONFIG, describeError } from '@ddp/platform';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { CHANNEL_ADAPTERS, type ChannelAdapters, type OutgoingMessage } from '../channels/channel-adapter';
import { ChannelBusy, DeliveryError } from '../channels/delivery-error';
import { FINAL_STATUSES, NotificationEntity } from '../deliveries/notification.entity';
import type { NotificationConfig } from '../notification.config';
import type { Preference } from '../preferences/preferences.service';
import { endOfQuietHours, parseQuietHours, type QuietHours } from '../preferences/quiet-hours';
import { maskDestination, scrubPersonalData } from '../privacy/masking';
import { RecipientDirectory } from '../recipients/recipient-directory';
import { DeliveryReceiptsService } from '../receipts/delivery-receipts.service';
import type { Channel } from '../templates/catalogue';
import { messageVariables } from '../templates/message-variables';
import { TemplateError, TemplateStore, type RenderedMessage } from '../templates/template-renderer';
import { DeliveryQueues, type DeliveryJobData } from './delivery-queues';
import { RecipientResolver, type Resolution } from './recipient-resolver';

export const TEMPLATE_STORE = Symbol('TEMPLATE_STORE');
/** How long a delivery's NotificationSent/Failed may wait for the relay (to share its pass with others). */
const RESULT_EVENTS_WITHIN_MS = 50;
/** How long a delivery's read or result write waits for others to share its statement (nobody waits on a notice by the millisecond). */
const GATHER_MS = 5;

/**
 * Runs one delivery job: reloads the notification, decides the recipient and channel
 * now (contact details, preference, quiet hours), renders the template and sends it.
 * Success and final failure are recorded with NotificationSent / NotificationFailed in
 * one transaction (outbox). A failure that is not final is thrown, so BullMQ retries
 * it with backoff.
 */
@Injectable()
export class DeliveryProcessor {
  private readonly quietHours: QuietHours | null;
  /**
   * Reads and result writes of the deliveries that run together go as one statement each;
   * a delivery waits up to GATHER_MS for others to join (workers pick their jobs a few ms apart).
   */
  private readonly loads = new CoalescingQueue<string, Loaded | null>((ids) => this.loadMany(ids), { maxBatch: 100, maxInFlight: 2, gatherMs: GATHER_MS });
  private readonly results = new CoalescingQueue<Settlement, number>((items) => this.settleMany(items), { maxBatch: 100, maxInFlight: 2, gatherMs: GATHER_MS });
  /** Until when each channel was last said to be paused (one log line per pause, not one per notice). */
  private readonly pausedUntil = new Map<Channel, number>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(SERVICE_CONFIG) config: NotificationConfig,
    @Inject(RecipientResolver) private readonly resolver: RecipientResolver,
    @Inject(RecipientDirectory) private readonly directory: RecipientDirectory,
    @Inject(CHANNEL_ADAPTERS) private readonly adapters: ChannelAdapters,
    @Inject(TEMPLATE_STORE) private readonly templates: TemplateStore,
    @Inject(DeliveryQueues) private readonly queues: DeliveryQueues,
    @Inject(DeliveryReceiptsService) private readonly receipts: DeliveryReceiptsService,
  ) {
    this.quietHours = parseQuietHours(config.QUIET_HOURS);
  }

  async process(channel: Channel, job: Job<DeliveryJobData>, token?: string): Promise<string> {
    const loaded = await this.load(job.data.notificationId);
    if (!loaded) return 'no such notification';
    const { row, preference } = loaded;
    if (FINAL_STATUSES.includes(row.status)) return `already ${row.status}`;
    // The notification moved to another channel; its job there does the work.
    if (row.channel !== channel) return `moved to ${row.channel}`;
    const now = this.clock.now();

    const startsAt = row.context?.appointment?.startsAt;
    if (row.category === 'reminder' && startsAt && Date.parse(startsAt) <= now.getTime()) {
      await this.cancel(row, 'the appointment had started before the reminder could go');
      return 'cancelled';
    }

    const started = performance.now();
    // Personal values met on the way, masked out of any error text.
    const personal: string[] = [];
    let destination: string | null = null;
    try {
      const resolution: Resolution = await this.resolver.resolve(row, preference);
      if (resolution.kind === 'deliver') {
        destination = maskDestination(resolution.channel, resolution.address);
        const c = resolution.contact;
        personal.push(...[resolution.address, c?.givenName, c?.contact.phone, c?.contact.email, c?.guardian?.name].filter((v): v is string => Boolean(v)));
      }
      if (resolution.kind === 'cancel') {
        await this.cancel(row, resolution.reason);
        return 'cancelled';
      }
      if (resolution.channel !== row.channel) {
        await this.reroute(row, resolution.channel);
        return `moved to ${resolution.channel}`;
      }
      if (resolution.channel === 'sms') {
        const until = endOfQuietHours(now, this.quietHours);
        if (until) return await this.holdUntil(row, job, token, until, startsAt);
      }
      const message = await this.compose(row, resolution);
      const adapter = this.adapters[resolution.channel];
      if (!adapter) throw new DeliveryError(`channel ${resolution.channel} is not configured`, true, 'channel-unavailable');
      const receipt = await adapter.send(message);
      await this.recordSent(row, resolution, adapter.via, receipt.providerMessageId ?? null, Math.round(performance.now() - started));
      return 'sent';
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      if (error instanceof ChannelBusy) return await this.waitForChannel(channel, row, job, token, error, personal);
      await this.recordFailure(row, job, error, personal, destination, Math.round(performance.now() - started));
      throw isPermanent(error) ? new UnrecoverableError(safeText(error, personal)) : new Error(safeText(error, personal));
    }
  }

  private async compose(row: NotificationEntity, to: Extract<Resolution, { kind: 'deliver' }>): Promise<OutgoingMessage> {
    const providerId = row.context?.providerId ?? to.contact?.providerId;
    const toPerson = row.recipientRole === 'person' || row.recipientRole === 'guardian';
    const providerContact = toPerson ? await this.directory.providerContact(providerId) : null;
    const values = messageVariables({ referralId: row.referralId, context: row.context ?? {}, contact: to.contact, providerContact });
    const rendered = row.recipientRole === 'guardian' ? guardianVersion(this.templates.render(row.template, to.channel, values), values) : this.templates.render(row.template, to.channel, values);
    const message: OutgoingMessage = { notificationId: row.id, to: to.address, subject: rendered.subject, body: rendered.body, secret: to.secret };
    if (to.channel === 'webhook') {
      message.json = {
        deliveryId: row.id,
        template: row.template,
        referralId: row.referralId,
        shortRef: values.shortRef,
        sentAt: this.clock.now().toISOString(),
        message: rendered.body,
        data: row.context?.event ?? {},
        // The provider must phone the person for the assessment: their details go to its system, signed, never by e-mail.
        ...(row.template === 'new-referral' && to.contact
          ? { person: { givenName: to.contact.givenName ?? null, phone: to.contact.contact.phone ?? null, email: to.contact.contact.email ?? null } }
          : {}),
      };
    }
    return message;
  }

  /** Holds an SMS until quiet hours end: the job goes back to delayed without spending an attempt. */
  private async holdUntil(row: NotificationEntity, job: Job<DeliveryJobData>, token: string | undefined, until: Date, startsAt: string | undefined): Promise<string> {
    if (row.category === 'reminder' && startsAt && Date.parse(startsAt) <= until.getTime()) {
      await this.cancel(row, 'quiet hours last until the appointment starts');
      return 'cancelled';
    }
    const now = this.clock.now();
    await this.dataSource.manager.update(NotificationEntity, { id: row.id }, { status: 'held-quiet-hours', heldUntil: until, dueAt: until, updatedAt: now });
    await job.updateData({ ...job.data, dueAt: until.toISOString() });
    // Redis counts real milliseconds: the delay is measured on the service clock.
    await job.moveToDelayed(Date.now() + Math.max(0, until.getTime() - now.getTime()), token);
    this.logger.log({ msg: 'SMS held for quiet hours', notificationId: row.id, until: until.toISOString() }, 'DeliveryProcessor');
    throw new DelayedError();
  }

  /**
   * The channel asked us to slow down: this notice waits without spending an attempt, and the
   * channel's queue pauses as long (BullMQ's rate limit, shared by every replica through
   * Redis), so the notices behind it wait instead of each being refused in turn.
   */
  private async waitForChannel(channel: Channel, row: NotificationEntity, job: Job<DeliveryJobData>, token: string | undefined, busy: ChannelBusy, personal: string[]): Promise<never> {
    const until = Date.now() + busy.retryAfterMs;
    await this.queues.queue(channel).rateLimit(busy.retryAfterMs);
    await job.moveToDelayed(until, token);
    if ((this.pausedUntil.get(channel) ?? 0) < until - busy.retryAfterMs / 2) {
      this.pausedUntil.set(channel, until);
      const log = { msg: `${channel} paused: the channel asked us to slow down`, channel, notificationId: row.id, forMs: busy.retryAfterMs, reason: safeText(busy, personal) };
      if (busy.retryAfterMs >= 60_000) this.logger.error(log, 'DeliveryProcessor');
      else this.logger.warn(log, 'DeliveryProcessor');
    }
    throw new DelayedError();
  }

  private async reroute(row: NotificationEntity, channel: Channel): Promise<void> {
    await this.dataSource.manager.update(NotificationEntity, { id: row.id }, { channel, needsSync: true, updatedAt: this.clock.now() });
    this.logger.log({ msg: 'notification moved to another channel', notificationId: row.id, from: row.channel, to: channel }, 'DeliveryProcessor');
  }

  private async cancel(row: NotificationEntity, reason: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.manager.update(NotificationEntity, { id: row.id }, { status: 'cancelled', cancelledAt: now, cancelReason: reason, updatedAt: now });
    this.logger.log({ msg: 'notification cancelled', notificationId: row.id, reason }, 'DeliveryProcessor');
  }

  /**
   * The notification and its person's current preference, with one query for the deliveries
   * that start together (a delivery reads both; TypeORM's findOne cost more CPU than the query itself).
   */
  private load(id: string): Promise<Loaded | null> {
    return this.loads.submit(id);
  }

  private async loadMany(ids: string[]): Promise<Array<Loaded | null>> {
    const raws: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT n.*, p.channel AS preference_channel, p.opt_out AS preference_opt_out, p.recorded_at AS preference_recorded_at
         FROM notification n LEFT JOIN notification_preference p ON p.referral_id = n.referral_id AND p.superseded_at IS NULL
        WHERE n.id = ANY($1::text[])`,
      [ids],
    );
    const columns = this.dataSource.getMetadata(NotificationEntity).columns;
    const byId = new Map(raws.map((raw) => [raw.id as string, raw]));
    return ids.map((id) => {
      const raw = byId.get(id);
      if (!raw) return null;
      const row = Object.fromEntries(columns.map((c) => [c.propertyName, raw[c.databaseName]])) as unknown as NotificationEntity;
      const preference: Preference = {
        referralId: row.referralId,
        channel: (raw.preference_channel as Preference['channel']) ?? null,
        optOut: (raw.preference_opt_out as boolean | null) ?? false,
        recordedAt: (raw.preference_recorded_at as Date | null) ?? null,
      };
      return { row, preference };
    });
  }

  private async recordSent(row: NotificationEntity, to: Extract<Resolution, { kind: 'deliver' }>, via: string, providerMessageId: string | null, durationMs: number): Promise<void> {
    const now = this.clock.now();
    const changes = {
      status: 'sent', sent_at: now, updated_at: now, last_error: null, held_until: null, masked_destination: maskDestination(to.channel, to.address), sent_via: via, provider_message_id: providerMessageId,
    };
    const attempt = { channel: row.channel, via, outcome: 'sent', error: null, durationMs, at: now } as const;
    await this.settle(row, changes, attempt, {
      topic: NotificationSent.topic,
      build: (attempts) => this.outbox.envelope(NotificationSent, {
        notificationId: row.id, referralId: row.referralId, channel: row.channel, recipientRole: row.recipientRole, template: row.template, attempts,
      }, { key: row.referralId, correlationId: row.correlationId || row.sourceEventId, causationId: row.sourceEventId || null }),
    });
    this.logger.log({ msg: 'notification sent', notificationId: row.id, template: row.template, channel: row.channel, via }, 'DeliveryProcessor');
  }

  private async recordFailure(row: NotificationEntity, job: Job<DeliveryJobData>, error: unknown, knownValues: string[], destination: string | null, durationMs: number): Promise<void> {
    const now = this.clock.now();
    const text = safeText(error, knownValues);
    const final = isPermanent(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const changes = {
      last_error: text, updated_at: now, ...(destination ? { masked_destination: destination } : {}), ...(final ? { status: 'failed', failed_at: now, held_until: null } : { status: 'queued' }),
    };
    const attempt = { channel: row.channel, via: this.adapters[row.channel as Channel]?.via ?? null, outcome: final ? 'gave-up' : 'failed', error: text, durationMs, at: now } as const;
    await this.settle(row, changes, attempt, final ? {
      topic: NotificationFailed.topic,
      build: (attempts) => this.outbox.envelope(NotificationFailed, {
        notificationId: row.id, referralId: row.referralId, channel: row.channel, recipientRole: row.recipientRole, template: row.template, attempts, error: text,
      }, { key: row.referralId, correlationId: row.correlationId || row.sourceEventId, causationId: row.sourceEventId || null }),
    } : undefined);
    // A show-cause notice that could not be sent at all: the provider's phone task goes now (idempotent; else it goes when the wait ends).
    if (final) {
      await this.receipts.showCauseNotSent(row).catch((e: unknown) =>
        this.logger.warn({ msg: 'show-cause fallback not brought forward; it goes when the wait ends', notificationId: row.id, error: describeError(e) }, 'DeliveryProcessor'),
      );
    }
    const log = { msg: final ? 'notification failed for good' : 'delivery attempt failed; will retry', notificationId: row.id, template: row.template, channel: row.channel, error: text };
    if (final) this.logger.warn(log, 'DeliveryProcessor');
    else this.logger.log(log, 'DeliveryProcessor');
  }

  /**
   * Counts the attempt, applies `changes` (notification columns), logs the attempt and, with
   * `event`, stages that event in the outbox: all of it commits or none. The attempt number is
   * the one read with the row plus one; the row must still be at that count (one job per
   * notification runs at a time). Results of deliveries that finish together are written with
   * one statement (settleMany).
   */
  private async settle(row: NotificationEntity, changes: Partial<Record<NotificationColumn, unknown>>, attempt: AttemptRecord, event?: { topic: string; build(attempts: number): EventEnvelope }): Promise<number> {
    return this.results.submit({ row, changes, attempt, event });
  }

  private async settleMany(results: Settlement[]): Promise<Array<number | Error>> {
    let written: Set<number>;
    try {
      written = await this.writeSettlements(results);
    } catch (error) {
      // One bad result must not fail the others written with it: each goes again alone.
      if (results.length === 1) throw error;
      return Promise.all(results.map((r) => this.settleMany([r]).then(([one]) => one, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
    // Nobody waits on a delivery's result event: those of notices sent close together share a relay pass.
    if (results.some((r, i) => r.event && written.has(i))) this.outbox.staged(RESULT_EVENTS_WITHIN_MS);
    return results.map((r, i) => (written.has(i) ? r.row.attempts + 1 : new Error(`notification ${r.row.id} changed while it was being delivered (attempts no longer ${r.row.attempts})`)));
  }

  /**
   * One statement for every result: per result, its row counted and changed (only if still at
   * the attempt count read), its attempt logged and its event staged, each after the one
   * before. Answers the positions of the results written.
   */
  private async writeSettlements(results: Settlement[]): Promise<Set<number>> {
    const params: unknown[] = [];
    const $ = binder(params);
    const parts: string[] = [];
    const written: string[] = [];
    results.forEach(({ row, changes, attempt, event }, i) => {
      const columns = Object.keys(changes) as NotificationColumn[];
      parts.push(`counted${i} AS (UPDATE notification SET attempts = attempts + 1${columns.map((c) => `, ${c} = ${$(changes[c])}`).join('')}
         WHERE id = ${$(row.id)} AND attempts = ${$(row.attempts)} RETURNING id, attempts)`);
      parts.push(`logged${i} AS (INSERT INTO notification_attempt (notification_id, attempt, channel, via, outcome, error, duration_ms, attempted_at)
         SELECT id, attempts, ${$(attempt.channel)}, ${$(attempt.via)}, ${$(attempt.outcome)}, ${$(attempt.error)}, ${$(attempt.durationMs)}, ${$(attempt.at)} FROM counted${i} RETURNING attempt)`);
      if (event) {
        const values = this.outbox.rowValues(event.topic, event.build(row.attempts + 1));
        parts.push(`event${i} AS (INSERT INTO outbox_message (${OUTBOX_COLUMNS})
         SELECT ${$(values[0])}, ${$(values[1])}, ${$(values[2])}, ${$(values[3])}, ${$(values[4])}::jsonb, ${$(values[5])}::jsonb FROM logged${i} RETURNING 1)`);
      }
      written.push(`SELECT ${i} AS result FROM logged${i}`);
    });
    const rows: Array<{ result: number }> = await this.dataSource.query(`WITH ${parts.join(', ')} ${written.join(' UNION ALL ')}`, params);
    return new Set(rows.map((r) => Number(r.result)));
  }
}

interface Loaded {
  row: NotificationEntity;
  preference: Preference;
}

interface Settlement {
  row: NotificationEntity;
  changes: Partial<Record<NotificationColumn, unknown>>;
  attempt: AttemptRecord;
  event?: { topic: string; build(attempts: number): EventEnvelope };
}

/** Columns a delivery result writes (names from the migration; never from input). */
type NotificationColumn = 'status' | 'sent_at' | 'failed_at' | 'updated_at' | 'last_error' | 'held_until' | 'masked_destination' | 'sent_via' | 'provider_message_id';

interface AttemptRecord {
  channel: string;
  via: string | null;
  outcome: 'sent' | 'failed' | 'gave-up';
  error: string | null;
  durationMs: number;
  at: Date;
}

function isPermanent(error: unknown): boolean {
  return (error instanceof DeliveryError && error.permanent) || error instanceof TemplateError;
}

/** Error text for the log and the events: bounded, with addresses and numbers masked. */
function safeText(error: unknown, knownValues: string[]): string {
  const text = error instanceof DeliveryError || error instanceof TemplateError || error instanceof ChannelBusy ? error.message : describeError(error);
  return scrubPersonalData(text, knownValues).slice(0, 500) || 'unknown error';
}

/** A notice to a young person, as their parent or guardian receives it: said to be a copy, and for whom. */
function guardianVersion(rendered: RenderedMessage, values: Record<string, string>): RenderedMessage {
  const line = `Hello ${values.guardianName}, you are recorded as the parent or guardian of ${values.givenName}. This is a copy of a message sent to them:`;
  return { ...(rendered.subject !== undefined && { subject: `Copy: ${rendered.subject}` }), body: `${line}\n\n${rendered.body}` };
}
