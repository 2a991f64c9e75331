import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from '@ddp/contracts';

/**
 * Request bodies are validated by their class-validator classes; a bad one gets 400
 * naming every broken field and rule, e.g.
 * { "statusCode": 400, "error": "Bad Request", "message": "...", "issues": [{ "path": "person.dateOfBirth", "rule": "matches", "message": "person.dateOfBirth must be a date, YYYY-MM-DD" }] }
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const issues = flattenValidationErrors(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `The request is invalid: ${issues.map((i) => i.message).join('; ')}`,
        issues,
      });
    },
  });
}
