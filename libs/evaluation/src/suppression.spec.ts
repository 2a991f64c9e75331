import fc from 'fast-check';
import { alternativeTable, feasibleRanges, type Position } from './disclosure-audit';
import { suppress, withMargins, type CountTable, type PublishedTable } from './suppression';

/** The published figures as one grid with margins, null where hidden (what the attacker holds). */
const gridOf = (t: PublishedTable) => [...t.cells.map((r, i) => [...r, t.rowTotals[i]]), [...t.columnTotals, t.total]];

/**
 * Checks, independently of how it was found, that a table is a second answer to the
 * attacker's equations: whole non-negative numbers, every published figure the same, every
 * row and column summing to its total, and the hidden figure different.
 */
function isSecondAnswer(published: PublishedTable, other: number[][] | null, v: Position, truth: number[][]): boolean {
  if (!other) return false;
  const shown = gridOf(published);
  const last = (line: number[]) => line[line.length - 1];
  const sumsHold = (line: number[]) => line.slice(0, -1).reduce((s, x) => s + x, 0) === last(line);
  return (
    other.every((r) => r.every((x) => Number.isInteger(x) && x >= 0)) &&
    shown.every((r, i) => r.every((x, j) => x === null || x === other[i][j])) &&
    other.every(sumsHold) &&
    other[0].every((_, j) => sumsHold(other.map((r) => r[j]))) &&
    other[v.row][v.column] !== truth[v.row][v.column]
  );
}

/** The hidden figures the attacker recovers: those with no second answer. */
const recovered = (table: CountTable, published: PublishedTable) => {
  const truth = withMargins(table);
  return published.hidden.filter((v) => !isSecondAnswer(published, alternativeTable(truth, published.hidden, v), v, truth));
};

/** Publishes with only the given figures hidden (to show what the attacker does with too little hidden). */
function hideOnly(table: CountTable, hidden: Position[]): PublishedTable {
  const grid = withMargins(table).map((r, row) => r.map((v, column) => (hidden.some((p) => p.row === row && p.column === column) ? null : v)));
  const rows = table.rows.length;
  const cols = table.columns.length;
  return {
    rows: table.rows,
    columns: table.columns,
    cells: grid.slice(0, rows).map((r) => r.slice(0, cols)),
    rowTotals: grid.slice(0, rows).map((r) => r[cols]),
    columnTotals: grid[rows].slice(0, cols),
    total: grid[rows][cols],
    hidden: hidden.map((p) => ({ ...p, reason: 'primary' as const })),
  };
}

// Declined and diverted by group; one group has 3 declined.
const DECLINES: CountTable = {
  rows: ['A', 'B', 'C'],
  columns: ['declined', 'diverted'],
  cells: [
    [3, 40],
    [12, 30],
    [25, 60],
  ],
};

