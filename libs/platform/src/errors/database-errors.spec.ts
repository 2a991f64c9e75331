import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { databaseFailure, describeDatabaseError, sqlStateOf } from './database-errors';
import { describeErrorSafely, isPermanentError, isTransientError, PermanentError } from './errors';

function databaseError(code: string, message: string, fields: Partial<DatabaseError> = {}): DatabaseError {
  return Object.assign(new DatabaseError(message, 100, 'error'), { code, ...fields });
}

/** As TypeORM raises it from a query: the driver's error inside. */
const wrapped = (error: DatabaseError) => new QueryFailedError('INSERT INTO t VALUES ($1)', ['Alex Smith'], error);

describe('database failures by SQLSTATE', () => {
  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22001', 'value too long for type character varying(20)'],
    ['22P02', 'invalid input syntax for type uuid: "Alex Smith"'],
    ['22008', 'date/time field value out of range: "2026-02-30"'],
    ['23502', 'null value in column "x" of relation "t" violates not-null constraint'],
    ['23503', 'insert or update on table "t" violates foreign key constraint "t_fk"'],
    ['23514', 'new row for relation "t" violates check constraint "t_check"'],
    ['54001', 'stack depth limit exceeded'],
  ])('%s (%s) is permanent: the same data fails the same way every time', (code, message) => {
    expect(databaseFailure(wrapped(databaseError(code, message)))).toBe('permanent');
    expect(isPermanentError(wrapped(databaseError(code, message)))).toBe(true);
    expect(isTransientError(wrapped(databaseError(code, message)))).toBe(false);
  });

  it.each([
    ['40P01', 'deadlock detected'],
    ['40001', 'could not serialize access due to concurrent update'],
    ['55P03', 'could not obtain lock on row in relation "t"'],
    ['57014', 'canceling statement due to statement timeout'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['57P01', 'terminating connection due to administrator command'],
    // A concurrent writer's race: the retry finds the row.
    ['23505', 'duplicate key value violates unique constraint "t_pkey"'],
  ])('%s (%s) is transient', (code, message) => {
    expect(databaseFailure(wrapped(databaseError(code, message)))).toBe('transient');
    expect(isPermanentError(wrapped(databaseError(code, message)))).toBe(false);
    expect(isTransientError(wrapped(databaseError(code, message)))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a missing table (a deployment fault, not the data)', wrapped(databaseError('42P01', 'relation "nope" does not exist'))],
    ['a bug in a handler', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that merely mentions a SQLSTATE', new Error('SQLSTATE 22021')],
    ['not an error', 'a string'],
  ])('%s is neither: callers keep their default', (_what, error) => {
    expect(databaseFailure(error)).toBeNull();
    expect(isPermanentError(error)).toBe(false);
    expect(isTransientError(error)).toBe(false);
  });

  it('judges by the code, not the text', () => {
    expect(databaseFailure(databaseError('40P01', 'value too long'))).toBe('transient');
    expect(databaseFailure(databaseError('22001', 'deadlock detected'))).toBe('permanent');
  });

  it('finds the SQLSTATE through a cause chain', () => {
    expect(sqlStateOf(new Error('start-up failed', { cause: wrapped(databaseError('40P01', 'deadlock detected')) }))).toBe('40P01');
    expect(sqlStateOf(new Error('no database here'))).toBeNull();
  });

  it('keeps business refusals permanent and dependencies gone transient', () => {
    expect(isPermanentError(new PermanentError('illegal transition'))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 });
    expect(isTransientError(refused)).toBe(true);
  });
});

describe('describing a failure without the data it refused', () => {
  it('tells a database error by its SQLSTATE and schema names, never its message or detail', () => {
    const error = wrapped(databaseError('22P02', 'invalid input syntax for type uuid: "Alex Smith"', { table: 'referral', column: 'person_id', detail: 'Failing row contains (Alex Smith).' }));
    expect(describeDatabaseError(error)).toBe('SQLSTATE 22P02 data exception (table referral, column person_id)');
    expect(describeErrorSafely(error)).toBe('QueryFailedError: SQLSTATE 22P02 data exception (table referral, column person_id)');
  });

  it('leaves out the input V8 quotes around a JSON syntax error', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"name": Alex Smith, "phone": "07700 900123"}');
    } catch (error) {
      parseError = error;
    }
    const wrappedParse = new Error(`message on t is invalid: (root) is not JSON (${(parseError as Error).message})`);
    expect((parseError as Error).message).toContain('Alex');
    expect(describeErrorSafely(wrappedParse)).not.toMatch(/Alex|07700/);
    expect(describeErrorSafely(wrappedParse)).toContain('is not JSON');
  });

  it('keeps other messages as they are', () => {
    expect(describeErrorSafely(new PermanentError('illegal transition from closed'))).toBe('PermanentError: illegal transition from closed');
  });
});
