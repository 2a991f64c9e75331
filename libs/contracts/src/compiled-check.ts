import type { ClassConstructor } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import {
  ARRAY_MIN_SIZE, getMetadataStorage, IS_ARRAY, IS_BOOLEAN, IS_DEFINED, IS_EMAIL, IS_IN, IS_INT, IS_ISO8601, IS_NOT_EMPTY, IS_NUMBER,
  IS_OBJECT, IS_OPTIONAL, IS_POSITIVE, IS_STRING, IS_UUID, MATCHES, MAX, MAX_LENGTH, MIN, ValidationTypes,
  type MetadataStorage, type ValidationArguments,
} from 'class-validator';

/*
 * validateAs runs class-transformer then class-validator on every event envelope, its data and
 * every police encounter. Most of that time goes to the libraries' per-call machinery (metadata
 * look-ups, error objects, closures), not to the rules. This file reads the same decorators once
 * per class and compiles them into plain functions:
 *
 *   parse(value)  when validateSync(plainToInstance(cls, value)) would find no error (with
 *                 validateAs' options: forbidUnknownValues, no groups, no whitelist), the
 *                 instance plainToInstance returns, built directly; otherwise undefined.
 *
 * Each rule calls its constraint's own validate(), as class-validator's executor does, so what a
 * rule accepts cannot drift. A class using anything the compiler does not know (another
 * constraint, ValidateIf, groups, @Transform, @Expose, a type chosen per value...) gets no compiled
 * check, and validateAs keeps the full path for it. Only "valid" is answered here: an invalid value
 * goes through class-validator, so error messages stay as they were.
 */

/** A contract class compiled to plain functions. */
export interface CompiledCheck<T extends object> {
  /**
   * When class-validator would find no error in plainToInstance(cls, value): that instance (same
   * keys and values, nested objects built as their @Type classes), built directly. Otherwise
   * undefined, and also when `value` holds something this copy does not reproduce exactly (a value
   * JSON cannot carry, a sparse array, a key class-transformer treats specially such as __proto__,
   * constructor or toString): the caller then takes the full path.
   */
  parse(value: unknown): T | undefined;
  /** parse(value) !== undefined: for JSON data, exactly class-validator's verdict. */
  isValid(value: unknown): boolean;
}

/** Returns the compiled check of `cls`, or undefined when it must be validated the full way. */
export function compiledCheckFor<T extends object>(cls: ClassConstructor<T>): CompiledCheck<T> | undefined {
  const outcome = compileOnce(cls);
  return outcome instanceof NotCompilable ? undefined : (outcome as CompiledCheck<T>);
}

/** Why `cls` has no compiled check (undefined when it has one): for tests and diagnostics. */
export function whyNotCompiled(cls: ClassConstructor<object>): string | undefined {
  const outcome = compileOnce(cls);
  return outcome instanceof NotCompilable ? outcome.message : undefined;
}

// ---------------------------------------------------------------------------------------------

type Constructor = new () => object;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Rule = (value: unknown) => boolean;

/** The class uses something this compiler does not reproduce; the message says what. */
class NotCompilable extends Error {}

/**
 * Built-in constraints the compiler accepts: each one's validate(value, args) is synchronous,
 * keeps no state and reads nothing but `value` and `args.constraints` (checked against
 * class-validator 0.15's sources), so calling it with fixed arguments gives the executor's answer.
 */
const PURE_CONSTRAINTS = new Set<string>([
  IS_DEFINED, IS_STRING, IS_NOT_EMPTY, IS_IN, MATCHES, IS_ISO8601, MAX_LENGTH, IS_INT, MIN, MAX, IS_BOOLEAN, IS_ARRAY, ARRAY_MIN_SIZE,
  IS_OBJECT, IS_UUID, IS_POSITIVE, IS_NUMBER, IS_EMAIL,
]);

interface PropertyPlan {
  readonly name: string;
  /** @IsOptional: null or undefined skips every other check of the property. */
  readonly optional: boolean;
  /** The property's constraints (IsDefined included), each honouring its `each` option. */
  readonly rules: readonly Rule[];
  /** @ValidateNested. */
  readonly validateNested: boolean;
  /** The @Type class nested objects become; undefined leaves them plain objects. */
  readonly nestedClass: ClassPlan | undefined;
}

