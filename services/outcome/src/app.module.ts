import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, REDIS_LOSS_WATCH_PROVIDER, type Clock } from '@ddp/platform';
import { EvaluationController } from './evaluation/evaluation.controller';
import { EvaluationService } from './evaluation/evaluation.service';
import { FiguresService } from './figures/figures.service';
import { SchemeFigureEntity } from './figures/scheme-figure.entity';
import { StatsController } from './figures/stats.controller';
import { OUTCOME_MIGRATIONS } from './migrations';
import type { OutcomeConfig } from './outcome.config';
import { ComplianceService } from './referrals/compliance.service';
import { OutcomeEventsConsumer } from './referrals/events.consumer';
import { AttendanceRecordEntity, DeferredEventEntity, ReferralCaseEntity, ReferralStatusHistoryEntity } from './referrals/referral-case.entity';
import { ReferralsController } from './referrals/referrals.controller';
import { ComplianceReviewEntity } from './reviews/compliance-review.entity';
import { ReviewWindowJobs } from './reviews/review-window.jobs';
import { NoticeReceiptsConsumer } from './reviews/notice-receipts.consumer';
import { ReviewsController } from './reviews/reviews.controller';
import { ShowCauseNoticeService } from './reviews/show-cause-notice.service';
import { SummonsRequestEntity, SummonsRequestHistoryEntity } from './summons/summons-request.entity';
import { SummonsController } from './summons/summons.controller';
import { SummonsService } from './summons/summons.service';

export const OUTCOME_ENTITIES = [
  ReferralCaseEntity, ReferralStatusHistoryEntity, AttendanceRecordEntity, DeferredEventEntity, ComplianceReviewEntity,
  SummonsRequestEntity, SummonsRequestHistoryEntity, SchemeFigureEntity,
];

@Module({})
export class OutcomeAppModule {
  static register(config: OutcomeConfig, clock?: Clock): DynamicModule {
    return {
      module: OutcomeAppModule,
      imports: [PlatformModule.forService({ service: 'outcome', config, entities: OUTCOME_ENTITIES, migrations: OUTCOME_MIGRATIONS, clock })],
      controllers: [OutcomeEventsConsumer, NoticeReceiptsConsumer, SummonsController, ReviewsController, ReferralsController, StatsController, EvaluationController],
      providers: [FiguresService, EvaluationService, SummonsService, ReviewWindowJobs, ComplianceService, ShowCauseNoticeService, REDIS_LOSS_WATCH_PROVIDER],
    };
  }
}
