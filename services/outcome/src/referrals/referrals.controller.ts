import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ComplianceService } from './compliance.service';

@ApiTags('referrals')
@Controller('v1/referrals')
export class ReferralsController {
  constructor(@Inject(ComplianceService) private readonly compliance: ComplianceService) {}

  @Get(':referralId/compliance')
  @ApiOperation({ summary: "A referral's compliance state: lifecycle status, attendance record, reviews, status history" })
  @ApiOkResponse({ description: 'The compliance view (pseudonymous: no names or contact details).' })
  compliance_(@Param('referralId') referralId: string) {
    return this.compliance.referralView(referralId);
  }
}