interface ClassPlan {
  readonly cls: Constructor;
  /** Every property class-validator checks on this class, inherited ones included. */
  readonly properties: readonly PropertyPlan[];
  /** Properties with @Type: class-transformer builds their objects as that class. */
  readonly typed: ReadonlyMap<string, ClassPlan>;
}

const outcomes = new WeakMap<Function, CompiledCheck<object> | NotCompilable>();

function compileOnce(cls: Function): CompiledCheck<object> | NotCompilable {
  let outcome = outcomes.get(cls);
  if (!outcome) {
    try {
      const plan = planOf(cls);
      const parse = (value: unknown) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value) || !satisfies(plan, value as Record<string, unknown>)) return undefined;
        try {
          return instantiateAs(plan, value);
        } catch (error) {
          if (error === UNREPRODUCIBLE) return undefined;
          throw error;
        }
      };
      outcome = { parse, isValid: (value) => parse(value) !== undefined };
    } catch (error) {
      // Never let the fast path break validation: whatever went wrong, use the full path.
      outcome = error instanceof NotCompilable ? error : new NotCompilable(`${cls.name}: ${(error as Error).message}`);
    }
    outcomes.set(cls, outcome);
  }
  return outcome;
}

// ---- compiling --------------------------------------------------------------------------------

const plans = new WeakMap<Function, ClassPlan>();
const planning = new Set<Function>();

function planOf(cls: Function): ClassPlan {
  const known = plans.get(cls);
  if (known) return known;
  // A class nested in itself would need a lazily linked plan; no contract does that, so refuse.
  if (planning.has(cls)) throw new NotCompilable(`${cls.name} nests itself`);
  planning.add(cls);
  try {
    const plan = compileClass(cls);
    plans.set(cls, plan);
    return plan;
  } finally {
    planning.delete(cls);
  }
}

function compileClass(cls: Function): ClassPlan {
  const refuse = (why: string) => new NotCompilable(`${cls.name}: ${why}`);
  // The executor finds a class's rules through instance.constructor.
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object' || cls.prototype.constructor !== cls) throw refuse('not a plain class');
  const constructor = cls as Constructor;
  // plainToInstance starts from `new cls()`; so does instantiateAs, so it must not start with values.
  const probe = new constructor();
  if (Reflect.ownKeys(probe).length > 0 || Object.getPrototypeOf(probe) !== cls.prototype) throw refuse('its constructor sets properties');
  for (const store of ['_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas']) {
    if (transformerMetadataKeys(cls, store).length > 0) throw refuse(`uses class-transformer decorators other than @Type (${store})`);
  }

  const typed = new Map<string, ClassPlan>();
  for (const name of transformerMetadataKeys(cls, '_typeMetadatas')) {
    if (typeof name !== 'string') throw refuse('@Type on a class or a symbol');
    typed.set(name, typedClassOf(cls, name, refuse));
  }

  // Exactly what the executor asks for (validateSync without groups: always = strictGroups = false).
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  // With forbidUnknownValues a class without rules is itself an error; leave that to the full path.
  if (metadatas.length === 0) throw refuse('no class-validator metadata');
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    const name: unknown = metadata.propertyName;
    if (typeof name !== 'string') throw refuse('a rule on a symbol property');
    // The instance would read such a name from its prototype (a method, a getter, __proto__).
    if (name in cls.prototype) throw refuse(`${name} is also a member of the class or Object`);
    byProperty.set(name, [...(byProperty.get(name) ?? []), metadata]);
  }
  const properties = [...byProperty].map(([name, group]) => compileProperty(cls, name, group, typed.get(name), refuse));
  return { cls: constructor, properties, typed };
}

