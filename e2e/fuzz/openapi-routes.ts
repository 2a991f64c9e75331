/**
 * Every route of a running service, read from its OpenAPI document (/docs-json): the fuzz
 * suite covers what the services publish, so a route added tomorrow is fuzzed tomorrow.
 */

export interface JsonSchema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface RouteParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Route {
  service: string;
  baseUrl: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As in the document, e.g. /v1/providers/{providerId}/slots. */
  path: string;
  parameters: RouteParameter[];
  /** The request body's schema, $refs resolved; undefined when the route takes none. */
  body?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export async function routesOf(service: string, baseUrl: string): Promise<Route[]> {
  const res = await fetch(`${baseUrl}/docs-json`);
  if (!res.ok) throw new Error(`${service}: GET /docs-json answered ${res.status}`);
  const document = (await res.json()) as OpenApiDocument;
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema | undefined => {
    if (!schema || depth > 10) return schema;
    if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
    const merged = schema.allOf?.length === 1 ? { ...resolve(schema.allOf[0], depth + 1), ...schema, allOf: undefined } : schema;
    return {
      ...merged,
      ...(merged.properties ? { properties: Object.fromEntries(Object.entries(merged.properties).map(([k, v]) => [k, resolve(v, depth + 1)!])) } : {}),
      ...(merged.items ? { items: resolve(merged.items, depth + 1) } : {}),
    };
  };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      routes.push({
        service,
        baseUrl,
        method: method.toUpperCase() as Route['method'],
        path,
        parameters: (operation.parameters ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
          .map((p) => ({ name: p.name, in: p.in as RouteParameter['in'], required: Boolean(p.required), schema: resolve(p.schema) ?? {} })),
        body: resolve(operation.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return routes;
}

/** The path parameters a route's template names, e.g. ['providerId', 'referralId']. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}
