import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the provider-scheduling service (see ServiceConfig for the shared variables). */
export class ProviderSchedulingConfig extends ServiceConfig {}

export function loadProviderSchedulingConfig(env: Record<string, string | undefined> = process.env): ProviderSchedulingConfig {
  return loadConfig(ProviderSchedulingConfig, env, {
    PORT: 3002,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_provider_scheduling',
  });
}
