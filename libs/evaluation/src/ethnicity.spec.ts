import * as fs from 'fs';
import * as path from 'path';
import { ETHNIC_GROUPS, ETHNICITY_PROVENANCE, HIGH_LEVEL_ETHNIC_GROUPS } from './config/ethnicity';
import { ethnicityRows, referenceGroup } from './ethnicity';

describe('ethnic groups: the 2021 Census classification and its aggregation where counts are small', () => {
  it('holds the 19 detailed groups of the 2021 Census for England and Wales in the five high-level groups, with provenance', () => {
    expect(ETHNIC_GROUPS).toHaveLength(19);
    expect(new Set(ETHNIC_GROUPS.map((g) => g.code)).size).toBe(19);
    const perGroup = Object.fromEntries(Object.keys(HIGH_LEVEL_ETHNIC_GROUPS).map((k) => [k, ETHNIC_GROUPS.filter((g) => g.highLevel === k).length]));
    expect(perGroup).toEqual({ asian: 5, black: 3, mixed: 4, white: 5, other: 2 });
    expect(ETHNICITY_PROVENANCE).toBe('outside source: ONS 2021 Census ethnic group classification');
  });

  it('uses exactly the codes an encounter can carry (libs/contracts ETHNICITY_CATEGORIES, less "not-stated")', () => {
    // Read as text: libs/evaluation may not import libs/contracts (module boundaries).
    const source = fs.readFileSync(path.join(__dirname, '../../contracts/src/encounter.ts'), 'utf8');
    const list = /ETHNICITY_CATEGORIES = \[([\s\S]*?)\] as const/.exec(source)![1];
    const codes = [...list.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(codes.filter((c) => c !== 'not-stated').sort()).toEqual(ETHNIC_GROUPS.map((g) => g.code).sort());
  });

  it('shows the detailed groups of a high-level group whose every recorded group reaches the minimum', () => {
    const rows = ethnicityRows({ 'white-english-welsh-scottish-northern-irish-british': 120, 'white-irish': 6, 'black-caribbean': 7, 'black-african': 9 });
    expect(rows.map((r) => r.key)).toEqual(['black-african', 'black-caribbean', 'white-english-welsh-scottish-northern-irish-british', 'white-irish']);
    expect(rows[0].label).toBe('Black, Black British, Black Welsh, Caribbean or African: African');
  });

  it('aggregates a high-level group to one row when any of its recorded detailed groups is small', () => {
    const rows = ethnicityRows({ 'asian-pakistani': 12, 'asian-bangladeshi': 2, 'mixed-other': 1, 'white-other': 30, 'not-stated': 4 });
    expect(rows).toEqual([
      { key: 'asian', label: 'Asian, Asian British or Asian Welsh', codes: ['asian-bangladeshi', 'asian-pakistani'] },
      { key: 'mixed', label: 'Mixed or Multiple ethnic groups', codes: ['mixed-other'] },
      { key: 'white-other', label: 'White: Other White', codes: ['white-other'] },
      { key: 'not-stated', label: 'Not stated', codes: ['not-stated'] },
    ]);
    expect(ethnicityRows({ 'asian-pakistani': 12, 'asian-bangladeshi': 2 }, 2).map((r) => r.key)).toEqual(['asian-bangladeshi', 'asian-pakistani']);
  });

  it('refuses a code that is not in the classification', () => {
    expect(() => ethnicityRows({ 'white-martian': 3 })).toThrow(/white-martian/);
  });

  it('takes the largest group as the reference, never "not stated" nor an empty group', () => {
    const groups = [
      { key: 'not-stated', base: 500 },
      { key: 'asian', base: 40 },
      { key: 'white', base: 300 },
      { key: 'black', base: 300 },
    ];
    expect(referenceGroup(groups)?.key).toBe('white');
    expect(referenceGroup([{ key: 'asian', base: 0 }])).toBeUndefined();
    expect(referenceGroup([{ key: 'x', base: 3 }, { key: 'y', base: 9 }], [])?.key).toBe('y');
  });
});
