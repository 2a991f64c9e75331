import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { compiledCheckFor } from './compiled-check';
import { unsafeJsonIssues } from './json-safety';

/** One broken rule on one field, e.g. { path: 'data.area', rule: 'isIn', message: '...' }. */
export interface FieldIssue {
  path: string;
  rule: string;
  message: string;
}

/**
 * Thrown when a payload does not satisfy its contract. It is permanent: retrying the
 * same bytes cannot succeed, so consumers dead-letter it at once and HTTP answers 400.
 */
export class ContractViolation extends Error {
  readonly permanent = true;
  constructor(
    readonly subject: string,
    readonly issues: FieldIssue[],
  ) {
    super(`${subject} is invalid: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      // class-validator messages start with the bare property name; name the full path instead.
      const text = message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
      issues.push({ path, rule, message: `${path} ${text}` });
    }
    if (error.children?.length) issues.push(...flattenValidationErrors(error.children, path));
  }
  return issues;
}

/**
 * Turns plain JSON into an instance of `cls` and runs its class-validator rules.
 * Returns the instance, or throws ContractViolation naming every broken field.
 */
export function validateAs<T extends object>(cls: ClassConstructor<T>, plain: unknown, subject: string, pathPrefix = ''): T {
  // Before any rule: too deep to validate, or holding what PostgreSQL and JSON cannot store.
  const unsafe = unsafeJsonIssues(plain, pathPrefix);
  if (unsafe.length > 0) throw new ContractViolation(subject, unsafe);
  // Fast path: a check compiled from the same decorators (compiled-check.ts) answers "valid"
  // without class-validator's per-call cost. Anything else takes the full path, so every
  // error reads exactly as before.
  const instance = compiledCheckFor(cls)?.parse(plain);
  if (instance) return instance;
  return validateWithClassValidator(cls, plain, subject, pathPrefix);
}

/** validateAs the full way: class-transformer, then class-validator. The fast path must agree with it. */
export function validateWithClassValidator<T extends object>(cls: ClassConstructor<T>, plain: unknown, subject: string, pathPrefix = ''): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ContractViolation(subject, [{ path: pathPrefix || '(root)', rule: 'isObject', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: false });
  // compiled-check.ts reproduces these options' verdict (forbidUnknownValues, no groups, no whitelist): keep them in step.
  const errors = validateSync(instance, { forbidUnknownValues: true, stopAtFirstError: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw new ContractViolation(subject, flattenValidationErrors(errors, pathPrefix));
  return instance;
}
