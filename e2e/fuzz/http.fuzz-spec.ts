import fc from 'fast-check';
import { comingMondayAtTen, SERVICE_NAMES, startStack, type RunningStack } from '@ddp/testing';
import { fuzzSettings } from './fuzz-settings';
import { problemsOf, send } from './http-exchange';
import { freshCopy, mutationOf, validRequest } from './http-mutations';
import { routesOf, type Route } from './openapi-routes';
import { echoedMarkers } from './personal-markers';

/*
 * Every route of the four running services, from their OpenAPI documents, each request valid
 * but for one thing a fast-check mutation changed (deep JSON, NUL, lone surrogates, impossible
 * dates, prototype keys, huge strings, wrong types, missing fields, malformed or wrongly encoded
 * bodies, identical PUTs at once). No 5xx, no answer over 2 s, no planted personal data echoed,
 * every service still up. A failure prints its seed: FUZZ_SEED=<seed> replays the run.
 */
describe('HTTP fuzz: every route of the running services', () => {
  let stack: RunningStack;
  let routes: Route[];

  beforeAll(async () => {
    stack = await startStack({ name: 'fuzz_http', startAt: comingMondayAtTen() });
    routes = (await Promise.all(SERVICE_NAMES.map((s) => routesOf(s, stack.urls[s])))).flat();
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('no 5xx, no answer over 2 s, nothing personal echoed, and every service healthy after', async () => {
    const { httpRequests, seed, concurrency, maxAnswerMs } = fuzzSettings;
    const runsPerRoute = Math.ceil(httpRequests / routes.length);
    const figures = { requests: 0, byStatus: {} as Record<string, number>, byKind: {} as Record<string, number>, slowestMs: 0, routes: routes.length };
    const failures: string[] = [];
    const planted: string[] = [];
    const started = Date.now();

    let next = 0;
    const worker = async () => {
      for (let i = next++; i < routes.length; i = next++) {
        const route = routes[i];
        const base = validRequest(route);
        const routeSeed = seed + i;
        try {
          await fc.assert(
            fc.asyncProperty(mutationOf(base), async (mutation) => {
              const request = mutation.apply(freshCopy(base));
              planted.push(...request.markers);
              const exchanges = await Promise.all(Array.from({ length: mutation.copies ?? 1 }, () => send(route, request)));
              figures.requests += exchanges.length;
              figures.byKind[mutation.kind] = (figures.byKind[mutation.kind] ?? 0) + exchanges.length;
              for (const e of exchanges) {
                figures.byStatus[e.status] = (figures.byStatus[e.status] ?? 0) + 1;
                figures.slowestMs = Math.max(figures.slowestMs, Math.round(e.ms));
              }
              const problems = problemsOf(request, mutation, exchanges, maxAnswerMs);
              if (problems.length > 0) throw new Error(`${mutation.kind}: ${problems.join('; ')}`);
            }),
            { numRuns: runsPerRoute, seed: routeSeed, endOnFailure: true },
          );
        } catch (error) {
          // fast-check's report (seed, path) and the problem itself (its cause), without stack lines.
          const report = (error as Error).message.split('\n').filter((l) => /seed|Property failed/.test(l)).join(' ');
          const cause = ((error as Error).cause as Error | undefined)?.message ?? '';
          const message = `${report}\n${cause}`;
          failures.push(`${route.service} ${route.method} ${route.path} (replay the run: FUZZ_SEED=${seed}; this route's fast-check seed ${routeSeed})\n${message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));

    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `HTTP fuzz (seed ${seed}): ${figures.requests} requests over ${figures.routes} routes in ${seconds.toFixed(1)} s ` +
        `(${Math.round(figures.requests / seconds)}/s, ${concurrency} at once); slowest answer ${figures.slowestMs} ms\n` +
        `  by status: ${JSON.stringify(figures.byStatus)}\n  by mutation: ${JSON.stringify(figures.byKind)}\n`,
    );

    // The services' logs (warn and up, the last 2,000 lines each): a client's bad request is no
    // error with a stack, and no planted personal data is in them.
    // The routes that failed first: each names its route and the seed that replays it.
    expect(failures).toEqual([]);
    const logs = SERVICE_NAMES.flatMap((s) => stack.logs[s]);
    process.stdout.write(`  service log lines kept: ${logs.length} (${logs.filter((l) => l.includes('bad request refused')).length} 'bad request refused')\n`);
    expect(logs.filter((l) => l.includes('"context":"ExceptionsHandler"')).map((l) => l.slice(0, 300))).toEqual([]);
    expect(logs.filter((l) => echoedMarkers(l, planted).length > 0).map((l) => l.slice(0, 300))).toEqual([]);

    for (const s of SERVICE_NAMES) {
      expect(stack.lastExit[s]).toBeUndefined();
      expect((await fetch(`${stack.urls[s]}/health/ready`)).status).toBe(200);
    }
    expect(figures.requests).toBeGreaterThanOrEqual(httpRequests);
  }, 60 * 60_000);
});
