import { DISCLOSURE } from './config/disclosure';
import { canChange, lineEquations, type Position } from './disclosure-audit';

/** Counts by row group and column group (e.g. ethnic group by outcome); margins are added here. */
export interface CountTable {
  rows: readonly string[];
  columns: readonly string[];
  /** cells[row][column], whole non-negative counts. */
  cells: readonly (readonly number[])[];
}

export type SuppressionReason = 'primary' | 'secondary';

export interface HiddenFigure extends Position {
  reason: SuppressionReason;
}

/** A table fit to publish: null where a figure is hidden. */
export interface PublishedTable {
  rows: readonly string[];
  columns: readonly string[];
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
  total: number | null;
  /** row = rows.length is the column-totals row; column = columns.length the row-totals column. */
  hidden: HiddenFigure[];
}

/** The table with its margins as one (rows + 1) x (columns + 1) grid. */
export function withMargins(table: CountTable): number[][] {
  if (table.rows.length === 0 || table.columns.length === 0) throw new RangeError('a table needs at least one row and one column');
  if (table.cells.length !== table.rows.length || table.cells.some((r) => r.length !== table.columns.length)) {
    throw new RangeError('cells must have one row per row label and one entry per column label');
  }
  if (table.cells.some((r) => r.some((v) => !Number.isInteger(v) || v < 0))) throw new RangeError('cells must be whole non-negative counts');
  const grid = table.cells.map((r) => [...r, r.reduce((s, v) => s + v, 0)]);
  grid.push(grid[0].map((_, column) => grid.reduce((s, r) => s + r[column], 0)));
  return grid;
}

/**
 * Disclosure control for a two-way table with its margins.
 * Primary: every figure (cell, total or grand total) under the minimum count is hidden.
 * Secondary: no row or column may then hold exactly one hidden figure (its total would give
 * it away), so the smallest other figure of that line is hidden too, cells before totals;
 * then the exact attack (canChange) is run on the result, and while any hidden figure is
 * still pinned to one value (sums across several lines can pin it), one more figure in its
 * row or column is hidden. Hiding everything is always safe, so this ends.
 */
export function suppress(table: CountTable, minimumCount = DISCLOSURE.minimumCount): PublishedTable {
  const grid = withMargins(table);
  const rowCount = table.rows.length;
  const columnCount = table.columns.length;
  const reason: (SuppressionReason | null)[][] = grid.map((r) => r.map((v) => (v < minimumCount ? 'primary' : null)));
  const lines = lineEquations(rowCount, columnCount);
  // Cells before totals, totals before the grand total, then the smallest figure.
  const cost = (p: Position) => [(p.row === rowCount ? 1 : 0) + (p.column === columnCount ? 1 : 0), grid[p.row][p.column]];
  const cheapest = (candidates: Position[]) =>
    candidates.filter((p) => reason[p.row][p.column] === null).sort((a, b) => {
      const [ca, cb] = [cost(a), cost(b)];
      return ca[0] - cb[0] || ca[1] - cb[1];
    })[0];

  for (let guard = 0; guard <= grid.length * grid[0].length; guard++) {
    for (let lone = findLoneLine(lines, reason); lone; lone = findLoneLine(lines, reason)) {
      const partner = cheapest(lone);
      reason[partner.row][partner.column] = 'secondary';
    }
    const hidden = hiddenPositions(reason);
    const pinned = hidden.find((p) => !canChange(grid, hidden, p));
    if (!pinned) break;
    const everywhere = grid.flatMap((r, row) => r.map((_, column) => ({ row, column })));
    const next =
      cheapest(lines.filter((l) => l.some((p) => p.row === pinned.row && p.column === pinned.column)).flat()) ?? cheapest(everywhere);
    reason[next.row][next.column] = 'secondary';
  }

  const shown = publishedGrid(grid, reason);
  return {
    rows: table.rows,
    columns: table.columns,
    cells: shown.slice(0, rowCount).map((r) => r.slice(0, columnCount)),
    rowTotals: shown.slice(0, rowCount).map((r) => r[columnCount]),
    columnTotals: shown[rowCount].slice(0, columnCount),
    total: shown[rowCount][columnCount],
    hidden: hiddenPositions(reason).map((p) => ({ ...p, reason: reason[p.row][p.column]! })),
  };
}

function hiddenPositions(reason: (SuppressionReason | null)[][]): Position[] {
  return reason.flatMap((r, row) => r.flatMap((why, column) => (why ? [{ row, column }] : [])));
}

function publishedGrid(grid: number[][], reason: (SuppressionReason | null)[][]): (number | null)[][] {
  return grid.map((r, row) => r.map((v, column) => (reason[row][column] ? null : v)));
}

function findLoneLine(lines: Position[][], reason: (SuppressionReason | null)[][]): Position[] | undefined {
  return lines.find((l) => l.filter((p) => reason[p.row][p.column] !== null).length === 1);
}
