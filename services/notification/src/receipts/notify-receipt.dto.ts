import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Every status GOV.UK Notify reports in a delivery receipt; only the final ones decide anything. */
export const NOTIFY_RECEIPT_STATUSES = [
  'delivered', 'permanent-failure', 'temporary-failure', 'technical-failure', 'sending', 'created', 'pending', 'sent', 'accepted', 'received',
] as const;
export const FINAL_RECEIPT_STATUSES = ['delivered', 'permanent-failure', 'temporary-failure', 'technical-failure'] as const;

/**
 * GOV.UK Notify's delivery receipt callback: a JSON POST with the service's bearer token.
 * `reference` is ours (the notification id sent with the message); `to` is read by nobody
 * and never stored.
 */
export class NotifyReceiptDto {
  @ApiProperty({ description: "Notify's id of the message" }) @IsString() @IsNotEmpty() @MaxLength(100) id: string;
  @ApiProperty({ description: 'The notification id this service sent as the reference' }) @IsString() @IsNotEmpty() @MaxLength(300) reference: string;
  @ApiProperty({ enum: NOTIFY_RECEIPT_STATUSES }) @IsIn(NOTIFY_RECEIPT_STATUSES) status: (typeof NOTIFY_RECEIPT_STATUSES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) to?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() created_at?: string;
  @ApiPropertyOptional({ description: 'When Notify last updated the status' }) @IsOptional() @IsISO8601() completed_at?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() sent_at?: string | null;
  @ApiPropertyOptional({ enum: ['sms', 'email', 'letter'] }) @IsOptional() @IsIn(['sms', 'email', 'letter']) notification_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() template_id?: string;
  @ApiPropertyOptional() @IsOptional() template_version?: number;
}
