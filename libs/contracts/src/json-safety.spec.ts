import 'reflect-metadata';
import { EnvelopeShape } from './envelope';
import { Encounter } from './encounter';
import { describeJsonSyntaxError, MAX_JSON_DEPTH, unsafeJsonIssues } from './json-safety';
import { parseJson } from './registry';
import { ContractViolation, validateAs } from './validation';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('unsafeJsonIssues: what no validator or table should see', () => {
  it('names a value nested deeper than the limit, and takes 10,000 levels without overflowing the stack', () => {
    expect(unsafeJsonIssues(nested(MAX_JSON_DEPTH - 1))).toEqual([]);
    const issues = unsafeJsonIssues(nested(10_000));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ rule: 'maxDepth' });
    expect(issues[0].path.split('.')).toHaveLength(MAX_JSON_DEPTH);
    expect(unsafeJsonIssues(JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)))[0].rule).toBe('maxDepth');
  });

  it('names each string holding NUL or a lone surrogate by its path; a surrogate pair (an emoji) is fine', () => {
    expect(unsafeJsonIssues({ person: { familyName: 'Sm\u0000ith' }, list: ['ok', '\ud800'], tail: 'x\udc00' }, 'body')).toEqual([
      { path: 'body.person.familyName', rule: 'noNulCharacter', message: 'body.person.familyName must not contain the NUL character (\\u0000)' },
      { path: 'body.list.1', rule: 'wellFormedUnicode', message: 'body.list.1 must be well-formed Unicode (it holds a lone surrogate, e.g. \\ud800)' },
      { path: 'body.tail', rule: 'wellFormedUnicode', message: 'body.tail must be well-formed Unicode (it holds a lone surrogate, e.g. \\ud800)' },
    ]);
    expect(unsafeJsonIssues({ name: 'Zoë 😀', note: 'line\nbreak' })).toEqual([]);
    expect(unsafeJsonIssues('\u0000', 'providerId')).toEqual([expect.objectContaining({ path: 'providerId', rule: 'noNulCharacter' })]);
  });

  it('checks keys too, without quoting them', () => {
    const [issue] = unsafeJsonIssues({ outer: { ['k\u0000']: 1 } });
    expect(issue).toMatchObject({ path: 'outer.(a key)', rule: 'noNulCharacter' });
  });

  it('names at most ten issues for a payload broken everywhere', () => {
    expect(unsafeJsonIssues(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(10);
  });
});

describe('validateAs refuses unsafe input before any rule (the Kafka path and every contract)', () => {
  it('turns deep JSON into a ContractViolation instead of a stack overflow', () => {
    expect(() => validateAs(Encounter, { person: nested(10_000) }, 'encounter')).toThrow(ContractViolation);
    try {
      validateAs(Encounter, { person: nested(10_000) }, 'encounter');
    } catch (error) {
      expect((error as ContractViolation).issues[0].rule).toBe('maxDepth');
    }
  });

  it('refuses NUL and lone surrogates naming the field, with the prefix of the data', () => {
    expect(() => validateAs(EnvelopeShape, { eventId: 'a\u0000' }, 'event envelope')).toThrow(/eventId must not contain the NUL character/);
    expect(() => validateAs(Encounter, { officer: { collarNumber: '\ud800' } }, 'encounter', 'data')).toThrow(/data\.officer\.collarNumber must be well-formed Unicode/);
  });
});

describe('JSON syntax errors name the position only', () => {
  const secret = 'Smithers-07700900123';
  it.each([`{"familyName": ${secret}}`, `{"familyName": "${secret}",}`, `{"phone": "${secret}"} ${secret}`, `{"a": tru`])('%s', (text) => {
    let thrown: unknown;
    try {
      JSON.parse(text);
    } catch (error) {
      thrown = error;
    }
    const said = describeJsonSyntaxError(thrown);
    expect(said).toMatch(/^is not valid JSON/);
    expect(said).not.toContain('Smithers');
    expect(() => parseJson(Buffer.from(text), 'event')).toThrow(ContractViolation);
    try {
      parseJson(Buffer.from(text), 'event');
    } catch (error) {
      expect((error as Error).message).not.toContain('Smithers');
      expect((error as Error).message).not.toContain('0770');
    }
  });

  it('says where when the parser knows', () => {
    expect(describeJsonSyntaxError(new SyntaxError('Expected double-quoted property name in JSON at position 7'))).toBe('is not valid JSON (error at position 7)');
  });
});
