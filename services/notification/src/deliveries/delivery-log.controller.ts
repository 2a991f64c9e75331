import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { NotificationAttemptEntity, NotificationEntity } from './notification.entity';

export class DeliveryLogQuery {
  @ApiProperty({ description: 'The referral whose notices to list' }) @IsString() @IsNotEmpty() @MaxLength(100) referralId: string;
}

export class NotificationIdParam {
  @ApiProperty({ description: 'The notice id (from the delivery log)' }) @IsString() @IsNotEmpty() @MaxLength(300) id: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** One line of the delivery log: no personal data, the destination masked. */
function view(n: NotificationEntity) {
  return {
    id: n.id,
    template: n.template,
    channel: n.channel,
    recipientRole: n.recipientRole,
    category: n.category,
    destination: n.maskedDestination,
    status: n.status,
    attempts: n.attempts,
    lastError: n.lastError,
    appointmentId: n.appointmentId,
    reminderOffset: n.reminderOffset,
    dueAt: iso(n.dueAt),
    heldUntil: iso(n.heldUntil),
    createdAt: iso(n.createdAt),
    sentAt: iso(n.sentAt),
    failedAt: iso(n.failedAt),
    cancelledAt: iso(n.cancelledAt),
    cancelReason: n.cancelReason,
    sentVia: n.sentVia,
    causedBy: n.sourceEventType,
  };
}

@ApiTags('delivery log')
@Controller('v1/notifications')
export class DeliveryLogController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Every notice of a referral: template, channel, recipient, masked destination, status, attempts, last error, times' })
  @ApiOkResponse({ description: 'Ordered by due time.' })
  async list(@Query() query: DeliveryLogQuery) {
    const rows = await this.dataSource.manager.find(NotificationEntity, { where: { referralId: query.referralId }, order: { dueAt: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return { referralId: query.referralId, notifications: rows.map(view) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One notice with each delivery attempt' })
  async one(@Param() params: NotificationIdParam) {
    const row = await this.dataSource.manager.findOne(NotificationEntity, { where: { id: params.id } });
    if (!row) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'unknown-notification', message: `No notification ${params.id}.` });
    const attempts = await this.dataSource.manager.find(NotificationAttemptEntity, { where: { notificationId: row.id }, order: { attempt: 'ASC' } });
    return {
      ...view(row),
      history: attempts.map((a) => ({ attempt: a.attempt, channel: a.channel, via: a.via, outcome: a.outcome, error: a.error, durationMs: a.durationMs, at: iso(a.attemptedAt) })),
    };
  }
}
