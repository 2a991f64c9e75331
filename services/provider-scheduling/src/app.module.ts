import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, REDIS_LOSS_WATCH_PROVIDER, type Clock } from '@ddp/platform';
import { ProviderApiService } from './api/provider-api.service';
import { ProvidersController } from './api/providers.controller';
import { AppointmentEntity } from './appointments/appointment.entity';
import { AppointmentStore } from './appointments/appointment-store';
import { AssessmentRecordEntity } from './appointments/assessment-record.entity';
import { AttendanceEntity } from './appointments/attendance.entity';
import { AssessmentService } from './assessments/assessment.service';
import { Transactions } from './common/transactions';
import { CourseEntity } from './courses/course.entity';
import { CourseService } from './courses/course.service';
import { OutcomeEventsConsumer } from './events/outcome-events.consumer';
import { ReferralEventsConsumer } from './events/referral-events.consumer';
import { SchedulingBootstrap } from './jobs/scheduling-bootstrap';
import { SchedulingJobs } from './jobs/scheduling-jobs';
import { PROVIDER_SCHEDULING_MIGRATIONS } from './migrations';
import type { ProviderSchedulingConfig } from './provider-scheduling.config';
import { ProviderDirectory } from './providers/provider-directory';
import { ReferralClosing } from './referrals/referral-closing.service';
import { ReferralLifecycle } from './referrals/referral-lifecycle';
import { ReferralStatusChangeEntity } from './referrals/referral-status-change.entity';
import { SchedulingReferralEntity } from './referrals/scheduling-referral.entity';
import { ProviderSlotEntity } from './slots/provider-slot.entity';
import { SlotBooking } from './slots/slot-booking.service';
import { CapacityWatch } from './worklists/capacity-watch';
import { WorklistService } from './worklists/worklist.service';
import { WorklistsController } from './worklists/worklists.controller';

export const PROVIDER_SCHEDULING_ENTITIES = [
  SchedulingReferralEntity, ReferralStatusChangeEntity, AppointmentEntity, AssessmentRecordEntity, AttendanceEntity, CourseEntity, ProviderSlotEntity,
];

@Module({})
export class ProviderSchedulingAppModule {
  static register(config: ProviderSchedulingConfig, clock?: Clock): DynamicModule {
    return {
      module: ProviderSchedulingAppModule,
      imports: [
        PlatformModule.forService({
          service: 'provider-scheduling', config, entities: PROVIDER_SCHEDULING_ENTITIES, migrations: PROVIDER_SCHEDULING_MIGRATIONS, clock,
        }),
      ],
      controllers: [ReferralEventsConsumer, OutcomeEventsConsumer, ProvidersController, WorklistsController],
      providers: [
        ProviderDirectory, SlotBooking, SchedulingJobs, Transactions, ReferralLifecycle, AppointmentStore, AssessmentService, CourseService,
        ReferralClosing, ProviderApiService, SchedulingBootstrap, CapacityWatch, WorklistService, REDIS_LOSS_WATCH_PROVIDER,
      ],
    };
  }
}
