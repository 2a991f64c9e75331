import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * A pg Client that turns the statements a service runs again and again into named prepared
 * statements, so each connection parses and plans them once instead of on every call.
 *
 * Why: every hop of the pipeline is a handful of small parameterised statements (inbox,
 * handler, outbox, relay), and with TypeORM's unnamed statements Postgres parsed and
 * planned each one on every execution. Measured with the bench's burst (2,000 encounters
 * through Kafka): about 10 % less CPU per encounter over the four services and Postgres.
 *
 * Which statements: parameterised ones (the simple-protocol multi-statement texts, and
 * BEGIN/COMMIT, have no parameters) with at most MAX_PARAMETERS, whose text this process has run before
 * (`REPEATS_BEFORE_PREPARING`), up to `PREPARED_PER_CONNECTION` per connection, so texts
 * built per batch size (a VALUES list of n rows) cannot fill a backend's memory.
 * A statement whose result shape changed under it (a migration added a column to a
 * `SELECT *` table: "cached plan must not change result type") fails once on each
 * connection that prepared it; that connection then runs its text unnamed.
 */
export class PreparingClient extends Client {
  private readonly prepared = new Set<string>();
  /** Statements whose plan went stale on this connection: run unnamed from then on. */
  private readonly retired = new Set<string>();

  // pg's query() has many overloads; this adds a name to the (text, values[, callback]) form only.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    const name = typeof config === 'string' && Array.isArray(values) && values.length > 0 && values.length <= MAX_PARAMETERS ? this.statementName(config) : null;
    if (!name) return (super.query as (...args: unknown[]) => unknown)(config, values, callback);
    const result = (super.query as (...args: unknown[]) => unknown)({ name, text: config, values }, callback);
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      // The caller gets the same rejection; this only forgets a statement Postgres will not run again.
      (result as Promise<unknown>).catch((error: { code?: string; message?: string }) => this.forgetIfStale(name, error));
    }
    return result;
  }

  private statementName(text: string): string | null {
    if (text.length > MAX_TEXT_LENGTH) return null;
    const known = texts.get(text);
    if (!known) {
      if (texts.size < MAX_TEXTS_COUNTED) texts.set(text, { runs: 1, name: null });
      return null;
    }
    known.runs++;
    if (known.runs <= REPEATS_BEFORE_PREPARING) return null;
    known.name ??= `ddp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (this.retired.has(known.name)) return null;
    if (!this.prepared.has(known.name)) {
      if (this.prepared.size >= PREPARED_PER_CONNECTION) return null;
      this.prepared.add(known.name);
    }
    return known.name;
  }

  private forgetIfStale(name: string, error: { code?: string; message?: string }): void {
    // The statement stays on the server (DEALLOCATE cannot run in the aborted transaction); it is just not used again.
    if (error?.code === '0A000' && /cached plan/.test(error.message ?? '')) this.retired.add(name);
  }
}

/** Runs of a text before it is prepared: a one-off statement is not worth a server-side plan. */
const REPEATS_BEFORE_PREPARING = 1;
/** Named statements one connection keeps (each holds a plan in its backend). */
const PREPARED_PER_CONNECTION = 200;
/**
 * Statements with more parameters (a batch's VALUES list, its length varying with the batch)
 * stay unnamed: parsing is a small part of their cost, and each length would be a plan of its own.
 */
const MAX_PARAMETERS = 64;
/** Distinct texts counted per process; texts met after that stay unnamed. */
const MAX_TEXTS_COUNTED = 5000;
const MAX_TEXT_LENGTH = 20_000;

/** Texts this process ran, with the name they are prepared under once repeated. */
const texts = new Map<string, { runs: number; name: string | null }>();
