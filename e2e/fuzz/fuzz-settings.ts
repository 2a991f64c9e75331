/**
 * How big a fuzz run is. npm test runs the short form; `npm run test:fuzz` the full one
 * (FUZZ_HTTP_REQUESTS=10000 and FUZZ_KAFKA_MESSAGES=2000 at least). FUZZ_SEED replays a run:
 * each failure prints its seed.
 */
export const fuzzSettings = {
  httpRequests: Number(process.env.FUZZ_HTTP_REQUESTS ?? 1500),
  /** Poison messages on police.encounters.v1 before the valid encounters (full form: 2,000). */
  kafkaMessages: Number(process.env.FUZZ_KAFKA_MESSAGES ?? 300),
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31,
  /** Requests in flight at once across routes. */
  concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 4),
  /** No answer may take longer. */
  maxAnswerMs: 2000,
};
