import { DEAD_LETTER_TOPICS, TOPICS } from '@ddp/contracts';
import type { Clock, ServiceDefinition } from '@ddp/platform';
import { ProviderSchedulingAppModule } from './app.module';
import { loadProviderSchedulingConfig } from './provider-scheduling.config';

/** How the provider-scheduling service is wired: used by main.ts and by the tests alike. */
export function providerSchedulingService(env: Record<string, string | undefined> = process.env, clock?: Clock): ServiceDefinition {
  const config = loadProviderSchedulingConfig(env);
  return {
    service: 'provider-scheduling',
    module: ProviderSchedulingAppModule.register(config, clock) as never,
    config,
    openApi: { title: 'Provider-scheduling service', description: 'Provider directory, assessment and course booking, attendance and deadlines.' },
    consumer: {
      groupId: 'provider-scheduling-service',
      deadLetterTopic: DEAD_LETTER_TOPICS.providerScheduling,
      subscriptions: [{ topic: TOPICS.referral }, { topic: TOPICS.outcome }],
    },
  };
}
