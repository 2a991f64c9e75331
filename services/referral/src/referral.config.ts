import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the referral service (see ServiceConfig for the shared variables). */
export class ReferralConfig extends ServiceConfig {
  /**
   * Shared secret of the internal endpoints (header x-internal-token): the notification
   * service presents it to fetch contact details. Set a real secret in every deployment.
   */
  @IsString() @MinLength(8) INTERNAL_API_TOKEN = 'dev-internal-token';

  /**
   * How far an encounter's occurredAt may be ahead of the service clock (a device clock
   * running fast) before it is refused as not having happened yet.
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(24 * 60) ENCOUNTER_CLOCK_TOLERANCE_MINUTES = 5;
}

export function loadReferralConfig(env: Record<string, string | undefined> = process.env): ReferralConfig {
  return loadConfig(ReferralConfig, env, {
    PORT: 3001,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_referral',
  });
}
