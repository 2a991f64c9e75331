import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ReferralsService } from '../referrals/referrals.service';
import { ContactParam, ContactView, ErrorView } from '../referrals/referral.views';
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
}
