import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ComplianceService } from '../referrals/compliance.service';
import { ShowCauseNoticeService } from './show-cause-notice.service';

export class ExcuseReviewDto {
  @ApiProperty({ description: 'The supervisor excusing the absence (collar number or staff id)', example: 'SGT-2231' })
  @IsString() @IsNotEmpty() @MaxLength(100) excusedBy: string;

  @ApiProperty({ description: 'Why the absence is excused', example: 'Admitted to hospital on the day of the session' })
  @IsString() @IsNotEmpty() @MaxLength(400) reason: string;
}

export const NOTICE_ROUTES = ['phone', 'in-person', 'letter'] as const;

export class NoticeConfirmedDto {
  @ApiProperty({ description: 'Who reached the person (provider worker or supervisor id)', example: 'DL-WORKER-12' })
  @IsString() @IsNotEmpty() @MaxLength(100) confirmedBy: string;

  @ApiProperty({ enum: NOTICE_ROUTES, description: 'How the person was told what the show-cause notice says' })
  @IsIn(NOTICE_ROUTES) via: (typeof NOTICE_ROUTES)[number];
}

export class ListReviewsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) referralId?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: 'open' | 'closed';
}

@ApiTags('reviews')
@Controller('v1/reviews')
export class ReviewsController {
  constructor(
    @Inject(ComplianceService) private readonly compliance: ComplianceService,
    @Inject(ShowCauseNoticeService) private readonly notices: ShowCauseNoticeService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Compliance reviews (filter by referral and status)' })
  list(@Query() query: ListReviewsQuery) {
    return this.compliance.listReviews(query);
  }

  @Get('awaiting-notice')
  @ApiOperation({ summary: "Open reviews whose show-cause notice has not been confirmed to reach the person (held: the first deadline passed, the window waits): people still to be reached" })
  awaitingNotice() {
    return this.notices.awaitingNotice();
  }

  @Get(':reviewId')
  @ApiOperation({ summary: 'One compliance review' })
  @ApiNotFoundResponse({ description: 'No such review' })
  get(@Param('reviewId', new ParseUUIDPipe()) reviewId: string) {
    return this.compliance.reviewView(reviewId);
  }

  @Post(':reviewId/excuse')
  @HttpCode(200)
  @ApiOperation({ summary: 'A supervisor excuses the absence inside the show-cause window: the review closes as excused' })
  @ApiOkResponse({ description: 'The closed review' })
  @ApiConflictResponse({ description: "code 'review-closed' (already decided) or 'window-closed' (the deadline has passed)" })
  excuse(@Param('reviewId', new ParseUUIDPipe()) reviewId: string, @Body() body: ExcuseReviewDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.compliance.excuseByRequest(reviewId, body, correlationId);
  }

  @Post(':reviewId/notice-confirmed')
  @HttpCode(200)
  @ApiOperation({ summary: 'The show-cause notice reached the person another way (the provider phoned them): the window runs a full length from now if that is later' })
  @ApiOkResponse({ description: 'The review\'s deadline and notice confirmation' })
  @ApiConflictResponse({ description: "code 'review-closed'" })
  noticeConfirmed(@Param('reviewId', new ParseUUIDPipe()) reviewId: string, @Body() body: NoticeConfirmedDto) {
    return this.notices.confirmByRequest(reviewId, body);
  }

  @Get(':reviewId/notice')
  @ApiOperation({ summary: 'Whether the show-cause notice was confirmed to have reached the person, and the deadline that follows' })
  notice(@Param('reviewId', new ParseUUIDPipe()) reviewId: string) {
    return this.notices.noticeView(reviewId);
  }
}
