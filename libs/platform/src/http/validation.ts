import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { flattenValidationErrors, unsafeJsonIssues, type FieldIssue } from '@ddp/contracts';

/**
 * Request bodies are validated by their class-validator classes; a bad one gets 400
 * naming every broken field and rule, e.g.
 * { "statusCode": 400, "error": "Bad Request", "message": "...", "issues": [{ "path": "person.dateOfBirth", "rule": "matches", "message": "person.dateOfBirth must be a date, YYYY-MM-DD" }] }
 */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => badRequest(flattenValidationErrors(errors)),
  });
}

export function badRequest(issues: FieldIssue[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `The request is invalid: ${issues.map((i) => i.message).join('; ')}`,
    issues,
  });
}

/**
 * Every body, query and path parameter of every route passes here first: JSON nested too deep
 * to validate, NUL characters and lone surrogates get a 400 naming the field, before any
 * validator or query sees them (the same check as Kafka messages get in validateAs).
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const issues = unsafeJsonIssues(value, metadata.data ?? '');
      if (issues.length > 0) throw badRequest(issues);
    }
    return super.transform(value, metadata);
  }
}
