import { DEAD_LETTER_TOPICS, TOPICS } from '@ddp/contracts';
import { RedisLossWatch, type Clock, type ServiceDefinition } from '@ddp/platform';
import { OutcomeAppModule } from './app.module';
import { loadOutcomeConfig } from './outcome.config';
import { ComplianceService } from './referrals/compliance.service';
import { ReviewWindowJobs } from './reviews/review-window.jobs';
import { ShowCauseNoticeService } from './reviews/show-cause-notice.service';

/** How the outcome service is wired: used by main.ts and by the tests alike. */
export function outcomeService(env: Record<string, string | undefined> = process.env, clock?: Clock): ServiceDefinition {
  const config = loadOutcomeConfig(env);
  return {
    service: 'outcome',
    module: OutcomeAppModule.register(config, clock) as never,
    config,
    openApi: {
      title: 'Outcome service',
      description: 'Compliance decisions, summons requests for the courts unit, crime outcomes and scheme figures.',
    },
    consumer: {
      groupId: 'outcome-service',
      deadLetterTopic: DEAD_LETTER_TOPICS.outcome,
      subscriptions: [{ topic: TOPICS.referral }, { topic: TOPICS.scheduling }, { topic: TOPICS.notification }],
    },
    // After migrations, before listening: restore any missing window job, then start this replica's worker.
    // The same sweep runs whenever Redis is found to have lost its data while the service runs.
    configure: async (app) => {
      const compliance = app.get(ComplianceService);
      const redisLossWatch = app.get(RedisLossWatch);
      redisLossWatch.register('review windows', () => compliance.ensureWindowJobs());
      // Sentinel first (this runs before the module hooks): a loss after it is caught by the watch, one before it by the sweep.
      await redisLossWatch.start();
      await compliance.ensureWindowJobs();
      const notices = app.get(ShowCauseNoticeService);
      app.get(ReviewWindowJobs).start((job) => notices.decide(job));
    },
  };
}
