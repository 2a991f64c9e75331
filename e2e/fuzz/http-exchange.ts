import type { FuzzRequest, Mutation } from './http-mutations';
import type { Route } from './openapi-routes';
import { echoedMarkers } from './personal-markers';

export interface Exchange {
  status: number;
  ms: number;
  text: string;
}

/** Sends one request as built (path and query already encoded); a network failure is status 0. */
export async function send(route: Route, request: FuzzRequest): Promise<Exchange> {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => request.path[name] ?? '');
  const query = Object.entries(request.query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  const headers: Record<string, string> = { ...request.headers };
  let body: string | Buffer | undefined;
  if (request.body && 'json' in request.body) {
    body = JSON.stringify(request.body.json) ?? '';
    headers['content-type'] ??= 'application/json';
  } else if (request.body) {
    body = request.body.raw;
    headers['content-type'] ??= 'application/json';
  }
  const started = performance.now();
  try {
    const res = await fetch(`${route.baseUrl}${path}${query ? `?${query}` : ''}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - started, text };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, text: String(error) };
  }
}

/** What is wrong with the answers to one mutated request (empty: nothing). */
export function problemsOf(request: FuzzRequest, mutation: Mutation, exchanges: Exchange[], maxAnswerMs: number): string[] {
  const problems: string[] = [];
  for (const e of exchanges) {
    if (e.status === 0) problems.push(`no answer (${e.text.slice(0, 200)})`);
    else if (e.status >= 500) problems.push(`answered ${e.status}: ${e.text.slice(0, 300)}`);
    if (e.ms > maxAnswerMs) problems.push(`answered after ${Math.round(e.ms)} ms`);
    const echoed = echoedMarkers(e.text, request.markers);
    if (echoed.length > 0) problems.push(`echoed personal data planted in the request (${mutation.kind}, status ${e.status}): ${e.text.slice(0, 300)}`);
  }
  return problems;
}
