import { CODE_PATTERN, DRUG_CLASSES, ETHNICITY_CATEGORIES, INSTANT_PATTERN, SEX_VALUES } from '@ddp/contracts';

/*
 * The police encounter contract (body of POST /v1/encounters and value of each message on
 * police.encounters.v1) as JSON Schema draft-07, written from the class-validator rules
 * in libs/contracts/src/encounter.ts. Checked in as
 * services/referral/schemas/police-encounter.v1.schema.json for police-system producers
 * (encounter-schema.spec.ts keeps the file equal to this object and checks that both
 * validators agree on valid and invalid samples). Optional fields also accept null, as
 * class-validator's @IsOptional does. Known gap: calendar validity of occurredAt (e.g.
 * 30 February) is checked by the service only; the schema checks its form.
 */

type Json = Record<string, unknown>;

const text = (maxLength: number, extra: Json = {}): Json => ({ type: 'string', minLength: 1, maxLength, ...extra });
const optional = (schema: Json): Json => ({ ...schema, type: [schema.type as string, 'null'] });
const optionalEnum = (values: readonly string[]): Json => ({ type: ['string', 'null'], enum: [...values, null] });

export const ENCOUNTER_JSON_SCHEMA: Json = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ddp.thamesvalley.example/schemas/police-encounter.v1.schema.json',
  title: 'Police encounter v1',
  description:
    'What a police system reports when an officer meets someone: the body of POST /v1/encounters on the referral service and the value of each message on Kafka topic police.encounters.v1 (message key = encounterId). Idempotent by encounterId.',
  type: 'object',
  required: ['encounterId', 'occurredAt', 'area', 'officer', 'person', 'offence', 'indicators'],
  properties: {
    encounterId: text(64, { pattern: '^[A-Za-z0-9._:-]+$', description: 'Unique id of the encounter in the police system; the idempotency key.' }),
    occurredAt: {
      type: 'string',
      pattern: INSTANT_PATTERN.source,
      description: 'ISO 8601 date-time with an offset (Z or ±hh:mm), a real calendar date, e.g. 2026-03-01T21:40:00Z.',
    },
    area: { type: 'string', pattern: CODE_PATTERN.source, description: 'Local Policing Area code, e.g. windsor-maidenhead.' },
    officer: {
      type: 'object',
      required: ['collarNumber'],
      properties: { collarNumber: text(20) },
    },
    person: {
      type: 'object',
      required: ['personRef', 'dateOfBirth', 'givenName', 'familyName'],
      properties: {
        personRef: text(40, { description: 'PNC or local id: the pseudonymous reference events carry.' }),
        dateOfBirth: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, a real date.' },
        givenName: text(100),
        familyName: text(100),
        contact: optional({
          type: 'object',
          properties: {
            phone: optional({ type: 'string', pattern: '^\\+?[0-9 ]{7,20}$' }),
            email: optional({ type: 'string', format: 'email', maxLength: 254 }),
          },
        }),
        ethnicity: { ...optionalEnum(ETHNICITY_CATEGORIES), description: 'Self-defined, ONS 2021 categories; used only for fairness figures.' },
        sex: optionalEnum(SEX_VALUES),
        guardian: optional({
          type: 'object',
          required: ['name'],
          description: "A parent's or guardian's contact, for a young person: notices about the child reach this adult too.",
          properties: {
            name: text(200),
            relationship: optional({ type: 'string', maxLength: 60 }),
            phone: optional({ type: 'string', pattern: '^\\+?[0-9 ]{7,20}$' }),
            email: optional({ type: 'string', format: 'email', maxLength: 254 }),
          },
        }),
      },
    },
    offence: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', pattern: CODE_PATTERN.source, maxLength: 60, description: 'An offence type the service is configured for, e.g. possession, shoplifting; the list is configuration (libs/domain OFFENCE_TYPES), an unconfigured type is declined as offence-type-unknown.' },
        substance: optional({ type: 'string', pattern: CODE_PATTERN.source, maxLength: 40, description: 'Lower-case code, e.g. cannabis. Needed for possession.' }),
        drugClass: optionalEnum(DRUG_CLASSES),
        quantity: optional({
          type: 'object',
          required: ['value', 'unit'],
          properties: {
            value: { type: 'number', exclusiveMinimum: 0 },
            unit: { type: 'string', enum: ['g', 'mg', 'ml', 'tablets', 'wraps'] },
          },
        }),
        officerJudgedSmallPersonalQuantity: optional({
          type: 'boolean',
          description: 'The officer judges the quantity small and for personal use; decides where no small-quantity threshold can (a substance or unit without one).',
        }),
      },
    },
    indicators: {
      type: 'object',
      required: ['suspectedSupply'],
      properties: {
        suspectedSupply: { type: 'boolean' },
        linkedToSubstanceMisuse: optional({
          type: 'boolean',
          description: 'For an offence other than possession: the officer judges it linked to substance misuse (absent counts as linked).',
        }),
      },
    },
    bwvReference: optional({ ...text(64), description: 'Body-worn video reference of the street interview (needed by the adult deferred-prosecution schemes).' }),
    offer: optional({
      type: 'object',
      required: ['accepted'],
      description: 'Diversion was offered on the street, and whether the person accepted. A refusal is the normal route; absent: not recorded.',
      properties: { accepted: { type: 'boolean' } },
    }),
  },
};

/**
 * The same schema for OpenAPI 3.0 (/docs): no $schema/$id, `nullable` instead of type
 * arrays, and the boolean form of exclusiveMinimum.
 */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else if (key === 'exclusiveMinimum' && typeof value === 'number') {
      out.minimum = value;
      out.exclusiveMinimum = true;
    } else if (key === 'enum' && Array.isArray(value)) {
      out.enum = value.filter((v) => v !== null);
    } else {
      out[key] = toOpenApiSchema(value);
    }
  }
  return out;
}