describe('disclosure control: primary and secondary suppression', () => {
  it('without secondary suppression the row total gives the hidden cell away (the attacker recovers it)', () => {
    const onlyPrimary = hideOnly(DECLINES, [{ row: 0, column: 0 }]);
    expect(feasibleRanges(withMargins(DECLINES), onlyPrimary.hidden)).toEqual([{ row: 0, column: 0, lower: 3, upper: 3 }]);
    expect(recovered(DECLINES, onlyPrimary)).toHaveLength(1);
  });

  it('hides the small cell and the smallest cells that close a rectangle around it (worked by hand)', () => {
    const published = suppress(DECLINES);
    expect(published.hidden).toEqual([
      { row: 0, column: 0, reason: 'primary' },
      { row: 0, column: 1, reason: 'secondary' },
      { row: 1, column: 0, reason: 'secondary' },
      { row: 1, column: 1, reason: 'secondary' },
    ]);
    expect(published.cells).toEqual([
      [null, null],
      [null, null],
      [25, 60],
    ]);
    expect(published).toMatchObject({ rowTotals: [43, 42, 85], columnTotals: [40, 130], total: 170 });
    // With A = t: A declined t, A diverted 43 - t, B declined 15 - t, B diverted 27 + t; t from 0 to 15.
    expect(feasibleRanges(withMargins(DECLINES), published.hidden)).toEqual([
      { row: 0, column: 0, lower: 0, upper: 15 },
      { row: 0, column: 1, lower: 28, upper: 43 },
      { row: 1, column: 0, lower: 0, upper: 15 },
      { row: 1, column: 1, lower: 27, upper: 42 },
    ]);
    expect(recovered(DECLINES, published)).toEqual([]);
  });

  it('hides a small total and whatever would reveal it', () => {
    const table: CountTable = { rows: ['A', 'B'], columns: ['x', 'y', 'z'], cells: [[1, 2, 1], [30, 40, 50]] };
    const published = suppress(table);
    expect(published.rowTotals[0]).toBeNull();
    expect(published.cells[0]).toEqual([null, null, null]);
    expect(recovered(table, published)).toEqual([]);
  });

  // Found by the property below when secondary suppression only looked at single lines: all
  // but 5, 6, 7 and 8 hidden, yet rows r0-r2 total 8 - 6 = 2 and their c2 cells 7 - 5 = 2, so
  // their other nine cells must all be 0. No single row or column shows it; the sums do.
  const PINNED_BY_SUMS: CountTable = { rows: ['r0', 'r1', 'r2', 'r3'], columns: ['c0', 'c1', 'c2', 'c3'], cells: [[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 1, 5, 0]] };

  it('an attacker adding rows and columns together pins cells no single line gives away, and the suppression hides more', () => {
    const everySmall = withMargins(PINNED_BY_SUMS).flatMap((r, row) => r.flatMap((v, column) => (v < 5 ? [{ row, column }] : [])));
    const ranges = feasibleRanges(withMargins(PINNED_BY_SUMS), everySmall);
    expect(ranges.filter((r) => r.upper === 0).map((r) => [r.row, r.column])).toEqual([[0, 0], [0, 1], [0, 3], [1, 0], [1, 1], [1, 3], [2, 0], [2, 1], [2, 3]]);
    expect(recovered(PINNED_BY_SUMS, hideOnly(PINNED_BY_SUMS, everySmall))).toHaveLength(9);
    const published = suppress(PINNED_BY_SUMS);
    expect(published.hidden.filter((h) => h.reason === 'secondary').length).toBeGreaterThan(0);
    expect(recovered(PINNED_BY_SUMS, published)).toEqual([]);
  });

  it('hides zeros too (a zero can disclose as much as a one)', () => {
    const table: CountTable = { rows: ['A', 'B', 'C'], columns: ['x', 'y'], cells: [[0, 20], [9, 21], [11, 30]] };
    const published = suppress(table);
    expect(published.hidden.find((h) => h.reason === 'primary')).toEqual({ row: 0, column: 0, reason: 'primary' });
    expect(recovered(table, published)).toEqual([]);
  });

  it('hides nothing when every figure reaches the threshold, and follows a configured threshold', () => {
    expect(suppress(DECLINES, 3).hidden).toEqual([]);
    expect(suppress(DECLINES, 13).hidden.filter((h) => h.reason === 'primary')).toEqual([
      { row: 0, column: 0, reason: 'primary' },
      { row: 1, column: 0, reason: 'primary' },
    ]);
  });

  it('hides everything when everything is small, and still gives nothing away', () => {
    const table: CountTable = { rows: ['A'], columns: ['x'], cells: [[2]] };
    const published = suppress(table);
    expect(published).toMatchObject({ cells: [[null]], rowTotals: [null], columnTotals: [null], total: null });
    expect(recovered(table, published)).toEqual([]);
  });

  it('refuses a table that is not a table of counts', () => {
    expect(() => suppress({ rows: [], columns: ['x'], cells: [] })).toThrow(RangeError);
    expect(() => suppress({ rows: ['A'], columns: ['x', 'y'], cells: [[1]] })).toThrow(RangeError);
    expect(() => suppress({ rows: ['A'], columns: ['x'], cells: [[-1]] })).toThrow(RangeError);
    expect(() => suppress({ rows: ['A'], columns: ['x'], cells: [[1.5]] })).toThrow(RangeError);
  });

  // Tables like the fairness tables: a few groups by a few outcomes, many small counts.
  const tables = fc
    .record({ rows: fc.integer({ min: 1, max: 6 }), columns: fc.integer({ min: 1, max: 5 }) })
    .chain(({ rows, columns }) =>
      fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 60 })), { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }),
    )
    .map((cells): CountTable => ({ rows: cells.map((_, i) => `r${i}`), columns: cells[0].map((_, j) => `c${j}`), cells }));

  it('the recovery test: for every hidden figure there is a second table fitting every published figure (property)', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const published = suppress(table);
        expect(recovered(table, published)).toEqual([]);
        expect(feasibleRanges(withMargins(table), published.hidden).filter((r) => r.lower === r.upper)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('shows every other figure as it is, hides every small one, and keeps the table\'s labels (property)', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const published = suppress(table);
        const grid = withMargins(table);
        gridOf(published).forEach((r, row) =>
          r.forEach((shown, column) => {
            const truth = grid[row][column];
            const why = published.hidden.find((h) => h.row === row && h.column === column)?.reason;
            if (truth < 5) expect(why).toBe('primary');
            if (shown === null) expect(why).toBeDefined();
            else expect(shown).toBe(truth);
          }),
        );
        expect(published.rows).toEqual(table.rows);
      }),
      { numRuns: 300 },
    );
  });
});
