import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorklistService } from './worklist.service';

/**
 * Worklists (port 3002): what providers, supervisors and officers have to act on when a
 * record is missing, a referral could not be booked in time, or a provider fills up.
 */
@ApiTags('worklists')
@Controller('v1')
export class WorklistsController {
  constructor(@Inject(WorklistService) private readonly worklists: WorklistService) {}

  @Get('providers/:providerId/worklist')
  @ApiOperation({ summary: "The provider's worklist: outcomes and attendance to record, escalated referrals to book, capacity alerts" })
  @ApiNotFoundResponse({ description: 'provider-not-found' })
  provider(@Param('providerId') providerId: string) {
    return this.worklists.forProvider(providerId);
  }

  @Get('worklists/supervisors')
  @ApiOperation({ summary: "The supervisors' worklist: records still missing after UNRECORDED_SUPERVISOR_AFTER_HOURS, referrals waiting for a booking, capacity alerts" })
  supervisors() {
    return this.worklists.forSupervisors();
  }

  @Get('worklists/officers/:collarNumber')
  @ApiOperation({ summary: "An officer's worklist: their referrals that could not be booked for assessment in time" })
  @ApiBadRequestResponse({ description: 'invalid-collar-number' })
  officer(@Param('collarNumber') collarNumber: string) {
    return this.worklists.forOfficer(collarNumber);
  }
}
