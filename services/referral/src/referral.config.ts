import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the referral service (see ServiceConfig for the shared variables). */
export class ReferralConfig extends ServiceConfig {}

export function loadReferralConfig(env: Record<string, string | undefined> = process.env): ReferralConfig {
  return loadConfig(ReferralConfig, env, {
    PORT: 3001,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_referral',
  });
}
