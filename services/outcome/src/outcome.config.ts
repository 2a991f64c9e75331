import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the outcome service (see ServiceConfig for the shared variables). */
export class OutcomeConfig extends ServiceConfig {}

export function loadOutcomeConfig(env: Record<string, string | undefined> = process.env): OutcomeConfig {
  return loadConfig(OutcomeConfig, env, {
    PORT: 3003,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_outcome',
  });
}
