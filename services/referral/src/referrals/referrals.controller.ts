import { BadRequestException, Body, Controller, Get, HttpCode, Headers, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { correlationIdFrom } from '../correlation';
import { ReferralsService } from './referrals.service';
import {
  ErrorView, ReferralIdParam, ReferralListView, ReferralQuery, ReferralView, WithdrawalRequest, WithdrawalView,
} from './referral.views';
import { normaliseShortRef } from './short-ref';

@ApiTags('referrals')
@Controller('v1/referrals')
export class ReferralsController {
  constructor(@Inject(ReferralsService) private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOperation({ summary: "A person's referrals and declines (by personRef), or the referral with a short reference (by shortRef)" })
  @ApiOkResponse({ type: ReferralListView })
  @ApiBadRequestResponse({ type: ErrorView })
  async list(@Query() query: ReferralQuery): Promise<ReferralListView> {
    if ((query.personRef === undefined) === (query.shortRef === undefined)) {
      throw new BadRequestException({
        statusCode: 400, error: 'Bad Request', message: 'Give exactly one of the query parameters personRef or shortRef.',
        issues: [{ path: 'personRef', rule: 'exactlyOne', message: 'personRef or shortRef is required (not both)' }],
      });
    }
    if (query.personRef !== undefined) return { items: await this.referrals.findByPerson(query.personRef) };
    const shortRef = normaliseShortRef(query.shortRef!);
    return { items: shortRef ? await this.referrals.findByShortRef(shortRef) : [] };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One referral (or decline) with its status timeline' })
  @ApiOkResponse({ type: ReferralView })
  @ApiBadRequestResponse({ type: ErrorView, description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorView })
  async get(@Param() params: ReferralIdParam): Promise<ReferralView> {
    return this.referrals.get(params.id);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a live referral with a reason code (publishes ReferralWithdrawn)' })
  @ApiOkResponse({ type: WithdrawalView })
  @ApiBadRequestResponse({ type: ErrorView })
  @ApiNotFoundResponse({ type: ErrorView })
  @ApiConflictResponse({ type: ErrorView, description: 'The referral has ended (completed, withdrawn, summons requested, no further diversion) or was declined.' })
  @ApiUnprocessableEntityResponse({ type: ErrorView, description: 'Unknown withdrawal reason code.' })
  async withdraw(@Param() params: ReferralIdParam, @Body() body: WithdrawalRequest, @Headers('x-correlation-id') correlationId?: string): Promise<WithdrawalView> {
    return this.referrals.withdraw(params.id, body.reasonCode, body.withdrawnBy, correlationIdFrom(correlationId));
  }
}
