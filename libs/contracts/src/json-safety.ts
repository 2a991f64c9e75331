import type { FieldIssue } from './validation';

/**
 * Input checks made once, before any contract rule, for every payload from outside (an HTTP
 * body, query or path parameter; a Kafka message): what a validator would recurse into without
 * end, or what PostgreSQL and JSON cannot store.
 */

/** Deeper than any contract nests (an encounter: four levels); 10,000 levels overflowed the validators' recursion. */
export const MAX_JSON_DEPTH = 32;

/** A payload broken in a thousand places gets the first few named, not an answer as big as itself. */
const MAX_ISSUES = 10;

// NUL (PostgreSQL text refuses it) and UTF-16 surrogates; a surrogate is only fine as half of a pair.
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The issues that make `value` unsafe to validate or store, each naming its field:
 *   maxDepth            nested deeper than MAX_JSON_DEPTH
 *   noNulCharacter      a string or key holding NUL (\u0000)
 *   wellFormedUnicode   a string or key holding a lone surrogate (e.g. \ud800)
 * Walks iteratively, so a deep value cannot overflow the stack here either.
 */
export function unsafeJsonIssues(value: unknown, pathPrefix = ''): FieldIssue[] {
  return isSafe(value) ? [] : issuesOf(value, pathPrefix);
}

/** The common case, cheaply (it runs on every message): no paths built, no entries copied. */
function isSafe(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (typeof current === 'string') {
      if (SUSPECT.test(current)) return false;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return false;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        values.push(current[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      if (SUSPECT.test(key)) return false;
      values.push((current as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return true;
}

function issuesOf(value: unknown, pathPrefix: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: pathPrefix, depth: 0 }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      const issue = stringIssue(current, path);
      if (issue) issues.push(issue);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      issues.push({ path: path || '(root)', rule: 'maxDepth', message: `${path || 'the payload'} nests deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    const entries: Array<readonly [string, unknown]> = Array.isArray(current) ? Array.from(current, (v, i) => [String(i), v] as const) : Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const keyIssue = SUSPECT.test(key) ? stringIssue(key, path ? `${path}.(a key)` : '(a key)') : undefined;
      if (keyIssue) {
        issues.push(keyIssue);
        continue;
      }
      pending.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return issues.slice(0, MAX_ISSUES);
}

function stringIssue(text: string, path: string): FieldIssue | undefined {
  if (!SUSPECT.test(text)) return undefined;
  const field = path || '(root)';
  if (text.includes('\u0000')) return { path: field, rule: 'noNulCharacter', message: `${field} must not contain the NUL character (\\u0000)` };
  if (LONE_SURROGATE.test(text)) return { path: field, rule: 'wellFormedUnicode', message: `${field} must be well-formed Unicode (it holds a lone surrogate, e.g. \\ud800)` };
  return undefined;
}

/**
 * What to say about a JSON syntax error: its position only. The parser's own message quotes
 * the text around the error, and that text can be a name or a phone number.
 */
export function describeJsonSyntaxError(error: unknown): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 'is not valid JSON' : `is not valid JSON (error at position ${position})`;
}
