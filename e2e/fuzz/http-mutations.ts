import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { anEncounter } from '@ddp/testing';
import { pathParameterNames, type JsonSchema, type Route } from './openapi-routes';
import { personalMarker } from './personal-markers';

/*
 * A request for a route, valid as far as its OpenAPI document tells, and fast-check
 * mutations of it: one thing changed each time, as an attacker or a broken client would.
 */

export interface FuzzRequest {
  method: Route['method'];
  /** Path parameters, already percent-encoded (a mutation may put raw escapes there). */
  path: Record<string, string>;
  /** Query parameters, already percent-encoded. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** A JSON value (sent as JSON), or the exact text or bytes to send. */
  body?: { json: unknown } | { raw: string | Buffer };
  /** Markers of personal data planted in the request: none may come back. */
  markers: string[];
}

export interface Mutation {
  kind: string;
  apply(request: FuzzRequest): FuzzRequest;
  /** Sent this many times at once (identical PUTs racing). */
  copies?: number;
}

export const IMPOSSIBLE_DATES = ['2026-02-30', '2026-13-01', '2026-01-01T25:61:00Z', '0000-00-00', '0000-01-01', '2026-02-30T10:00:00Z', '2026-04-31', '9999-99-99T99:99:99Z'];
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

const INTERNAL_TOKEN = process.env.INTERNAL_API_TOKEN ?? 'dev-internal-token';

/** A value its schema accepts, as far as the schema says (examples, enums, formats, patterns). */
function validValue(schema: JsonSchema | undefined, name: string, markers: string[]): unknown {
  if (!schema) return 'x';
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'array':
      return [validValue(schema.items, name, markers)];
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) value[key] = validValue(child, key, markers);
      return value;
    }
  }
  if (/^(givenName|familyName|name)$/i.test(name)) {
    const marker = personalMarker();
    markers.push(marker);
    return marker;
  }
  if (schema.format === 'uuid' || /(^id$|Id$)/.test(name)) return name === 'providerId' ? 'druglink' : randomUUID();
  if (schema.format === 'date-time' || /At$/.test(name)) return '2030-01-08T18:00:00Z';
  if (schema.format === 'date' || /date/i.test(name)) return '2030-01-08';
  if (schema.format === 'email') return 'someone@example.test';
  if (schema.pattern) {
    try {
      return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { numRuns: 1, seed: 1 })[0];
    } catch {
      return 'x';
    }
  }
  return 'x';
}

/** The route's request with every parameter and body field filled in validly. */
export function validRequest(route: Route): FuzzRequest {
  const markers: string[] = [];
  const request: FuzzRequest = { method: route.method, path: {}, query: {}, headers: { 'x-correlation-id': `fuzz-${randomUUID()}` }, markers };
  for (const name of pathParameterNames(route.path)) {
    const declared = route.parameters.find((p) => p.in === 'path' && p.name === name);
    request.path[name] = encodeURIComponent(String(validValue(declared?.schema, name, markers)));
  }
  for (const p of route.parameters) {
    if (p.in === 'query') request.query[p.name] = encodeURIComponent(String(validValue(p.schema, p.name, markers)));
    if (p.in === 'header') request.headers[p.name] = p.name === 'x-internal-token' ? INTERNAL_TOKEN : p.name === 'x-actor-id' ? 'fuzz-caseworker' : `fuzz-${randomUUID()}`;
  }
  if (route.body) {
    // The encounter is the richest body: a real one, its personal fields marked, reaches the rules.
    if (route.method === 'POST' && route.path === '/v1/encounters') {
      const [given, family] = [personalMarker(), personalMarker()];
      markers.push(given, family);
      request.body = { json: anEncounter({ occurredAt: new Date(Date.now() - 60_000).toISOString(), person: { givenName: given, familyName: family } }) };
    } else {
      request.body = { json: validValue(route.body, '(body)', markers) };
    }
  }
  return request;
}

/**
 * The base request with a fresh correlation id and, where the body carries one, a fresh
 * encounterId: each run is a new report that reaches the rules, not a repeat of the first.
 */
