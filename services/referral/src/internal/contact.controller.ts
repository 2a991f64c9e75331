import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ReferralsService } from '../referrals/referrals.service';
import { ContactParam, ContactsRequest, ContactsView, ContactView, ErrorView } from '../referrals/referral.views';
import { INTERNAL_TOKEN_HEADER, InternalTokenGuard } from '@ddp/platform';

/**
 * For the notification service only: the contact details of a referred person, fetched
 * at send time. The personal-data decision is in services/referral/README.md.
 */
@ApiTags('internal')
@Controller('internal/v1/referrals')
@UseGuards(InternalTokenGuard)
export class ContactController {
  constructor(@Inject(ReferralsService) private readonly referrals: ReferralsService) {}

  @Get(':referralId/contact')
  @ApiOperation({ summary: 'Contact details of a referred person (notification service only)' })
  @ApiHeader({ name: INTERNAL_TOKEN_HEADER, required: true, description: 'INTERNAL_API_TOKEN of the deployment.' })
  @ApiOkResponse({ type: ContactView })
  @ApiUnauthorizedResponse({ type: ErrorView })
  @ApiBadRequestResponse({ type: ErrorView })
  @ApiNotFoundResponse({ type: ErrorView, description: 'Unknown referral, a decline, or details erased.' })
  async contact(@Param() params: ContactParam): Promise<ContactView> {
    return this.referrals.contact(params.referralId);
  }

  @Post('contacts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Contact details of several referred people at once (notification service only)', description: 'One query for up to 100 referrals; those not held are listed in `missing`.' })
  @ApiHeader({ name: INTERNAL_TOKEN_HEADER, required: true, description: 'INTERNAL_API_TOKEN of the deployment.' })
  @ApiOkResponse({ type: ContactsView })
  @ApiUnauthorizedResponse({ type: ErrorView })
  @ApiBadRequestResponse({ type: ErrorView })
  async contacts(@Body() body: ContactsRequest): Promise<ContactsView> {
    return this.referrals.contacts(body.referralIds);
  }
}
