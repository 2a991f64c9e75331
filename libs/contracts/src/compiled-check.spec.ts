import { readFileSync } from 'node:fs';
import path from 'node:path';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, Validate, ValidateIf, ValidateNested,
  ValidatorConstraint, type ValidatorConstraintInterface,
} from 'class-validator';
import { compiledCheckFor, whyNotCompiled } from './compiled-check';
import { ContractViolation, CourseBookedData, Encounter, EnvelopeShape, EVENT_DEFINITIONS, Nested, validateAs, validateWithClassValidator } from './index';

// The compiled check must give class-validator's verdict, and validateAs' fast path must return
// what plainToInstance returns. Both are checked against the full path on thousands of
// mutations of the golden fixtures: every field deleted, emptied, retyped, stretched, broken.

const FIXTURES = path.resolve(__dirname, '../fixtures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
type AnyClass = new () => object;

// ---- the harness --------------------------------------------------------------------------------

/** Values tried at every path of a fixture. */
const REPLACEMENTS: unknown[] = [
  undefined, null, '', ' ', 'x', 'x'.repeat(101), 'x'.repeat(2001), 0, -1, 1, 1.5, 1000, 1001, 1e21, 'NaN', true, false,
  [], [{}], ['x'], [null], [undefined], [[]], {}, { x: 1 },
  '2026-13-01T00:00:00Z', '2026-03-01', '2026-03-01T21:40:00', '2026-03-01T21:40:00Z', 'not-a-known-value',
  'B', 'male', 'abc-def', 'Abc Def', '00000000-0000-4000-8000-000000000001', 'alex@example.test',
];

type Path = (string | number)[];

function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...at, key], ...pathsOf((value as Record<string | number, unknown>)[key], [...at, key])]);
}

function objectPathsOf(value: unknown): Path[] {
  return [[], ...pathsOf(value)].filter((p) => {
    const v = valueAt(value, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

const valueAt = (root: unknown, at: Path): unknown => at.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], root);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

interface Case {
  where: string;
  value: unknown;
}

/** The fixture, then every mutation of it (as a fresh copy each). */
function mutationsOf(original: unknown): Case[] {
  const cases: Case[] = [{ where: '(fixture)', value: clone(original) }];
  for (const whole of [null, [], 'x', {}, undefined, 0]) cases.push({ where: `(root) = ${show(whole)}`, value: whole });
  for (const at of pathsOf(original)) {
    const parentPath = at.slice(0, -1);
    const key = at[at.length - 1];
    const mutate = (what: string, change: (parent: Record<string | number, unknown>) => void) => {
      const value = clone(original);
      change(valueAt(value, parentPath) as Record<string | number, unknown>);
      cases.push({ where: `${at.join('.')} ${what}`, value });
    };
    // JSON has no holes: deleting an array item removes it.
    mutate('deleted', (parent) => (Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key]));
    for (const replacement of REPLACEMENTS) mutate(`= ${show(replacement)}`, (parent) => (parent[key] = freshCopy(replacement)));
  }
  for (const at of objectPathsOf(original)) {
    const value = clone(original);
    (valueAt(value, at) as Record<string, unknown>).unexpectedKey = { any: ['thing'] };
    cases.push({ where: `${at.join('.') || '(root)'} + unexpectedKey`, value });
  }
  return cases;
}

/** clone() for any replacement, undefined (and undefined items) included. */
const freshCopy = (value: unknown): unknown =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(freshCopy) : value !== null && typeof value === 'object' ? clone(value) : value;

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 20)}…(${text.length} chars)` : text;
}

type Outcome = { valid: true; instance: object } | { valid: false; error: unknown };

function outcomeOf(run: () => object): Outcome {
  try {
    return { valid: true, instance: run() };
  } catch (error) {
    return { valid: false, error };
  }
}

/** The first difference between two object trees: values, key order and prototypes. */
function firstDifference(actual: unknown, expected: unknown, at = '(root)'): string | undefined {
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') {
    return Object.is(actual, expected) ? undefined : `${at}: ${show(actual)} instead of ${show(expected)}`;
  }
  const [actualProto, expectedProto] = [Object.getPrototypeOf(actual), Object.getPrototypeOf(expected)];
  if (actualProto !== expectedProto) return `${at}: prototype of ${actualProto?.constructor?.name} instead of ${expectedProto?.constructor?.name}`;
  const [actualKeys, expectedKeys] = [Reflect.ownKeys(actual), Reflect.ownKeys(expected)];
  if (actualKeys.join() !== expectedKeys.join()) return `${at}: keys [${actualKeys.join()}] instead of [${expectedKeys.join()}]`;
  for (const key of expectedKeys) {
    const difference = firstDifference((actual as Record<PropertyKey, unknown>)[key], (expected as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`);
    if (difference) return difference;
  }
  return undefined;
}

