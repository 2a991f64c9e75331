import { Body, ConflictException, Controller, Headers, Inject, Post, Res, UnprocessableEntityException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ContractViolation, Encounter } from '@ddp/contracts';
import type { Response } from 'express';
import { correlationIdFrom } from '../correlation';
import { EncounterIdReused } from '../intake/encounter-digest';
import { IntakeService } from '../intake/intake.service';
import type { OfficerAnswer } from '../intake/officer-answer';
import { ErrorView, OfficerAnswerView } from '../referrals/referral.views';
import { ENCOUNTER_JSON_SCHEMA, toOpenApiSchema } from './encounter.schema';

@ApiTags('encounters')
@Controller('v1/encounters')
export class EncountersController {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @Post()
  @ApiOperation({
    summary: 'Report an encounter; the answer is the decision',
    description:
      'Same rules as a message on police.encounters.v1. Idempotent by encounterId: a repeat of the same body (by either path, even at the same moment) gets the first answer again, with 200; the same encounterId with a different body is a 409. A well-formed encounter the rules cannot divert (unknown area, too much, supply...) is a decline with reasons, not an error.',
  })
  @ApiBody({ schema: toOpenApiSchema(ENCOUNTER_JSON_SCHEMA) as never })
  @ApiHeader({ name: 'x-correlation-id', required: false, description: 'Carried into the events (up to 100 characters).' })
  @ApiCreatedResponse({ type: OfficerAnswerView, description: 'Decided now: referred or declined.' })
  @ApiOkResponse({ type: OfficerAnswerView, description: 'This encounterId was decided before: the same answer.' })
  @ApiBadRequestResponse({ type: ErrorView, description: 'Malformed or incomplete: `issues` names every bad field and why.' })
  @ApiConflictResponse({ type: ErrorView, description: 'This encounterId was reported before with different details (code `encounter-id-reused`).' })
  @ApiUnprocessableEntityResponse({ type: ErrorView, description: 'Well-formed but impossible: occurredAt ahead of the time now (code `occurred-in-future`).' })
  async report(
    @Body() encounter: Encounter,
    @Res({ passthrough: true }) res: Response,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<OfficerAnswer> {
    const { answer, created } = await this.intake.intake(encounter, { correlationId: correlationIdFrom(correlationId) }).catch((error: unknown) => {
      if (error instanceof EncounterIdReused) throw new ConflictException({ statusCode: 409, error: 'Conflict', code: error.code, message: error.message });
      if (!(error instanceof ContractViolation)) throw error;
      throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', code: error.issues[0]?.rule === 'notInFuture' ? 'occurred-in-future' : 'invalid-encounter', message: error.message, issues: error.issues });
    });
    res.status(created ? 201 : 200);
    return answer;
  }
}
