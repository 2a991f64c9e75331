import type { Counts } from '../figures/figures.service';
import { toCsv } from './csv';
import { fairnessTable, measureRates, pilotComparison, proportionOf, protectedRate } from './evaluation-tables';

const counts = (c: Partial<Counts>): Counts => ({
  referrals: 0, declines: 0, withdrawals: 0, assessmentsCompleted: 0, assessmentsWithinDeadline: 0, completions: 0,
  reviewsOpened: 0, reviewsExcused: 0, summonsRequests: 0, summonsWithdrawn: 0, noFurtherDiversions: 0,
  refusals: 0, quantitiesJudgedByOfficer: 0, signpostedCompletions: 0, ...c,
});

describe('evaluation tables from read-model counts', () => {
  it('shows a rate with its Wilson interval when both it and its complement reach the minimum', () => {
    // 40 of 100: Wilson 0.3094 to 0.4980.
    expect(protectedRate({ count: 40, base: 100 })).toEqual({
      count: 40, base: 100, rate: 0.4, lower: expect.closeTo(0.3094, 4), upper: expect.closeTo(0.498, 4), smallBase: false, suppressed: false,
    });
  });

  it('hides a rate whose count, or whose complement (base - count), is under the minimum; the base stays', () => {
    expect(protectedRate({ count: 3, base: 40 })).toMatchObject({ count: null, base: 40, rate: null, lower: null, suppressed: true });
    // 98 of 100 not sent to court would give away the 2 who were.
    expect(protectedRate({ count: 98, base: 100 })).toMatchObject({ count: null, base: 100, rate: null, suppressed: true });
    expect(protectedRate({ count: 2, base: 4 })).toMatchObject({ count: null, base: null, suppressed: true, smallBase: true });
  });

  it('computes every measure of the read model from its counters', () => {
    const rows = measureRates(counts({ referrals: 60, declines: 20, withdrawals: 10, assessmentsCompleted: 40, assessmentsWithinDeadline: 30, completions: 25, summonsRequests: 12, summonsWithdrawn: 2, noFurtherDiversions: 6 }));
    const of = (m: string) => rows.find((r) => r.measure === m)!;
    expect(of('declined')).toMatchObject({ count: 20, base: 80 });
    expect(of('engagement')).toMatchObject({ count: 40, base: 50 });
    expect(of('completion')).toMatchObject({ count: 25, base: 50, rate: 0.5 });
    expect(of('not-sent-to-court')).toMatchObject({ count: 40, base: 50 });
    expect(of('summons-requests')).toMatchObject({ count: 10, base: 50 });
    expect(of('no-further-diversion')).toMatchObject({ count: 6, base: 50 });
    expect(of('assessment-within-promise')).toMatchObject({ count: 30, base: 40, rate: 0.75 });
  });

  it('keeps a count inside its base when a cell\'s counters disagree for a moment (never a 500)', () => {
    const rows = measureRates(counts({ referrals: 1, withdrawals: 2, summonsWithdrawn: 1 }));
    expect(rows.find((r) => r.measure === 'completion')).toMatchObject({ base: null, rate: null });
    // 10 referrals, 3 summons requests withdrawn but none requested: 13 "not sent" of 10, held at 10.
    expect(proportionOf('not-sent-to-court', counts({ referrals: 10, summonsWithdrawn: 3 }))).toEqual({ count: 10, base: 10 });
  });

  it('groups ethnicity by the 2021 Census classification, aggregating small groups, and indexes each against the largest', () => {
    const byKey = new Map([
      ['white-english-welsh-scottish-northern-irish-british', { count: 20, base: 200 }],
      ['white-other', { count: 4, base: 30 }],
      ['black-caribbean', { count: 15, base: 50 }],
      ['black-african', { count: 3, base: 4 }],
      ['not-recorded', { count: 6, base: 40 }],
    ]);
    const rows = fairnessTable('ethnicity', byKey);
    expect(rows.map((r) => r.group)).toEqual(['black', 'white-english-welsh-scottish-northern-irish-british', 'white-other', 'not-stated']);
    const black = rows[0];
    // Black 18/54 against White British 20/200: RRI 3.333, Katz interval 1.901 to 5.844 (by hand:
    // SE = sqrt(1/18 - 1/54 + 1/20 - 1/200) = 0.28642; exp(1.96 * 0.28642) = 1.7531).
    expect(black).toMatchObject({ count: 18, base: 54, reference: false, flag: 'higher' });
    expect(black.rri).toBeCloseTo(3.333, 3);
    expect(black.rriLower).toBeCloseTo(1.9014, 3);
    expect(black.rriUpper).toBeCloseTo(5.8438, 3);
    expect(rows[1]).toMatchObject({ reference: true, rri: 1 });
    // White Other: 4 of 30 is hidden, so is its index; and a second figure of the table with it.
    expect(rows[2]).toMatchObject({ count: null, rri: null, flag: 'not-estimable', suppressed: true });
    expect(rows.filter((r) => r.suppressed).length).toBeGreaterThan(1);
  });

  it('leaves out groups nobody is in, and has no rows for no data', () => {
    expect(fairnessTable('sex', new Map([['female', { count: 0, base: 0 }]]))).toEqual([]);
    expect(fairnessTable('sex', new Map([['male', { count: 10, base: 50 }], ['female', { count: 10, base: 25 }]])).map((r) => r.group)).toEqual(['female', 'male']);
  });

  it('compares the pilots with a difference only where all four figures are shown', () => {
    const rows = pilotComparison(counts({ referrals: 70, completions: 56, assessmentsCompleted: 3 }), counts({ referrals: 80, completions: 48, assessmentsCompleted: 60 }));
    const completion = rows.find((r) => r.measure === 'completion')!;
    // Newcombe 1998 Table II: 56/70 - 48/80 = 0.2 (0.0524 to 0.3339).
    expect(completion.difference).toBeCloseTo(0.2, 10);
    expect(completion.differenceLower).toBeCloseTo(0.0524, 4);
    expect(completion.differenceUpper).toBeCloseTo(0.3339, 4);
    expect(completion.excludesZero).toBe(true);
    expect(rows.find((r) => r.measure === 'engagement')).toMatchObject({ difference: null, voluntary: { count: null } });
  });

  it('writes CSV with hidden counts marked [c] and text quoted where needed', () => {
    expect(toCsv(['group', 'count', 'rate'], [{ group: 'Asian, Asian British or Asian Welsh', count: null, rate: null }, { group: 'x"y', count: 5, rate: 0.5 }])).toBe(
      'group,count,rate\r\n"Asian, Asian British or Asian Welsh",[c],\r\n"x""y",5,0.5\r\n',
    );
  });
});