function compileProperty(
  cls: Function, name: string, group: ValidationMetadata[], nestedClass: ClassPlan | undefined, refuse: (why: string) => NotCompilable,
): PropertyPlan {
  let optional = false;
  let validateNested = false;
  const rules: Rule[] = [];
  for (const metadata of group) {
    const where = `${name} (${metadata.name ?? metadata.type})`;
    if (metadata.groups?.length || metadata.always !== undefined) throw refuse(`${where} uses groups or always`);
    if (metadata.validateIf) throw refuse(`${where} uses validateIf`);
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        // IsOptional is the only conditional with a name; ValidateIf runs arbitrary code.
        if (metadata.name !== IS_OPTIONAL) throw refuse(`${name} uses ValidateIf`);
        optional = true;
        break;
      case ValidationTypes.NESTED_VALIDATION:
        validateNested = true;
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        rules.push(compileRule(cls, name, metadata, refuse));
        break;
      default:
        throw refuse(`${where}: validation type ${metadata.type} is not compiled`);
    }
  }
  return { name, optional, rules, validateNested, nestedClass };
}

function compileRule(cls: Function, name: string, metadata: ValidationMetadata, refuse: (why: string) => NotCompilable): Rule {
  const constraints = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length !== 1) throw refuse(`${name}: a rule with ${constraints.length} constraint implementations`);
  const [constraint] = constraints;
  if (!PURE_CONSTRAINTS.has(constraint.name) || constraint.async) throw refuse(`${name}: constraint ${constraint.name} is not compiled`);
  const [first] = metadata.constraints ?? [];
  // isIn compares by identity: a listed object could equal the caller's value but never its copy.
  if (constraint.name === IS_IN && !(Array.isArray(first) && first.every(isPrimitive))) throw refuse(`${name}: isIn with non-primitive values`);
  // A sticky RegExp remembers where it stopped: running it twice (here, then class-validator) could differ.
  if (constraint.name === MATCHES && first instanceof RegExp && first.sticky) throw refuse(`${name}: sticky pattern`);

  const validator = constraint.instance;
  // The pure constraints read only `value` and `constraints` (the live array: later edits still count).
  const args: ValidationArguments = { targetName: cls.name, property: name, object: {}, value: undefined, constraints: metadata.constraints };
  const one: Rule = (value) => Boolean(validator.validate(value, args));
  if (!metadata.each) return one;
  // As the executor does: with `each`, every item of an array must pass (an empty array passes).
  return (value) => (Array.isArray(value) ? value.every(one) : one(value));
}

/** The class a property's @Type builds, compiled; refuses what would build anything else. */
function typedClassOf(cls: Function, name: string, refuse: (why: string) => NotCompilable): ClassPlan {
  const metadata = defaultMetadataStorage.findTypeMetadata(cls, name);
  if (!metadata) throw refuse(`${name}: @Type metadata not found`);
  // class-transformer calls typeFunction with the object being transformed; only a function that
  // takes no argument is known to give the same class every time.
  if (typeof metadata.typeFunction !== 'function' || metadata.typeFunction.length !== 0) throw refuse(`${name}: @Type depends on the value`);
  if (metadata.options?.discriminator) throw refuse(`${name}: @Type with a discriminator`);
  const target: unknown = metadata.typeFunction();
  if (typeof target !== 'function') throw refuse(`${name}: @Type gives no class`);
  // For an array value class-transformer starts from `new designType()`: only these give a plain [].
  const designType: unknown = metadata.reflectedType;
  const plainArray = designType === undefined || designType === Array || designType === Object
    || (designType === target && !('push' in target.prototype) && !(target.prototype instanceof Set));
  if (!plainArray) throw refuse(`${name}: design type ${(designType as Function)?.name} changes how arrays are built`);
  // Nested objects must be contract classes themselves (this also rules out String, Date, Map...).
  try {
    return planOf(target);
  } catch (error) {
    throw error instanceof NotCompilable ? refuse(`${name}: ${error.message}`) : error;
  }
}

/**
 * Property names (undefined for class-level entries) in one of class-transformer's metadata maps
 * for `cls` and its ancestors. The storage offers no public listing; if its shape ever changes,
 * the class is refused rather than guessed about.
 */