function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if (value !== null && typeof value === 'object' && !found.has(value)) {
    found.add(value);
    for (const item of Object.values(value)) objectsIn(item, found);
  }
  return found;
}

interface Tally {
  valid: number;
  invalid: number;
  problems: string[];
}

const describeError = (error: unknown) =>
  error instanceof ContractViolation ? `${error.message} ${JSON.stringify(error.issues)}` : String(error);

/**
 * For one class and one value: the compiled verdict must equal the full path's (or, when `exact`
 * is false, never say valid where it says invalid); validateAs must give the full path's result:
 * the same tree with the same prototypes and no object shared with the input, or the same error.
 */
function compare(cls: AnyClass, label: string, value: unknown, tally: Tally, { isValid = compiledCheckFor(cls)!.isValid, exact = true } = {}): void {
  const expected = outcomeOf(() => validateWithClassValidator(cls, value, 'subject'));
  if (expected.valid) tally.valid++;
  else tally.invalid++;
  const verdict = isValid(value);
  if (exact ? verdict !== expected.valid : verdict && !expected.valid) {
    const why = expected.valid ? '' : ` (${(expected.error as Error).message.slice(0, 160)})`;
    tally.problems.push(`${label}: compiled says ${verdict ? 'valid' : 'invalid'}, class-validator ${expected.valid ? 'valid' : 'invalid'}${why}`);
    return;
  }
  const actual = outcomeOf(() => validateAs(cls, value, 'subject'));
  if (expected.valid && actual.valid) {
    const difference = firstDifference(actual.instance, expected.instance);
    if (difference) tally.problems.push(`${label}: validateAs differs from plainToInstance at ${difference}`);
    const inputObjects = objectsIn(value);
    if ([...objectsIn(actual.instance)].some((o) => inputObjects.has(o))) tally.problems.push(`${label}: validateAs shares an object with its input`);
  } else if (!expected.valid && !actual.valid) {
    const [got, wanted] = [describeError(actual.error), describeError(expected.error)];
    if (got !== wanted) tally.problems.push(`${label}: validateAs threw ${got} instead of ${wanted}`);
  } else {
    tally.problems.push(`${label}: validateAs ${actual.valid ? 'accepted' : 'refused'} it`);
  }
}

function newTally(): Tally {
  return { valid: 0, invalid: 0, problems: [] };
}

// ---- the registered contracts ---------------------------------------------------------------------

