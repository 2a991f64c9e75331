import * as fs from 'fs';
import * as path from 'path';
// ajv 6 is already installed (through eslint); used by this test only, never at run time.
import Ajv from 'ajv';
import { ContractViolation, Encounter, validateAs } from '@ddp/contracts';
import { anEncounter } from '@ddp/testing';
import { ENCOUNTER_JSON_SCHEMA, toOpenApiSchema } from './encounter.schema';

const SCHEMA_FILE = path.resolve(__dirname, '../../schemas/police-encounter.v1.schema.json');

const ajv = new Ajv({ allErrors: true, format: 'full' });
const validateWithSchema = ajv.compile(ENCOUNTER_JSON_SCHEMA);

function classVerdict(sample: unknown): { valid: boolean; paths: string[] } {
  try {
    validateAs(Encounter, sample, 'encounter');
    return { valid: true, paths: [] };
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    return { valid: false, paths: error.issues.map((i) => i.path) };
  }
}

const base = () => JSON.parse(JSON.stringify(anEncounter({ encounterId: 'ENC-1' }))) as Record<string, any>;
const withChange = (change: (e: Record<string, any>) => void) => {
  const e = base();
  change(e);
  return e;
};

const VALID: Array<[string, unknown]> = [
  ['the builder default', base()],
  ['no optional fields', withChange((e) => { delete e.bwvReference; delete e.person.contact; delete e.offence.drugClass; })],
  ['optional fields null', withChange((e) => { e.bwvReference = null; e.person.contact = null; e.person.sex = null; e.offence.quantity = null; })],
  ['an offset instead of Z, no seconds', withChange((e) => { e.occurredAt = '2026-07-01T21:40+01:00'; })],
  ['fractional seconds', withChange((e) => { e.occurredAt = '2026-07-01T21:40:00.123Z'; })],
  ['shoplifting, not linked', withChange((e) => { e.offence = { type: 'shoplifting' }; e.indicators.linkedToSubstanceMisuse = false; })],
  ['equality categories', withChange((e) => { e.person.sex = 'female'; e.person.ethnicity = 'mixed-white-asian'; })],
  ['unknown area code (well-formed: a decline, not a 400)', withChange((e) => { e.area = 'gotham'; })],
  ['phone with spaces', withChange((e) => { e.person.contact = { phone: '07700 900 123' }; })],
  ['extra fields are ignored', withChange((e) => { e.extra = { anything: true }; })],
  ['29 February in a leap year', withChange((e) => { e.person.dateOfBirth = '2004-02-29'; })],
  ['an offence type the configuration may not know (a decline, not a 400)', withChange((e) => { e.offence = { type: 'knife-possession' }; })],
  ['a substance with no threshold, judged small by the officer', withChange((e) => { e.offence.substance = 'khat'; e.offence.officerJudgedSmallPersonalQuantity = true; })],
  ['offered and refused', withChange((e) => { e.offer = { accepted: false }; })],
  ["a young person with a guardian's contact", withChange((e) => { e.person.dateOfBirth = '2010-05-01'; e.person.guardian = { name: 'Sam Doe', relationship: 'mother', phone: '07700 900124', email: 'sam@example.org' }; })],
];

const INVALID: Array<[string, unknown, string]> = [
  ['not an object', 'encounter', '(root)'],
  ['no encounterId', withChange((e) => { delete e.encounterId; }), 'encounterId'],
  ['encounterId with a space', withChange((e) => { e.encounterId = 'ENC 1'; }), 'encounterId'],
  ['encounterId too long', withChange((e) => { e.encounterId = 'E'.repeat(65); }), 'encounterId'],
  ['occurredAt without an offset', withChange((e) => { e.occurredAt = '2026-07-01T21:40:00'; }), 'occurredAt'],
  ['occurredAt a date only', withChange((e) => { e.occurredAt = '2026-07-01'; }), 'occurredAt'],
  ['area in capitals', withChange((e) => { e.area = 'Windsor-Maidenhead'; }), 'area'],
  ['no officer', withChange((e) => { delete e.officer; }), 'officer'],
  ['officer null', withChange((e) => { e.officer = null; }), 'officer'],
  ['empty collar number', withChange((e) => { e.officer.collarNumber = ''; }), 'officer.collarNumber'],
  ['no personRef', withChange((e) => { delete e.person.personRef; }), 'person.personRef'],
  ['date of birth not a date', withChange((e) => { e.person.dateOfBirth = '15/06/1994'; }), 'person.dateOfBirth'],
  ['date of birth 30 February', withChange((e) => { e.person.dateOfBirth = '2001-02-30'; }), 'person.dateOfBirth'],
  ['29 February in a common year', withChange((e) => { e.person.dateOfBirth = '2003-02-29'; }), 'person.dateOfBirth'],
  ['empty given name', withChange((e) => { e.person.givenName = ''; }), 'person.givenName'],
  ['phone with letters', withChange((e) => { e.person.contact.phone = 'call me'; }), 'person.contact.phone'],
  ['email without a domain', withChange((e) => { e.person.contact.email = 'alex@'; }), 'person.contact.email'],
  ['unknown ethnicity', withChange((e) => { e.person.ethnicity = 'martian'; }), 'person.ethnicity'],
  ['unknown sex value', withChange((e) => { e.person.sex = 'M'; }), 'person.sex'],
  // Offence types are configuration: any code passes the contract (an unconfigured one is declined), a non-code does not.
  ['offence type not a code', withChange((e) => { e.offence.type = 'Shop lifting'; }), 'offence.type'],
  ['guardian without a name', withChange((e) => { e.person.guardian = { phone: '07700 900123' }; }), 'person.guardian.name'],
  ['offer without accepted', withChange((e) => { e.offer = {}; }), 'offer.accepted'],
  ['officer judgement as a string', withChange((e) => { e.offence.officerJudgedSmallPersonalQuantity = 'yes'; }), 'offence.officerJudgedSmallPersonalQuantity'],
  ['drug class D', withChange((e) => { e.offence.drugClass = 'D'; }), 'offence.drugClass'],
  ['substance in capitals', withChange((e) => { e.offence.substance = 'Cannabis'; }), 'offence.substance'],
  ['quantity zero', withChange((e) => { e.offence.quantity.value = 0; }), 'offence.quantity.value'],
  ['quantity negative', withChange((e) => { e.offence.quantity.value = -2; }), 'offence.quantity.value'],
  ['quantity as a string', withChange((e) => { e.offence.quantity.value = '2'; }), 'offence.quantity.value'],
  ['quantity in kg (not a contract unit)', withChange((e) => { e.offence.quantity.unit = 'kg'; }), 'offence.quantity.unit'],
  ['quantity without unit', withChange((e) => { delete e.offence.quantity.unit; }), 'offence.quantity.unit'],
  ['suspectedSupply missing', withChange((e) => { e.indicators = {}; }), 'indicators.suspectedSupply'],
  ['suspectedSupply as a string', withChange((e) => { e.indicators.suspectedSupply = 'false'; }), 'indicators.suspectedSupply'],
  ['empty bwvReference', withChange((e) => { e.bwvReference = ''; }), 'bwvReference'],
];

