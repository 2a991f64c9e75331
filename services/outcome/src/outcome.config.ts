import { Transform } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the outcome service (see ServiceConfig for the shared variables). */
export class OutcomeConfig extends ServiceConfig {
  /**
   * How long after a show-cause deadline the window job waits before deciding, so that an
   * attendance that happened before the deadline but is still in flight (provider systems,
   * the scheduling service's outbox, Kafka) is applied first. Business time (the Clock).
   * A re-engagement that happened before the deadline and arrives even later is still
   * honoured (see README, "the race rule"); the grace only makes that rarer.
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(7 * 24 * 3_600_000) SHOW_CAUSE_GRACE_MS = 30 * 60_000;

  /** How often scheme figure deltas are folded into the per-cell counters (figures/figures.service.ts). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(100) @Max(3_600_000) FIGURES_FOLD_MS = 30_000;

  /**
   * 'required': a show-cause window never closes on a notice that was not confirmed to have
   * reached the person (a delivery receipt, or the provider's recorded call); it waits, and
   * counts from the confirmation. 'off': the window runs from the review's opening regardless
   * (for suites and set-ups with no notification service).
   */
  @IsIn(['required', 'off']) SHOW_CAUSE_NOTICE_CONFIRMATION: 'required' | 'off' = 'required';

  /** Review-window jobs processed at once by this replica. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(100) REVIEW_WINDOW_CONCURRENCY = 5;
}

export function loadOutcomeConfig(env: Record<string, string | undefined> = process.env): OutcomeConfig {
  return loadConfig(OutcomeConfig, env, {
    PORT: 3003,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_outcome',
  });
}
