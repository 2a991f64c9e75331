import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CODE_PATTERN, IsCalendarDate, IsDateOrInstant } from '@ddp/contracts';
import { COURT_RESULTS, SummonsService } from './summons.service';

const STATUSES = ['pending', 'acknowledged', 'court-result-recorded', 'withdrawn'] as const;

export class ListSummonsQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ example: 'windsor-maidenhead' }) @IsOptional() @Matches(CODE_PATTERN) area?: string;
  @ApiPropertyOptional({ description: 'Requested at or after: an ISO instant, or a date (UK day, inclusive)', example: '2026-11-01' })
  @IsOptional() @IsDateOrInstant() from?: string;
  @ApiPropertyOptional({ description: 'Requested at or before: an ISO instant, or a date (UK day, inclusive)', example: '2026-11-30' })
  @IsOptional() @IsDateOrInstant() to?: string;
  @ApiPropertyOptional({ default: 100, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  // At most the largest exact integer: it goes to SQL's OFFSET (a bigint), where a larger one fails.
  @ApiPropertyOptional({ default: 0, maximum: Number.MAX_SAFE_INTEGER }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) offset?: number;
}

export class AcknowledgeDto {
  @ApiProperty({ description: 'Who in the courts unit acknowledged it', example: 'CU-0412' })
  @IsString() @IsNotEmpty() @MaxLength(100) acknowledgedBy: string;
}

export class CourtResultDto {
  @ApiProperty({ enum: COURT_RESULTS }) @IsIn(COURT_RESULTS) result: string;
  @ApiProperty({ example: 'CU-0412' }) @IsString() @IsNotEmpty() @MaxLength(100) recordedBy: string;
  @ApiPropertyOptional({ example: '2027-01-14' })
  @IsOptional() @IsCalendarDate() hearingDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) notes?: string;
}

export class WithdrawDto {
  @ApiProperty({ description: 'The supervisor withdrawing it', example: 'SGT-2231' }) @IsString() @IsNotEmpty() @MaxLength(100) withdrawnBy: string;
  @ApiProperty({ example: 'Evidence of a medical emergency on the day' }) @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
}

/** The courts unit's API. */
@ApiTags('summons-requests')
@Controller('v1/summons-requests')
export class SummonsController {
  constructor(@Inject(SummonsService) private readonly summons: SummonsService) {}

  @Get()
  @ApiOperation({ summary: 'Summons requests, oldest first (filter by status, area, requested date)' })
  list(@Query() q: ListSummonsQuery) {
    return this.summons.list({ status: q.status, area: q.area, from: q.from, to: q.to, limit: q.limit ?? 100, offset: q.offset ?? 0 });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One summons request with its evidence package and history' })
  @ApiNotFoundResponse({ description: 'No such request' })
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.summons.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'The courts unit acknowledges a pending request' })
  @ApiOkResponse({ description: 'The request, acknowledged' })
  @ApiConflictResponse({ description: "code 'not-pending'" })
  acknowledge(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: AcknowledgeDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.summons.acknowledge(id, body.acknowledgedBy, correlationId);
  }

  @Post(':id/court-result')
  @HttpCode(200)
  @ApiOperation({ summary: "Records the court result of an acknowledged request (a later result supersedes, history kept); the referral's crime outcome follows it: CourtResultRecorded" })
  @ApiConflictResponse({ description: "code 'not-acknowledged' or 'withdrawn'" })
  courtResult(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CourtResultDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.summons.recordCourtResult(id, body, correlationId);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'A supervisor withdraws a pending request (before the courts unit acknowledged it): SummonsRequestWithdrawn' })
  @ApiConflictResponse({ description: "code 'not-pending' (acknowledged, decided or already withdrawn)" })
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: WithdrawDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.summons.withdraw(id, body, correlationId);
  }
}
