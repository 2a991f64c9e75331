import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { CODE_PATTERN, IsInstant } from '../common';
import { TOPICS } from '../topics';
import { defineEvent } from './define';

/* Events owned by the notification service (topic diversion.notification.v1). */

export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export const RECIPIENT_ROLES = ['person', 'guardian', 'officer', 'provider', 'courts-unit', 'youth-offending-team'] as const;

export class NotificationSentData {
  @IsString() @IsNotEmpty() notificationId: string;
  @IsString() @IsNotEmpty() referralId: string;
  @IsIn(CHANNELS) channel: string;
  @IsIn(RECIPIENT_ROLES) recipientRole: string;
  @Matches(CODE_PATTERN) template: string;
  @IsInt() @Min(1) attempts: number;
}

export const NotificationSent = defineEvent({
  type: 'NotificationSent',
  version: 1,
  topic: TOPICS.notification,
  data: NotificationSentData,
  description: 'A notice or reminder was delivered to its channel.',
});

export class NotificationFailedData {
  @IsString() @IsNotEmpty() notificationId: string;
  @IsString() @IsNotEmpty() referralId: string;
  @IsIn(CHANNELS) channel: string;
  @IsIn(RECIPIENT_ROLES) recipientRole: string;
  @Matches(CODE_PATTERN) template: string;
  @IsInt() @Min(1) attempts: number;
  @IsString() @IsNotEmpty() @MaxLength(500) error: string;
}

export const NotificationFailed = defineEvent({
  type: 'NotificationFailed',
  version: 1,
  topic: TOPICS.notification,
  data: NotificationFailedData,
  description: 'Every delivery attempt failed; the failure is recorded and visible.',
});

export const DELIVERY_STATUSES = ['delivered', 'permanent-failure', 'temporary-failure', 'technical-failure'] as const;

export class NotificationDeliveryReportedData {
  @IsString() @IsNotEmpty() notificationId: string;
  @IsString() @IsNotEmpty() referralId: string;
  @IsIn(CHANNELS) channel: string;
  @IsIn(RECIPIENT_ROLES) recipientRole: string;
  @Matches(CODE_PATTERN) template: string;
  /** The carrier's final word on the message (GOV.UK Notify's delivery receipt). */
  @IsIn(DELIVERY_STATUSES) status: string;
  /** When the receipt reached this platform (the service clock). */
  @IsInstant() reportedAt: string;
  /** The compliance review a show-cause notice belongs to. */
  @IsOptional() @IsString() reviewId?: string;
}

export const NotificationDeliveryReported = defineEvent({
  type: 'NotificationDeliveryReported',
  version: 1,
  topic: TOPICS.notification,
  data: NotificationDeliveryReportedData,
  description: 'The carrier reported whether a sent notice reached the person (delivered, or a failure): a show-cause window counts from a confirmed delivery.',
});
