import { randomUUID } from 'node:crypto';
import type { RunningService } from '@ddp/platform';
import { ControllableClock, getJson, queryDatabase, resetDatabase, startTestService, testDatabaseUrl, testServiceEnv } from '@ddp/testing';
import { outcomeService } from '../outcome.service-definition';

/**
 * The analyst's evaluation routes over the real scheme figures read model (PostgreSQL). The
 * read model's rows are written here directly, as the event handlers would have left them
 * (the handlers and their counts are tested in outcome.int-spec.ts), half folded into
 * scheme_figure and half still in scheme_figure_delta, as a query meets them.
 */
describe('outcome: evaluation routes (GET /v1/evaluation/...)', () => {
  const run = randomUUID().slice(0, 8);
  const env = testServiceEnv('outcome', { DATABASE_URL: testDatabaseUrl(`outcome_eval_${run}`), REDIS_PREFIX: `ddp-test-outcome-eval-${run}`, FIGURES_FOLD_MS: '3600000' });
  const db = env.DATABASE_URL;
  let service: RunningService;
  const YOUTH = 'thames-valley-youth-diversion';

  type Row = { scheme: string; area: string; month: string; age: string; sex: string; ethnicity: string; referrals: number; declines?: number; withdrawals?: number; assessed?: number; inTime?: number; completions?: number; summons?: number };
  async function insert(table: 'scheme_figure' | 'scheme_figure_delta', r: Row): Promise<void> {
    const stamp = table === 'scheme_figure' ? 'updated_at' : 'recorded_at';
    await queryDatabase(
      db,
      `INSERT INTO ${table} (scheme_id, area, month, age_band, sex, ethnicity, referrals, declines, withdrawals, assessments_completed, assessments_within_deadline, completions, summons_requests, ${stamp})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())`,
      [r.scheme, r.area, r.month, r.age, r.sex, r.ethnicity, r.referrals, r.declines ?? 0, r.withdrawals ?? 0, r.assessed ?? 0, r.inTime ?? 0, r.completions ?? 0, r.summons ?? 0],
    );
  }

  beforeAll(async () => {
    service = await startTestService(outcomeService(env, new ControllableClock(new Date('2026-11-20T10:00:00Z'))));
    const youth = { scheme: YOUTH, area: 'reading', month: '2026-03', age: 'youth', sex: 'male' };
    await insert('scheme_figure', { ...youth, ethnicity: 'white-english-welsh-scottish-northern-irish-british', referrals: 120, declines: 30, withdrawals: 0, assessed: 100, inTime: 90, completions: 60 });
    await insert('scheme_figure_delta', { ...youth, ethnicity: 'white-english-welsh-scottish-northern-irish-british', referrals: 80, declines: 10, assessed: 60, inTime: 50, completions: 40 });
    await insert('scheme_figure', { ...youth, ethnicity: 'black-caribbean', referrals: 30, declines: 20, assessed: 20, inTime: 15, completions: 12 });
    await insert('scheme_figure', { ...youth, ethnicity: 'black-african', referrals: 20, declines: 8, assessed: 12, inTime: 10, completions: 9 });
    await insert('scheme_figure', { ...youth, ethnicity: 'white-roma', referrals: 3, declines: 1, assessed: 2, inTime: 2, completions: 1 });
    await insert('scheme_figure', { ...youth, ethnicity: 'not-recorded', referrals: 25, declines: 5, assessed: 20, inTime: 18, completions: 15 });
    const adult = { area: 'slough', month: '2026-03', age: 'adult', sex: 'female', ethnicity: 'not-recorded' };
    await insert('scheme_figure', { ...adult, scheme: 'west-berkshire-voluntary-pilot', referrals: 70, assessed: 60, inTime: 50, completions: 56 });
    await insert('scheme_figure', { ...adult, scheme: 'windsor-maidenhead-deferred-prosecution-pilot-adult', referrals: 80, assessed: 70, inTime: 60, completions: 48, summons: 2 });
  });

  afterAll(async () => {
    await service?.stop();
    await resetDatabase(db);
  });

  const url = (path: string) => `${service.url}/v1/evaluation/${path}`;

  it('gives every measure as a rate with its count, base and 95 % interval, from folded and unfolded counts, and the seeds\' lines', async () => {
    const res = await getJson(url(`measures?schemeId=${YOUTH}&area=reading&from=2026-03&to=2026-03`));
    expect(res.status).toBe(200);
    const of = (m: string) => res.body.measures.find((r: { measure: string }) => r.measure === m);
    // Referrals 278, declines 74: declined 74 of 352; completions 137 of 278.
    expect(of('declined')).toMatchObject({ count: 74, base: 352, suppressed: false });
    expect(of('completion')).toMatchObject({ count: 137, base: 278, rate: 137 / 278, smallBase: false });
    expect(of('completion').lower).toBeLessThan(137 / 278);
    expect(of('completion').upper).toBeGreaterThan(137 / 278);
    // No summons requests at all: 0 is under the minimum, so both the 0 and its complement are hidden.
    expect(of('summons-requests')).toMatchObject({ count: null, base: 278, rate: null, suppressed: true });
    expect(res.body.referenceLines.map((l: { id: string }) => l.id).sort()).toEqual(['youth-completion', 'youth-engagement']);
    expect(res.body.minimumCount).toBe(5);
  });

  it('gives a measure by ethnicity: 2021 Census groups aggregated where small, indices against the largest group', async () => {
    const res = await getJson(url(`fairness?measure=declined&by=ethnicity&schemeId=${YOUTH}`));
    expect(res.status).toBe(200);
    const rows = res.body.rows as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.group)).toEqual(['black-african', 'black-caribbean', 'white', 'not-stated']);
    // White is one row (Roma has 4 encounters): 41 declined of 244; the reference, as the largest.
    expect(rows[2]).toMatchObject({ label: 'White', count: 41, base: 244, reference: true, rri: 1 });
    // Black Caribbean 20 of 50 against White 41 of 244: RRI 2.38, flagged higher.
    expect(rows[1]).toMatchObject({ count: 20, base: 50, flag: 'higher' });
    expect(rows[1].rri as number).toBeCloseTo(20 / 50 / (41 / 244), 10);
  });

  it('hides a small cell and a second one so that the totals cannot give it back', async () => {
    const res = await getJson(url(`fairness?measure=summons-requests&by=sex`));
    const rows = res.body.rows as Array<{ group: string; count: number | null; base: number | null }>;
    // Male: 0 summons requests of 278 (youth); female: 2 of 150 (adults). Both 0 and 2 are small.
    expect(rows.find((r) => r.group === 'female')).toMatchObject({ count: null, base: 150 });
    expect(rows.find((r) => r.group === 'male')).toMatchObject({ count: null, base: 278 });
  });

  it('compares the two pilots, adults, with the difference and its Newcombe interval', async () => {
    const res = await getJson(url('pilots?from=2026-01&to=2026-12'));
    const completion = res.body.measures.find((m: { measure: string }) => m.measure === 'completion');
    // Newcombe 1998 Table II: 56/70 - 48/80 = 0.2000 (0.0524 to 0.3339).
    expect(completion.voluntary).toMatchObject({ count: 56, base: 70 });
    expect(completion.deferred).toMatchObject({ count: 48, base: 80 });
    expect(completion.differenceLower).toBeCloseTo(0.0524, 4);
    expect(completion.differenceUpper).toBeCloseTo(0.3339, 4);
    expect(res.body.measures.find((m: { measure: string }) => m.measure === 'summons-requests').difference).toBeNull();
  });

  it('writes CSV with a header, hidden counts as [c], as a download', async () => {
    const res = await fetch(url(`fairness?measure=summons-requests&by=sex&format=csv`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('evaluation-fairness-summons-requests-by-sex.csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('group,label,count,base,rate,lower,upper,smallBase,suppressed,reference,rri,rriLower,rriUpper,flag,zeroCorrected');
    expect(lines.find((l) => l.startsWith('female,'))).toMatch(/^female,female,\[c\],150,/);
  });

  it('has a data dictionary, JSON and CSV', async () => {
    const json = await getJson(url('dictionary'));
    expect(json.body.fields.rri).toMatch(/relative rate index/);
    expect(Object.keys(json.body.measures)).toContain('not-sent-to-court');
    const csv = await (await fetch(url('dictionary?format=csv'))).text();
    expect(csv.split('\r\n')[0]).toBe('kind,name,meaning');
  });

  it('refuses a bad query with 400, naming each field', async () => {
    const res = await getJson(url('fairness?measure=happiness&by=shoe-size&from=2026-13'));
    expect(res.status).toBe(400);
    const text = JSON.stringify(res.body);
    for (const field of ['measure', 'by', 'from']) expect(text).toContain(field);
  });
});
