import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CODE_PATTERN } from '@ddp/contracts';
import { REFERRAL_STATUSES } from '@ddp/domain';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/* Request and response shapes of the HTTP API, with their OpenAPI descriptions (/docs). */

const STATUSES = [...REFERRAL_STATUSES, 'declined', 'refused'];

export class ReasonView {
  @ApiProperty({ example: 'quantity-above-threshold', description: 'Machine-readable decline reason (libs/domain DECLINE_REASONS).' }) code: string;
  @ApiProperty({ example: 'More than a small amount for personal use.' }) explanation: string;
}

export class SchemeRefView {
  @ApiProperty({ example: 'thames-valley-adult-diversion-druglink' }) id: string;
  @ApiProperty({ example: 'Thames Valley adult drug diversion with Druglink (force-wide)' }) name: string;
}

export class ProviderRefView {
  @ApiProperty({ example: 'druglink' }) id: string;
  @ApiProperty({ example: 'Druglink adult drug diversion education programme' }) name: string;
  @ApiPropertyOptional({ description: 'Only when the provider configuration has one (none of the shipped providers has).' }) phone?: string;
}

export class DeadlineView {
  @ApiProperty({ example: '2026-11-21T23:59:59.999Z', description: 'ISO 8601 instant.' }) at: string;
  @ApiProperty({ example: 'Saturday 21 November 2026, 23:59 (UK time)', description: 'The same instant in UK local time, for reading out.' }) ukLocal: string;
}

/** The officer's answer to an encounter (HTTP 201 when decided now, 200 for a repeat of the same encounterId). */
export class OfficerAnswerView {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ example: 'K7WF-3XPA', description: '8 symbols, none confusable (no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V).' }) shortRef: string;
  @ApiProperty({ enum: ['referred', 'declined', 'refused'] }) decision: 'referred' | 'declined' | 'refused';
  @ApiProperty({ type: [ReasonView], description: 'Empty when referred.' }) reasons: ReasonView[];
  @ApiProperty({ type: SchemeRefView, nullable: true, description: 'Referred: the scheme. Declined: the scheme in force that was considered, if any.' })
  scheme: SchemeRefView | null;
  @ApiProperty({ type: ProviderRefView, nullable: true }) provider: ProviderRefView | null;
  @ApiProperty({ type: DeadlineView, nullable: true, description: 'Telephone assessment deadline (referred only).' }) assessmentDeadline: DeadlineView | null;
  @ApiProperty({ example: 'Diversion: do not arrest. Give them reference K7WF-3XPA (K 7 W F, 3 X P A). Druglink adult drug diversion education programme will phone them for an assessment by the end of Saturday 21 November 2026. Prosecution is deferred: if they complete the course, there is no court case. If they do not engage, they may be summonsed to court.' })
  nextSteps: string;
}

export class ReferralSummaryView {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() shortRef: string;
  @ApiProperty({ description: 'Pseudonymous police reference (PNC or local id).' }) personRef: string;
  @ApiProperty({ enum: ['referred', 'declined', 'refused'] }) decision: 'referred' | 'declined' | 'refused';
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: SchemeRefView, nullable: true }) scheme: SchemeRefView | null;
  @ApiProperty() area: string;
  @ApiProperty({ enum: ['youth', 'adult'], nullable: true }) ageBand: 'youth' | 'adult' | null;
  @ApiProperty() offenceType: string;
  @ApiProperty() encounterAt: string;
  @ApiProperty() decidedAt: string;
}

export class TimelineEntryView {
  @ApiProperty({ example: 'AssessmentScheduled' }) eventType: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty({ example: 'Assessment booked with Druglink adult drug diversion education programme for Sat 21 Nov 2026, 18:30 (phone).' }) summary: string;
  @ApiProperty({ nullable: true, enum: STATUSES, description: 'The status this event implies, if any.' }) status: string | null;
}

export class WithdrawalInfoView {
  @ApiProperty() reasonCode: string;
  @ApiProperty() withdrawnBy: string;
  @ApiProperty() withdrawnAt: string;
}

