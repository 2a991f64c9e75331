import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { addDays, inForceAt, ukLocalDate } from '@ddp/domain';
import { Clock, JsonLogger, RedisLossWatch, SERVICE_CONFIG, retryTransient } from '@ddp/platform';
import { DataSource } from 'typeorm';
import { AppointmentEntity } from '../appointments/appointment.entity';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';
import { ProviderDirectory } from '../providers/provider-directory';
import { SlotBooking } from '../slots/slot-booking.service';
import { assessmentDeadlineJobId, attendanceReminderJobId, JOB_NAMES, SchedulingJobs } from './scheduling-jobs';

/**
 * At start (after migrations): materialise SLOT_HORIZON_DAYS of assessment slots for every
 * provider in force, make sure every open appointment has its job (Redis may have lost
 * them: the local Redis runs without persistence), then start the worker. The same job
 * sweep runs whenever RedisLossWatch finds that Redis lost its data while the service runs.
 */
@Injectable()
export class SchedulingBootstrap implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(SlotBooking) private readonly slots: SlotBooking,
    @Inject(SchedulingJobs) private readonly jobs: SchedulingJobs,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(RedisLossWatch) redisLossWatch: RedisLossWatch,
  ) {
    // In the constructor: it runs once, whatever runs the lifecycle hooks.
    redisLossWatch.register('appointment jobs', () => this.ensureJobs());
  }

  async onApplicationBootstrap(): Promise<void> {
    const retrying = { logger: this.logger, context: 'SchedulingBootstrap' };
    await retryTransient('materialising assessment slots', () => this.materialiseSlots(), retrying);
    await retryTransient('restoring the jobs of open appointments', () => this.ensureJobs(), retrying);
    await this.jobs.start();
  }

  async materialiseSlots(): Promise<number> {
    const now = this.clock.now();
    const from = ukLocalDate(now);
    const to = addDays(from, this.config.SLOT_HORIZON_DAYS - 1);
    let created = 0;
    for (const provider of this.directory.all().filter((p) => inForceAt(p, now))) {
      created += await this.dataSource.transaction((manager) => this.slots.ensureAssessmentSlots(manager, provider, from, to));
    }
    if (created) this.logger.log({ msg: 'assessment slots materialised', created, from, to }, 'SchedulingBootstrap');
    return created;
  }

  async ensureJobs(): Promise<Record<string, number>> {
    const counts: Record<string, number> = { scheduled: 0, present: 0, retried: 0 };
    const open = await this.dataSource.manager.find(AppointmentEntity, { where: { status: 'booked' } });
    const reminderMs = this.config.ATTENDANCE_REMINDER_HOURS * 3_600_000;
    for (const a of open) {
      const data = { appointmentId: a.id, referralId: a.referralId };
      const result =
        a.kind === 'assessment'
          ? a.deadline && !a.reminderSentAt && (await this.jobs.ensure(JOB_NAMES.assessmentDeadline, assessmentDeadlineJobId(a.id), data, a.deadline))
          : !a.reminderSentAt && (await this.jobs.ensure(JOB_NAMES.attendanceReminder, attendanceReminderJobId(a.id), data, new Date(a.endsAt.getTime() + reminderMs)));
      if (result) counts[result]++;
    }
    if (counts.scheduled || counts.retried) this.logger.log({ msg: 'jobs of open appointments restored', ...counts }, 'SchedulingBootstrap');
    return counts;
  }
}