function transformerMetadataKeys(cls: Function, store: string): unknown[] {
  const maps: unknown = (defaultMetadataStorage as unknown as Record<string, unknown>)[store];
  if (!(maps instanceof Map)) throw new NotCompilable(`${cls.name}: class-transformer's ${store} is not readable`);
  const keys: unknown[] = [];
  // The same ancestors class-transformer walks (MetadataStorage.getAncestors).
  for (let target: Function = cls; typeof target.prototype !== 'undefined'; target = Object.getPrototypeOf(target)) {
    const byProperty: unknown = maps.get(target);
    if (byProperty instanceof Map) keys.push(...byProperty.keys());
  }
  return keys;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

// ---- checking ---------------------------------------------------------------------------------
// The rules run on the plain values: class-transformer only copies them (primitives as they are,
// arrays and objects into new ones of the same shape), and every pure constraint gives a copy the
// answer it gives the original. Nested objects are checked against their @Type class.

function satisfies(plan: ClassPlan, object: Record<string, unknown>): boolean {
  for (const property of plan.properties) {
    const value = object[property.name];
    if (property.optional && (value === null || value === undefined)) continue;
    for (const rule of property.rules) if (!rule(value)) return false;
    // ValidateNested ignores undefined; anything else must be an object (or array of them) it can validate.
    if (property.validateNested && value !== undefined && !nestedSatisfies(value, property.nestedClass)) return false;
  }
  return true;
}

function nestedSatisfies(value: unknown, nestedClass: ClassPlan | undefined): boolean {
  // Arrays are walked item by item whatever `each` says; undefined items are skipped.
  if (Array.isArray(value)) return value.every((item) => item === undefined || nestedSatisfies(item, nestedClass));
  if (value === null || typeof value !== 'object') return false;
  // Without @Type the object stays a plain Object, which forbidUnknownValues rejects.
  return nestedClass !== undefined && satisfies(nestedClass, value as Record<string, unknown>);
}

// ---- instantiating ----------------------------------------------------------------------------
// Mirrors class-transformer's plainToInstance with validateAs' options: `new cls()`, then every
// own key in order; @Type properties become instances, everything else is copied as plain data.

/** Thrown (not an Error: no stack to capture) when the copy would not match class-transformer's. */
const UNREPRODUCIBLE = Object.freeze({ unreproducible: true });

function instantiateAs(plan: ClassPlan, value: object): object {
  const keys = plainKeysOf(value);
  const instance = new plan.cls() as Record<string, unknown>;
  for (const key of keys) {
    // class-transformer skips __proto__, constructor and names the instance already answers.
    if (key in instance) throw UNREPRODUCIBLE;
    const nested = plan.typed.get(key);
    const item = (value as Record<string, unknown>)[key];
    instance[key] = nested ? transformTyped(item, nested) : copyPlain(item);
  }
  return instance;
}

function transformTyped(value: unknown, plan: ClassPlan): unknown {
  if (Array.isArray(value)) return mapDense(value, (item) => transformTyped(item, plan));
  if (value !== null && typeof value === 'object') return instantiateAs(plan, value);
  return jsonPrimitive(value);
}

function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return mapDense(value, copyPlain);
  if (value !== null && typeof value === 'object') {
    const keys = plainKeysOf(value);
    const copy: Record<string, unknown> = {};
    for (const key of keys) {
      if (key in copy) throw UNREPRODUCIBLE;
      copy[key] = copyPlain((value as Record<string, unknown>)[key]);
    }
    return copy;
  }
  return jsonPrimitive(value);
}

/**
 * The keys class-transformer copies (Object.keys) of an object as JSON.parse makes them. Other
 * prototypes are transformed differently, and a hidden (non-enumerable) property would be seen
 * by the checks but not copied: leave both to class-transformer.
 */
function plainKeysOf(value: object): string[] {
  if (Object.getPrototypeOf(value) !== Object.prototype) throw UNREPRODUCIBLE;
  const keys = Object.keys(value);
  if (Object.getOwnPropertyNames(value).length !== keys.length) throw UNREPRODUCIBLE;
  return keys;
}

/** class-transformer's forEach drops holes: leave sparse arrays to it. */
function mapDense(array: unknown[], transform: (item: unknown) => unknown): unknown[] {
  const result: unknown[] = [];
  for (let i = 0; i < array.length; i++) {
    if (!(i in array)) throw UNREPRODUCIBLE;
    result.push(transform(array[i]));
  }
  return result;
}

function jsonPrimitive(value: unknown): unknown {
  const type = typeof value;
  if (value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined') return value;
  throw UNREPRODUCIBLE;
}