export class ReferralView extends ReferralSummaryView {
  @ApiProperty() encounterId: string;
  @ApiProperty() statusChangedAt: string;
  @ApiProperty({ type: [ReasonView] }) reasons: ReasonView[];
  @ApiProperty({ nullable: true, type: String }) schemeConsidered: string | null;
  @ApiProperty({ type: ProviderRefView, nullable: true }) provider: ProviderRefView | null;
  @ApiProperty({ nullable: true, type: String }) assessmentDeadline: string | null;
  @ApiProperty() officerCollarNumber: string;
  @ApiProperty({ type: WithdrawalInfoView, nullable: true }) withdrawal: WithdrawalInfoView | null;
  @ApiProperty({ description: 'What the officer was told at intake.' }) nextSteps: string;
  @ApiProperty({ type: [TimelineEntryView], description: 'Every event seen about the referral, in the order they happened.' }) timeline: TimelineEntryView[];
}

export class ReferralListView {
  @ApiProperty({ type: [ReferralSummaryView] }) items: ReferralSummaryView[];
}

export class WithdrawalView {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() shortRef: string;
  @ApiProperty({ enum: ['withdrawn'] }) status: 'withdrawn';
  @ApiProperty() reasonCode: string;
  @ApiProperty() withdrawnBy: string;
  @ApiProperty() withdrawnAt: string;
}

export class ContactDetailsView {
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
}

/** A young person's parent or guardian, whom notices about the child reach too. */
export class GuardianContactView {
  @ApiProperty() name: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
}

/** The minimum the notification service needs to reach a referred person. */
export class ContactView {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() shortRef: string;
  @ApiProperty({ description: 'Given name only, to address the person.' }) givenName: string;
  @ApiProperty({ type: ContactDetailsView }) contact: ContactDetailsView;
  @ApiProperty() officerCollarNumber: string;
  @ApiProperty() area: string;
  @ApiProperty() schemeId: string;
  @ApiPropertyOptional({ description: 'Absent when no provider was routed at intake.' }) providerId?: string;
  @ApiPropertyOptional({ enum: ['youth', 'adult'] }) ageBand?: string;
  @ApiPropertyOptional({ type: GuardianContactView, description: "A young person's parent or guardian, when the officer recorded one." })
  guardian?: GuardianContactView;
}

/** Largest batch of POST /internal/v1/referrals/contacts. */
export const CONTACTS_BATCH_MAX = 100;

export class ContactsRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: CONTACTS_BATCH_MAX, description: 'Referrals whose contact details are wanted now.' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CONTACTS_BATCH_MAX) @IsUUID('all', { each: true })
  referralIds: string[];
}

export class ContactsView {
  @ApiProperty({ type: [ContactView] }) contacts: ContactView[];
  @ApiProperty({ type: [String], description: 'Asked for but not held: unknown referral, a decline, or details erased.' }) missing: string[];
}

export class ErrorView {
  @ApiProperty() statusCode: number;
  @ApiProperty() error: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: 'Machine-readable code of a business-rule refusal.' }) code?: string;
}

/* Requests */

export class ReferralIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id: string;
}

export class ContactParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() referralId: string;
}

export class ReferralQuery {
  @ApiPropertyOptional({ description: 'Pseudonymous person reference: all their referrals and declines.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(40) personRef?: string;
  @ApiPropertyOptional({ description: 'A short reference as read back, e.g. "k7wf 3xpa".' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(20) shortRef?: string;
}

export class WithdrawalRequest {
  @ApiProperty({ example: 'referred-in-error', description: 'A withdrawal reason code of libs/domain (WITHDRAWAL_REASONS); an unknown one gets 422.' })
  @IsString() @Matches(CODE_PATTERN, { message: 'reasonCode must be a lower-case code, e.g. referred-in-error' }) @MaxLength(60)
  reasonCode: string;
  @ApiProperty({ example: 'TV4172', description: 'Who withdraws it (collar number or staff id).' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  withdrawnBy: string;
}
