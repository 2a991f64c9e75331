import { ConfigError, ServiceConfig, loadConfig } from '@ddp/platform';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { parseDeliveryRateLimits, type DeliveryRateLimits } from './channels/delivery-rate-limits';
import { localOutboxProblems } from './channels/local-outbox-guard';
import { parseQuietHours } from './preferences/quiet-hours';
import { parseReminderOffsets } from './planning/reminder-offsets';

const toInt = ({ value }: { value: unknown }) => Number(value);

/** Environment of the notification service (see ServiceConfig for the shared variables). */
export class NotificationConfig extends ServiceConfig {
  /** Where contact details are fetched at send time. */
  @Matches(/^https?:\/\/.+/) REFERRAL_SERVICE_URL = 'http://127.0.0.1:3001';

  /** Sent as x-internal-token to the referral service; also guards this service's configuration endpoints. */
  @IsString() INTERNAL_API_TOKEN = 'dev-internal-token';

  /** How e-mail goes out: over SMTP (nodemailer) or through GOV.UK Notify. */
  @IsIn(['smtp', 'notify']) EMAIL_CHANNEL: 'smtp' | 'notify' = 'smtp';

  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be smtp://[user:pass@]host:port' }) SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsString() EMAIL_FROM = 'Thames Valley drug diversion <no-reply@diversion.example>';

  /** GOV.UK Notify API key (`name-<service id>-<secret>`); without it no SMS can be sent. */
  @IsOptional() @Matches(/^.*-[0-9a-f-]{36}-[0-9a-f-]{36}$/, { message: 'NOTIFY_API_KEY must be a Notify API key: <name>-<service id>-<secret>' })
  NOTIFY_API_KEY?: string;

  @Matches(/^https?:\/\/.+/) NOTIFY_BASE_URL = 'https://api.notifications.service.gov.uk';

  /** Notify templates that carry our text: SMS body `((body))`; e-mail subject `((subject))`, body `((body))`. */
  @IsOptional() @IsString() NOTIFY_SMS_TEMPLATE_ID?: string;
  @IsOptional() @IsString() NOTIFY_EMAIL_TEMPLATE_ID?: string;

  /** The person's channel when they have chosen none. */
  @IsIn(['sms', 'email']) PERSON_DEFAULT_CHANNEL: 'sms' | 'email' = 'sms';

  /** Reminders before each appointment, e.g. `24h,2h` (m, h or d); `none` for no reminders. */
  @IsString() REMINDER_OFFSETS = '24h,2h';

  /** No SMS inside this Europe/London window (`HH:MM-HH:MM`, or `off`): such messages wait until it ends. */
  @IsString() QUIET_HOURS = '21:00-08:00';

  /** Delivery attempts per notification (the first try included) before it is recorded as failed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(20) DELIVERY_MAX_ATTEMPTS = 6;

  /** First retry delay; it doubles on each attempt (exponential backoff). */
  @Transform(toInt) @IsInt() @Min(1) @Max(3_600_000) DELIVERY_BACKOFF_MS = 10_000;

  /**
   * How fast each channel may send, e.g. `sms:1500/min,webhook:20/s` (`channel:off` for no
   * limit). Unnamed channels keep their default: those sent through GOV.UK Notify share its
   * 3,000 requests a minute; SMTP e-mail and webhooks have none. See channels/delivery-rate-limits.ts.
   */
  @IsString() DELIVERY_RATE_LIMITS = '';

  /** Jobs each channel worker runs at once. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) DELIVERY_CONCURRENCY = 5;

  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) WEBHOOK_TIMEOUT_MS = 10_000;
  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) NOTIFY_TIMEOUT_MS = 10_000;
  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) CONTACT_TIMEOUT_MS = 5_000;

  /**
   * How long a delivery may use endpoints and provider contacts it read before (ms): one
   * read serves many deliveries. A change made through this instance applies at once; one
   * made through another replica within this time. 0 reads them for every delivery.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(300_000) DIRECTORY_CACHE_MS = 5_000;

  /**
   * The bearer token GOV.UK Notify sends with its delivery receipts (set the same value as the
   * callback's token in Notify's API integration settings). Without it receipts are refused (401).
   */
  @IsOptional() @IsString() NOTIFY_CALLBACK_TOKEN?: string;

  /**
   * How long a show-cause notice may go without a confirmed delivery before the provider is
   * asked to phone the person (ms, business time). A failure receipt asks at once.
   */
  @Transform(toInt) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000) SHOW_CAUSE_CONFIRM_WITHIN_MS = 24 * 3_600_000;

  /** How often the dispatcher looks for notifications whose jobs must be added or removed. */
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000) DISPATCH_POLL_MS = 500;
}

export function loadNotificationConfig(env: Record<string, string | undefined> = process.env): NotificationConfig {
  const config = loadConfig(NotificationConfig, env, {
    PORT: 3004,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_notification',
  });
  const problems: string[] = [];
  const check = (name: string, run: () => unknown) => {
    try {
      run();
    } catch (error) {
      problems.push(`${name} (got ${JSON.stringify(String((config as unknown as Record<string, unknown>)[name]))}): ${(error as Error).message}`);
    }
  };
  check('REMINDER_OFFSETS', () => parseReminderOffsets(config.REMINDER_OFFSETS));
  check('QUIET_HOURS', () => parseQuietHours(config.QUIET_HOURS));
  check('DELIVERY_RATE_LIMITS', () => deliveryRateLimits(config));
  if (config.EMAIL_CHANNEL === 'notify' && !config.NOTIFY_API_KEY) problems.push('NOTIFY_API_KEY (missing): EMAIL_CHANNEL=notify needs a GOV.UK Notify API key');
  if (config.EMAIL_CHANNEL === 'notify' && !config.NOTIFY_EMAIL_TEMPLATE_ID) problems.push('NOTIFY_EMAIL_TEMPLATE_ID (missing): EMAIL_CHANNEL=notify needs the Notify e-mail template id');
  if (config.NOTIFY_API_KEY && !config.NOTIFY_SMS_TEMPLATE_ID) problems.push('NOTIFY_SMS_TEMPLATE_ID (missing): SMS through Notify needs the Notify SMS template id');
  problems.push(...localOutboxProblems(config, env.NODE_ENV));
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Each channel's sending limit: DELIVERY_RATE_LIMITS over the defaults (Notify's limit for the channels that use it). */
export function deliveryRateLimits(config: NotificationConfig): DeliveryRateLimits {
  const throughNotify = [...(smsAvailable(config) ? (['sms'] as const) : []), ...(config.EMAIL_CHANNEL === 'notify' ? (['email'] as const) : [])];
  return parseDeliveryRateLimits(config.DELIVERY_RATE_LIMITS, throughNotify);
}

/** SMS can go only through GOV.UK Notify. */
export const smsAvailable = (config: NotificationConfig): boolean => Boolean(config.NOTIFY_API_KEY && config.NOTIFY_SMS_TEMPLATE_ID);