describe('compiled contract checks', () => {
  const contractClasses: AnyClass[] = [EnvelopeShape, Encounter, ...EVENT_DEFINITIONS.map((d) => d.data)];

  it.each(contractClasses.map((cls) => [cls.name, cls] as const))('compiles %s (no contract falls back to the slow path)', (_name, cls) => {
    expect(whyNotCompiled(cls)).toBeUndefined();
    expect(compiledCheckFor(cls)).toBeDefined();
  });

  it.each(EVENT_DEFINITIONS.map((d) => [d.type, d] as const))('agrees with class-validator on every mutation of %s', (_type, definition) => {
    const tally = newTally();
    for (const { where, value } of mutationsOf(fixture(`${definition.type}.v${definition.version}.json`))) {
      compare(EnvelopeShape, `EnvelopeShape ${where}`, value, tally);
      const data = value !== null && typeof value === 'object' ? (value as { data?: unknown }).data : undefined;
      compare(definition.data, `${definition.data.name} ${where}`, data, tally);
    }
    expect(tally.problems).toEqual([]);
    // A harness that only ever saw one verdict would prove nothing.
    expect(tally.valid).toBeGreaterThan(50);
    expect(tally.invalid).toBeGreaterThan(200);
  });

  it('agrees with class-validator on every mutation of the police encounter', () => {
    const tally = newTally();
    for (const { where, value } of mutationsOf(fixture('police-encounter.v1.json'))) compare(Encounter, `Encounter ${where}`, value, tally);
    expect(tally.problems).toEqual([]);
    expect(tally.valid).toBeGreaterThan(100);
    expect(tally.invalid).toBeGreaterThan(500);
  });

  it('leaves values JSON cannot carry to the full path, which then decides as before', () => {
    const tally = newTally();
    const encounter = fixture('police-encounter.v1.json');
    const course = fixture('CourseBooked.v1.json');
    const sparse = clone(course);
    delete sparse.data.sessions[0];
    const exotic: [string, AnyClass, unknown][] = [
      ['own __proto__ key', Encounter, JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(encounter).slice(1)}`)],
      ['nested own __proto__ key', Encounter, { ...encounter, officer: JSON.parse('{"__proto__": null, "collarNumber": "TV1"}') }],
      ['constructor key', Encounter, { ...encounter, constructor: 'x' }],
      ['toString key', Encounter, { ...encounter, person: { ...encounter.person, toString: 'x' } }],
      ['toString key in an unchecked object', EnvelopeShape, { ...course, data: { toString: 1 } }],
      ['a Date', EnvelopeShape, { ...course, data: { at: new Date(0) } }],
      ['a class instance', Encounter, Object.assign(new Encounter(), encounter)],
      ['a null-prototype object', Encounter, Object.assign(Object.create(null), encounter)],
      ['a sparse array', CourseBookedData, sparse.data],
      ['a function', Encounter, { ...encounter, bwvReference: () => 'x' }],
      ['a hidden (non-enumerable) field', Encounter, Object.defineProperty({ ...encounter, area: undefined }, 'area', { value: 'windsor', enumerable: false })],
    ];
    // The fast path leaves these to the full path; it must never call one valid that is not.
    for (const [what, cls, value] of exotic) compare(cls, what, value, tally, { exact: false });
    expect(tally.problems).toEqual([]);
  });
});

// ---- executor corners the contracts do not reach ----------------------------------------------------

class ZooLeaf {
  @IsInt() @Min(0) n: number;
}

class ZooBase {
  @IsString() @MaxLength(5) name: string;
  @IsOptional() @IsInt() count?: number;
}

/** Every construct the compiler accepts, in the combinations the contracts do not use. */
class Zoo extends ZooBase {
  /** Replaces the inherited rules of the same type: 7 characters pass here, not in ZooBase. */
  @IsString() @MaxLength(10) override name: string;
  /** ValidateNested alone: undefined passes, an array is walked, a string fails. */
  @ValidateNested() @Type(() => ZooLeaf) leaf?: ZooLeaf;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => ZooLeaf) leaves?: ZooLeaf[];
  /** No @Type: a nested object stays plain and forbidUnknownValues refuses it. */
  @ValidateNested() untyped?: unknown;
  /** @Type without ValidateNested: built as a ZooLeaf, never checked. */
  @Type(() => ZooLeaf) unchecked?: ZooLeaf;
  /** IsOptional skips IsDefined too. */
  @IsDefined() @IsOptional() both?: string;
  /** `each` without IsArray: a lone string is checked as itself. */
  @Matches(/^[a-z]+$/, { each: true }) tags: string[] | string;
  @IsIn([1, 'one', null]) mixed: unknown;
}

describe('compiled checks of classes outside the contracts', () => {
  it('reproduces inheritance, each, nested arrays and plain nested objects', () => {
    expect(whyNotCompiled(Zoo)).toBeUndefined();
    const tally = newTally();
    const zoo = {
      name: 'abcdefg', count: 3, leaf: { n: 1 }, leaves: [{ n: 2 }, { n: 0 }], untyped: [[]],
      unchecked: { n: -5, extra: [1, { a: 1 }] }, both: 'x', tags: ['a', 'b'], mixed: 'one',
    };
    for (const { where, value } of mutationsOf(zoo)) compare(Zoo, `Zoo ${where}`, value, tally);
    expect(tally.problems).toEqual([]);
    expect(tally.valid).toBeGreaterThan(100);
    expect(tally.invalid).toBeGreaterThan(100);
    // The result is built as plainToInstance builds it, @Type-only objects included.
    const parsed = validateAs(Zoo, zoo, 'zoo');
    expect(parsed.unchecked).toBeInstanceOf(ZooLeaf);
    expect(parsed).toStrictEqual(plainToInstance(Zoo, zoo));
  });

  it('catches a wrong rule (the harness is not vacuous)', () => {
    // A check that forgot MaxLength on Encounter.bwvReference: the harness must notice.
    const real = compiledCheckFor(Encounter)!.isValid;
    const sabotaged = (value: unknown) => {
      const bwvReference = (value as Partial<Encounter> | null)?.bwvReference;
      return real(value) || (typeof bwvReference === 'string' && bwvReference.length > 64 && real({ ...(value as object), bwvReference: 'BWV' }));
    };
    const tally = newTally();
    for (const { where, value } of mutationsOf(fixture('police-encounter.v1.json'))) compare(Encounter, where, value, tally, { isValid: sabotaged });
    expect(tally.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^bwvReference = "x+…\(103 chars\): compiled says valid/)]));
  });
});

// ---- what the compiler refuses -------------------------------------------------------------------------

@ValidatorConstraint({ name: 'isEven' })
class IsEven implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

class WithValidateIf {
  @IsIn(['short', 'long']) kind: string;
  @ValidateIf((o: WithValidateIf) => o.kind === 'long') @IsString() @IsNotEmpty() detail?: string;
}

class WithCustomConstraint {
  @Validate(IsEven) count: number;
}

class WithTransform {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotEmpty() name: string;
}

class WithGroups {
  @IsString({ groups: ['admin'] }) role: string;
}

class Empty {}

class NestingEmpty {
  @Nested(() => Empty) inner: Empty;
}

class NestingRefused {
  @Nested(() => WithValidateIf) inner: WithValidateIf;
}

class TreeNode {
  @IsString() label: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => TreeNode) children?: TreeNode[];
}

describe('classes the compiler refuses', () => {
  it.each([
    [WithValidateIf, /ValidateIf/, [{ kind: 'short' }, { kind: 'long' }, { kind: 'long', detail: 'd' }, { kind: 'short', detail: 3 }]],
    [WithCustomConstraint, /constraint isEven/, [{ count: 2 }, { count: 3 }, {}]],
    [WithTransform, /class-transformer decorators other than @Type/, [{ name: ' a ' }, { name: '  ' }, { name: 3 }]],
    [WithGroups, /groups/, [{ role: 'x' }, { role: 3 }]],
    [NestingEmpty, /inner: Empty: no class-validator metadata/, [{ inner: {} }, {}]],
    [NestingRefused, /inner: WithValidateIf/, [{ inner: { kind: 'short' } }, { inner: { kind: 'long' } }]],
    [TreeNode, /nests itself/, [{ label: 'a', children: [{ label: 'b' }] }, { label: 'a', children: [{ label: 2 }] }]],
  ] as [AnyClass, RegExp, object[]][])('%p gets no compiled check and validates as before', (cls, reason, values) => {
    expect(compiledCheckFor(cls)).toBeUndefined();
    expect(whyNotCompiled(cls)).toMatch(reason);
    for (const value of values) {
      const full = outcomeOf(() => validateWithClassValidator(cls, value, 'subject'));
      const actual = outcomeOf(() => validateAs(cls, value, 'subject'));
      expect(actual).toEqual(full);
      if (full.valid && actual.valid) expect(firstDifference(actual.instance, full.instance)).toBeUndefined();
    }
  });

  it('validates the refused classes for real (the cases above are not all valid)', () => {
    expect(() => validateAs(WithValidateIf, { kind: 'long' }, 'x')).toThrow(/detail/);
    expect(() => validateAs(WithCustomConstraint, { count: 3 }, 'x')).toThrow(/count/);
    expect(validateAs(WithTransform, { name: ' a ' }, 'x').name).toBe('a');
    expect(() => validateAs(TreeNode, { label: 'a', children: [{ label: 2 }] }, 'x')).toThrow(/children\.0\.label/);
  });
});
