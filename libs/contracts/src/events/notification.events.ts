import { IsIn, IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min } from 'class-validator';
import { CODE_PATTERN } from '../common';
import { TOPICS } from '../topics';
import { defineEvent } from './define';

/* Events owned by the notification service (topic diversion.notification.v1). */

export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export const RECIPIENT_ROLES = ['person', 'officer', 'provider', 'courts-unit'] as const;

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
