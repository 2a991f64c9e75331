import fc from 'fast-check';
import { anEncounter } from '@ddp/testing';
import { personalMarker } from './personal-markers';

/**
 * Poison for police.encounters.v1: each a valid encounter with one thing broken, or no
 * encounter at all. Every kind must be dead-lettered: none is a message a police system
 * could mean. The person's names are planted markers, so a dead letter's headers (or a
 * log line) that repeat them have echoed personal data.
 */
export type PoisonKind = 'nul' | 'lone-surrogate' | 'wrong-type' | 'missing-field' | 'huge-value' | 'deep-json' | 'bad-json' | 'not-utf8' | 'no-value';

export interface PoisonMessage {
  kind: PoisonKind;
  /** What was broken, for a failure's report (never the value itself). */
  detail: string;
  value: Buffer | null;
  /** Planted stand-ins for a name, if the message carries a person. */
  markers: string[];
  /** The encounter id it carries, if any (to tell a message decided as if valid). */
  encounterId?: string;
}

/** String fields the contract takes as free text (a NUL or a lone surrogate passes their own rules). */
const TEXT_FIELDS = ['person.givenName', 'person.familyName', 'person.personRef', 'officer.collarNumber', 'bwvReference'];
/** Required fields, each with a value of the wrong type for it. */
const REQUIRED_FIELDS = ['encounterId', 'occurredAt', 'area', 'officer', 'officer.collarNumber', 'person', 'person.dateOfBirth', 'person.givenName', 'offence', 'offence.type', 'indicators', 'indicators.suspectedSupply'];
/** Fields with a length limit, and a value far past it. */
const LIMITED_FIELDS = ['encounterId', 'officer.collarNumber', 'person.givenName', 'person.personRef', 'bwvReference'];

type Json = Record<string, unknown>;

function get(o: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((at, k) => (at as Json | undefined)?.[k], o);
}

function set(o: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Json>((at, k) => at[k] as Json, o);
  if (value === undefined) delete parent[keys[keys.length - 1]];
  else parent[keys[keys.length - 1]] = value;
}

function withPerson(): { encounter: Json; markers: string[] } {
  const markers = [personalMarker(), personalMarker()];
  const encounter = anEncounter({ person: { givenName: markers[0], familyName: markers[1] } }) as unknown as Json;
  return { encounter, markers };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const idOf = (encounter: Json) => (typeof encounter.encounterId === 'string' ? encounter.encounterId : undefined);

/** A value at `at` (0..1) of the way into `text`, with `insert` there. */
const insertAt = (text: string, at: number, insert: string) => {
  const i = Math.floor(at * (text.length + 1));
  return text.slice(0, i) + insert + text.slice(i);
};

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const wrongValue = fc.constantFrom<unknown>(42, -1.5, true, null, [], ['x'], {}, { nested: 'object' }, '');

export function poisonMessage(): fc.Arbitrary<PoisonMessage> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...TEXT_FIELDS), fraction).map(([field, at]): PoisonMessage => {
      const { encounter, markers } = withPerson();
      set(encounter, field, insertAt(String(get(encounter, field)), at, '\u0000'));
      return { kind: 'nul', detail: field, value: json(encounter), markers, encounterId: idOf(encounter) };
    }),
    fc.tuple(fc.constantFrom(...TEXT_FIELDS), fraction, fc.integer({ min: 0xd800, max: 0xdfff })).map(([field, at, code]): PoisonMessage => {
      const { encounter, markers } = withPerson();
      // JSON.stringify writes a lone surrogate as its \u escape: valid JSON text, not a valid string.
      set(encounter, field, insertAt(String(get(encounter, field)), at, String.fromCharCode(code)));
      return { kind: 'lone-surrogate', detail: `${field} U+${code.toString(16)}`, value: json(encounter), markers, encounterId: idOf(encounter) };
    }),
    fc.tuple(fc.constantFrom(...REQUIRED_FIELDS), wrongValue).map(([field, wrong]): PoisonMessage => {
      const { encounter, markers } = withPerson();
      // A value that is wrong for the field whatever its type: an object where a string goes, a string where an object goes.
      const current = get(encounter, field);
      set(encounter, field, typeof current === 'object' && typeof wrong === 'object' && wrong !== null ? 'not an object' : typeof current === typeof wrong && wrong !== null ? [wrong] : wrong);
      return { kind: 'wrong-type', detail: field, value: json(encounter), markers, encounterId: idOf(encounter) };
    }),
    fc.constantFrom(...REQUIRED_FIELDS).map((field): PoisonMessage => {
      const { encounter, markers } = withPerson();
      set(encounter, field, undefined);
      return { kind: 'missing-field', detail: field, value: json(encounter), markers, encounterId: idOf(encounter) };
    }),
    fc.tuple(fc.constantFrom(...LIMITED_FIELDS), fc.integer({ min: 1_000, max: 200_000 })).map(([field, length]): PoisonMessage => {
      const { encounter, markers } = withPerson();
      set(encounter, field, 'x'.repeat(length));
      return { kind: 'huge-value', detail: `${field} ${length} chars`, value: json(encounter), markers, encounterId: idOf(encounter) };
    }),
    fc.integer({ min: 100, max: 10_000 }).map((depth): PoisonMessage => {
      const { encounter, markers } = withPerson();
      const text = JSON.stringify(encounter).replace(/}$/, `, "extra": ${'['.repeat(depth)}${']'.repeat(depth)}}`);
      return { kind: 'deep-json', detail: `${depth} levels`, value: Buffer.from(text), markers, encounterId: idOf(encounter) };
    }),
    fc.tuple(fraction, fc.constantFrom('{', '"', ',', ']', 'nul', '')).map(([at, junk]): PoisonMessage => {
      const { encounter, markers } = withPerson();
      const text = JSON.stringify(encounter);
      // Cut short (never at the very end, which would leave it whole) and/or a stray token.
      const cut = text.slice(0, Math.min(text.length - 1, Math.floor(at * text.length))) + junk;
      return { kind: 'bad-json', detail: `cut at ${cut.length - junk.length} + ${JSON.stringify(junk)}`, value: Buffer.from(cut), markers, encounterId: idOf(encounter) };
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): PoisonMessage => {
      const { encounter, markers } = withPerson();
      // A byte sequence that is not UTF-8 inside a string.
      const text = JSON.stringify(encounter).replace(markers[0], `${markers[0]}\u0001`);
      const value = Buffer.concat([Buffer.from(text.slice(0, text.indexOf('\u0001'))), Buffer.from([0xc3, 0x28, 0xff, ...bytes.slice(0, 4)]), Buffer.from(text.slice(text.indexOf('\u0001') + 1))]);
      return { kind: 'not-utf8', detail: 'invalid UTF-8 in a name', value, markers, encounterId: idOf(encounter) };
    }),
    fc.constantFrom<[string, Buffer | null]>(['no value (a tombstone)', null], ['empty', Buffer.alloc(0)], ['a JSON number', Buffer.from('42')], ['a JSON array', Buffer.from('[]')], ['JSON null', Buffer.from('null')]).map(
      ([detail, value]): PoisonMessage => ({ kind: 'no-value', detail, value, markers: [] }),
    ),
  );
}