export function freshCopy(base: FuzzRequest): FuzzRequest {
  const copy = clone(base);
  copy.headers['x-correlation-id'] = `fuzz-${randomUUID()}`;
  const json = copy.body && 'json' in copy.body ? (copy.body.json as Record<string, unknown> | null) : null;
  if (json && typeof json === 'object' && typeof json.encounterId === 'string') json.encounterId = `FUZZ-${randomUUID()}`;
  return copy;
}

// ---- where a mutation lands ----------------------------------------------------------------

type Slot = { in: 'path' | 'query'; name: string } | { in: 'body'; at: string[] };

function slotsOf(request: FuzzRequest): Slot[] {
  const slots: Slot[] = [
    ...Object.keys(request.path).map((name) => ({ in: 'path' as const, name })),
    ...Object.keys(request.query).map((name) => ({ in: 'query' as const, name })),
  ];
  const walk = (value: unknown, at: string[]) => {
    if (at.length > 0) slots.push({ in: 'body', at });
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  if (request.body && 'json' in request.body && request.body.json && typeof request.body.json === 'object') walk(request.body.json, []);
  return slots;
}

const clone = (request: FuzzRequest): FuzzRequest => ({
  ...request,
  path: { ...request.path },
  query: { ...request.query },
  headers: { ...request.headers },
  markers: [...request.markers],
  body: request.body && 'json' in request.body ? { json: structuredClone(request.body.json) } : request.body,
});

/** Sets a slot: a JSON value in the body, or the text (percent-encoded here unless `encoded`) in the path or query. */
function setSlot(request: FuzzRequest, slot: Slot, value: unknown, encoded = false): void {
  if (slot.in === 'body') {
    const json = (request.body as { json: Record<string, unknown> }).json;
    let target: Record<string, unknown> = json;
    for (const key of slot.at.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[slot.at[slot.at.length - 1]] = value;
    return;
  }
  const text = encoded ? String(value) : encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null');
  (slot.in === 'path' ? request.path : request.query)[slot.name] = text;
}

function deleteSlot(request: FuzzRequest, slot: Slot): void {
  if (slot.in !== 'body') {
    delete (slot.in === 'path' ? request.path : request.query)[slot.name];
    if (slot.in === 'path') request.path[slot.name] = '';
    return;
  }
  let target = (request.body as { json: Record<string, unknown> }).json;
  for (const key of slot.at.slice(0, -1)) target = target[key] as Record<string, unknown>;
  delete target[slot.at[slot.at.length - 1]];
}

const slotName = (slot: Slot) => (slot.in === 'body' ? slot.at[slot.at.length - 1] : slot.name);
const isDateSlot = (slot: Slot) => /(At|date|Date|from|to|since|until)$/.test(slotName(slot));

/**
 * JSON nested `levels` deep, as text: JSON.stringify of such a value would overflow this
 * process's stack before the service's.
 */
function deepJsonText(levels: number, asArray: boolean, marker: string): string {
  return asArray ? `${'['.repeat(levels)}"${marker}"${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}"${marker}"${'}'.repeat(levels)}`;
}

/**
 * A mutation of one request of `base`'s route: which kind and where is up to fast-check, so a
 * failing run shrinks and replays from its seed.
 */
export function mutationOf(base: FuzzRequest): fc.Arbitrary<Mutation> {
  const slots = slotsOf(base);
  const slot = slots.length > 0 ? fc.constantFrom(...slots) : fc.constant(undefined);
  const dateSlots = slots.filter(isDateSlot);
  const bodySlots = slots.filter((x) => x.in === 'body');
  // Markers go into body fields only: path and query values are ids and filters, which a 404 rightly names.
  const withMarker = (kind: string, f: (r: FuzzRequest, marker: string) => void): Mutation => ({
    kind,
    apply: (request) => {
      const r = clone(request);
      const marker = personalMarker();
      r.markers.push(marker);
      f(r, marker);
      return r;
    },
  });

  const mutations: Array<fc.Arbitrary<Mutation>> = [
    fc.constant<Mutation>({ kind: 'valid', apply: clone }),
    fc.tuple(slot, fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\u0000b')).map(([s, bad]) =>
      withMarker(bad.includes('\u0000') ? 'nul-character' : 'lone-surrogate', (r, marker) => {
        if (!s) return;
        if (s.in !== 'body') marker = 'Fz';
        // A lone surrogate cannot be percent-encoded as UTF-8: in a URL it goes as the bytes a broken client sends.
        if (s.in !== 'body' && !bad.includes('\u0000')) setSlot(r, s, `${marker}%ED%A0%80`, true);
        else setSlot(r, s, `${marker}${bad}`);
      }),
    ),
    fc.tuple(dateSlots.length ? fc.constantFrom(...dateSlots) : slot, fc.constantFrom(...IMPOSSIBLE_DATES)).map(([s, date]) =>
      ({ kind: 'impossible-date', apply: (request) => { const r = clone(request); if (s) setSlot(r, s, date); return r; } }),
    ),
    fc.tuple(slot, fc.constantFrom(...PROTOTYPE_KEYS)).map(([s, key]) => ({ kind: 'prototype-key', apply: (request) => { const r = clone(request); if (s) setSlot(r, s, key); return r; } })),
    fc.tuple(slot, fc.integer({ min: 10_000, max: 200_000 })).map(([s, length]) =>
      withMarker('huge-string', (r, marker) => { if (s) setSlot(r, s, (s.in === 'body' ? marker : 'Fz') + 'A'.repeat(length)); }),
    ),
    fc.tuple(slot, fc.constantFrom<unknown>(123, -1, 1e308, true, null, [], {}, [1, 2], { a: 1 }, '', ' ', 'NaN')).map(([s, value]) =>
      ({ kind: 'wrong-type', apply: (request) => { const r = clone(request); if (s) setSlot(r, s, value); return r; } }),
    ),
    slot.map((s) => ({ kind: 'missing-field', apply: (request) => { const r = clone(request); if (s) deleteSlot(r, s); return r; } })),
    fc.tuple(fc.integer({ min: 100, max: 12_000 }), fc.boolean(), fc.boolean()).map(([levels, asArray, inField]) =>
      withMarker('deep-json', (r, marker) => {
        const deep = deepJsonText(levels, asArray, marker);
        const field = bodySlots[0];
        if (inField && field) {
          // The deep value in place of a body field: the rest of the body stays valid.
          const placeholder = `"${personalMarker()}"`;
          setSlot(r, field, JSON.parse(placeholder));
          r.body = { raw: JSON.stringify((r.body as { json: unknown }).json).replace(placeholder, deep) };
        } else {
          r.body = { raw: deep };
        }
      }),
    ),
    fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.constantFrom('cut', 'junk', 'bare-word', 'trailing-comma')).map(([at, how]) =>
      withMarker('malformed-json', (r, marker) => {
        const text = JSON.stringify({ familyName: marker, phone: `07700 ${marker}`, body: r.body && 'json' in r.body ? r.body.json : null });
        const cut = Math.max(1, at % text.length);
        r.body = {
          raw: how === 'cut' ? text.slice(0, cut) : how === 'junk' ? `${text} ${marker}` : how === 'bare-word' ? `{"familyName": ${marker}}` : `{"familyName": "${marker}",}`,
        };
      }),
    ),
    fc.constantFrom('bad-gzip', 'unknown-encoding', 'koi8-charset', 'invalid-utf8').map((how) =>
      withMarker(how, (r, marker) => {
        if (how === 'bad-gzip') r.headers['content-encoding'] = 'gzip';
        if (how === 'unknown-encoding') r.headers['content-encoding'] = 'br2';
        if (how === 'koi8-charset') r.headers['content-type'] = 'application/json; charset=koi8-r';
        r.body = how === 'invalid-utf8' ? { raw: Buffer.concat([Buffer.from(`{"familyName":"${marker}`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]) } : { raw: `{"familyName":"${marker}"}` };
      }),
    ),
  ];
  if (base.method === 'PUT' || base.method === 'POST') mutations.push(fc.constant<Mutation>({ kind: 'parallel-identical', apply: clone, copies: 8 }));
  return fc.oneof(...mutations);
}
