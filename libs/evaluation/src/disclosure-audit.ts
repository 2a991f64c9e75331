/**
 * The attacker's view of a published table: for each hidden figure, the exact range of whole
 * numbers it could take given every figure that is shown (cells, row and column totals, the
 * grand total) and that counts are never negative. Used by the suppression to check its own
 * work, and open to anyone auditing a release.
 *
 * No linear programming is needed: the equations of a two-way table with margins form a
 * network (each hidden figure joins its row to its column; a line's total enters with the
 * opposite sign to its cells), so one table that fits every shown figure turns into another
 * exactly by moving one along an alternating cycle of hidden figures, and a hidden figure can
 * go up (or down) by one exactly when such a cycle runs through it with room (a value of at
 * least one) in every figure the move lowers. Repeating the move until no cycle is left gives
 * the end of the range (the augmenting-path argument of max-flow). Bounds reasoning on single
 * rows and columns is not enough: it can leave a figure looking free when sums across several
 * lines pin it (the recovery test holds such a table).
 */

/** A figure of a table with margins: row = rows.length is the column-totals row, column = columns.length the row-totals column. */
export interface Position {
  row: number;
  column: number;
}

export interface FeasibleRange extends Position {
  lower: number;
  /** Infinity when nothing shown bounds it from above. */
  upper: number;
}

/** The table with its margins as one grid, null where hidden. */
export type PublishedGrid = readonly (readonly (number | null)[])[];

/** Every row and column of the grid with margins: the entries before the last sum to the last. */
export function lineEquations(rowCount: number, columnCount: number): Position[][] {
  const lines: Position[][] = [];
  for (let row = 0; row <= rowCount; row++) lines.push(Array.from({ length: columnCount + 1 }, (_, column) => ({ row, column })));
  for (let column = 0; column <= columnCount; column++) lines.push(Array.from({ length: rowCount + 1 }, (_, row) => ({ row, column })));
  return lines;
}

/**
 * The range each hidden figure could take. `truth` is the full grid (the publisher's own
 * check needs a starting solution; any table fitting the shown figures gives the same ranges).
 */
export function feasibleRanges(truth: readonly (readonly number[])[], hidden: readonly Position[]): FeasibleRange[] {
  const limit = truth.flat().reduce((s, v) => s + v, 0) + 1;
  return hidden.map((v) => {
    const up = stepsPossible(truth, hidden, v, +1, limit);
    const down = stepsPossible(truth, hidden, v, -1, limit);
    const value = truth[v.row][v.column];
    return { row: v.row, column: v.column, lower: value - down, upper: up >= limit ? Infinity : value + up };
  });
}

/**
 * Another whole-number table that fits every shown figure but differs in v (v one higher, or
 * else one lower): the proof that v cannot be recovered. Null when v is pinned.
 */
export function alternativeTable(truth: readonly (readonly number[])[], hidden: readonly Position[], v: Position): number[][] | null {
  for (const direction of [1, -1] as const) {
    const cycle = alternatingCycle(truth, hidden, v, direction);
    if (cycle) {
      const other = truth.map((r) => [...r]);
      for (const { p, change } of cycle) other[p.row][p.column] += change;
      return other;
    }
  }
  return null;
}

/** Whether a hidden figure can take a second value: the one question the suppression asks. */
export function canChange(truth: readonly (readonly number[])[], hidden: readonly Position[], v: Position): boolean {
  return alternativeTable(truth, hidden, v) !== null;
}

/** How many unit moves of v in one direction fit (stopping at `limit`). */
function stepsPossible(truth: readonly (readonly number[])[], hidden: readonly Position[], v: Position, direction: 1 | -1, limit: number): number {
  const grid = truth.map((r) => [...r]);
  let steps = 0;
  while (steps < limit) {
    const cycle = alternatingCycle(grid, hidden, v, direction);
    if (!cycle) break;
    for (const { p, change } of cycle) grid[p.row][p.column] += change;
    steps++;
  }
  return steps;
}

/**
 * A cycle through v along which v moves by `direction` and every other figure by +1 or -1,
 * keeping each line's sum, with nothing going below 0; null when there is none.
 */
function alternatingCycle(grid: readonly (readonly number[])[], hidden: readonly Position[], v: Position, direction: 1 | -1): { p: Position; change: number }[] | null {
  const rowCount = grid.length - 1;
  const columnCount = grid[0].length - 1;
  // In signed terms (a total counts negated, the grand total, being both, positive) every line sums to 0.
  const sign = (p: Position) => ((p.row === rowCount) !== (p.column === columnCount) ? -1 : 1);
  if (grid[v.row][v.column] + direction < 0) return null;
  const d = direction * sign(v);
  // From v's row to v's column through the other hidden figures: a step from a row to a
  // column changes that figure by -d (signed), a step from a column to a row by +d.
  const fits = (p: Position, signed: number) => grid[p.row][p.column] + sign(p) * signed >= 0;
  const others = hidden.filter((p) => p.row !== v.row || p.column !== v.column);
  const start = `r${v.row}`;
  const goal = `c${v.column}`;
  const cameBy = new Map<string, { from: string; p: Position; signed: number }>();
  const queue = [start];
  while (queue.length > 0 && !cameBy.has(goal)) {
    const at = queue.shift()!;
    const onRow = at[0] === 'r';
    const index = Number(at.slice(1));
    for (const p of others) {
      if ((onRow ? p.row : p.column) !== index) continue;
      const next = onRow ? `c${p.column}` : `r${p.row}`;
      const signed = onRow ? -d : d;
      if (next === start || cameBy.has(next) || !fits(p, signed)) continue;
      cameBy.set(next, { from: at, p, signed });
      queue.push(next);
    }
  }
  if (!cameBy.has(goal)) return null;
  const cycle: { p: Position; change: number }[] = [{ p: v, change: direction }];
  for (let at = goal; at !== start; ) {
    const step = cameBy.get(at)!;
    cycle.push({ p: step.p, change: sign(step.p) * step.signed });
    at = step.from;
  }
  return cycle;
}