/** ajv 6 names fields like ".person.contact.phone" or "['person']": bring them to dotted paths. */
function schemaPaths(): string[] {
  return (validateWithSchema.errors ?? []).map((e) => {
    const parent = e.dataPath.replace(/^\./, '').replace(/\['([^']+)'\]/g, '.$1').replace(/^\./, '');
    const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty.replace(/^\./, '') : '';
    return [parent, missing].filter(Boolean).join('.') || '(root)';
  });
}

describe('police.encounters.v1 JSON Schema', () => {
  it('is checked in exactly as generated (UPDATE_ENCOUNTER_SCHEMA=1 rewrites the file)', () => {
    const generated = `${JSON.stringify(ENCOUNTER_JSON_SCHEMA, null, 2)}\n`;
    if (process.env['UPDATE_ENCOUNTER_SCHEMA'] === '1') fs.writeFileSync(SCHEMA_FILE, generated);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('is a valid draft-07 schema', () => {
    expect(ajv.validateSchema(ENCOUNTER_JSON_SCHEMA)).toBe(true);
  });

  it.each(VALID)('accepts, like the class rules: %s', (_name, sample) => {
    expect(classVerdict(sample)).toEqual({ valid: true, paths: [] });
    expect(validateWithSchema(sample)).toBe(true);
  });

  it.each(INVALID)('refuses, like the class rules, naming the same field: %s', (_name, sample, field) => {
    const verdict = classVerdict(sample);
    expect(verdict.valid).toBe(false);
    expect(verdict.paths).toContain(field);
    expect(validateWithSchema(sample)).toBe(false);
    expect(schemaPaths()).toContain(field);
  });

  it('requires the same top-level and nested fields as the class rules', () => {
    const required = (schema: any): string[] => schema.required ?? [];
    const props = (ENCOUNTER_JSON_SCHEMA as any).properties;
    expect(required(ENCOUNTER_JSON_SCHEMA)).toEqual(['encounterId', 'occurredAt', 'area', 'officer', 'person', 'offence', 'indicators']);
    // Removing each required field one at a time is refused by both, naming that field.
    for (const [parent, fields] of [['', required(ENCOUNTER_JSON_SCHEMA)], ['person', required(props.person)], ['offence', required(props.offence)], ['indicators', required(props.indicators)], ['officer', required(props.officer)]] as const) {
      for (const field of fields) {
        const sample = base();
        delete (parent ? sample[parent] : sample)[field];
        const name = parent ? `${parent}.${field}` : field;
        expect(classVerdict(sample).paths).toContain(name);
        expect(validateWithSchema(sample)).toBe(false);
      }
    }
  });

  it('documents its one known gap: a calendar-invalid occurredAt passes the schema, the service refuses it', () => {
    const sample = withChange((e) => { e.occurredAt = '2026-02-30T21:40:00Z'; });
    expect(validateWithSchema(sample)).toBe(true);
    expect(classVerdict(sample).paths).toContain('occurredAt');
  });

  it('converts to an OpenAPI 3.0 schema for /docs', () => {
    const openApi = toOpenApiSchema(ENCOUNTER_JSON_SCHEMA) as any;
    expect(openApi.$schema).toBeUndefined();
    expect(openApi.properties.bwvReference).toMatchObject({ type: 'string', nullable: true });
    expect(openApi.properties.offence.properties.quantity.properties.value).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
    expect(openApi.properties.person.properties.sex.enum).not.toContain(null);
    expect(JSON.stringify(openApi)).not.toContain('"null"');
  });
});
