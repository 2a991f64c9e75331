import { DEAD_LETTER_TOPICS, Encounter, TOPICS, validateAs } from '@ddp/contracts';
import type { Clock, ServiceDefinition } from '@ddp/platform';
import { ReferralAppModule } from './app.module';
import { loadReferralConfig } from './referral.config';

/** How the referral service is wired: used by main.ts and by the tests alike. */
export function referralService(env: Record<string, string | undefined> = process.env, clock?: Clock): ServiceDefinition {
  const config = loadReferralConfig(env);
  return {
    service: 'referral',
    module: ReferralAppModule.register(config, clock) as never,
    config,
    openApi: { title: 'Referral service', description: 'Encounters from police systems become referrals or declines.' },
    consumer: {
      groupId: 'referral-service',
      deadLetterTopic: DEAD_LETTER_TOPICS.referral,
      subscriptions: [
        {
          topic: TOPICS.policeEncounters,
          raw: {
            eventType: 'EncounterReported',
            parse: (value) => validateAs(Encounter, value, 'encounter'),
            idOf: (data) => (data as Encounter).encounterId,
          },
        },
        // Timeline entries; outcome events also build each person's diversion history.
        { topic: TOPICS.scheduling },
        { topic: TOPICS.outcome },
      ],
    },
  };
}
