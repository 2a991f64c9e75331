/**
 * The attacker's view of a published table: for each hidden figure, the range of whole
 * numbers it could take given every figure that is shown (cells, row and column totals,
 * the grand total) and that counts are never negative. Used by the suppression to check
 * its own work, and open to anyone auditing a release.
 *
 * The reasoning is what someone with a spreadsheet can do, without linear programming:
 * (1) elimination: any hidden figure that the totals' equations fix on their own (e.g. the
 * only hidden cell of a row, or a cell joining two otherwise separate groups of hidden
 * cells) is solved outright; (2) bounds: each equation bounds each of its hidden figures by
 * what the others could at most and at least be, repeated until nothing tightens.
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

interface Equation {
  coefficients: Map<number, number>;
  rhs: number;
}

const EPSILON = 1e-9;
const MAX_PASSES = 10_000;

/** Every row and column of the grid with margins: the entries before the last sum to the last. */
export function lineEquations(rowCount: number, columnCount: number): Position[][] {
  const lines: Position[][] = [];
  for (let row = 0; row <= rowCount; row++) lines.push(Array.from({ length: columnCount + 1 }, (_, column) => ({ row, column })));
  for (let column = 0; column <= columnCount; column++) lines.push(Array.from({ length: rowCount + 1 }, (_, row) => ({ row, column })));
  return lines;
}

export function feasibleRanges(grid: PublishedGrid): FeasibleRange[] {
  const rowCount = grid.length - 1;
  const columnCount = grid[0].length - 1;
  const unknowns: Position[] = [];
  const indexOf = new Map<string, number>();
  grid.forEach((line, row) =>
    line.forEach((value, column) => {
      if (value === null) {
        indexOf.set(`${row},${column}`, unknowns.length);
        unknowns.push({ row, column });
      }
    }),
  );
  const equations: Equation[] = lineEquations(rowCount, columnCount).map((line) => {
    const coefficients = new Map<number, number>();
    let rhs = 0;
    line.forEach((p, i) => {
      const sign = i === line.length - 1 ? -1 : 1;
      const value = grid[p.row][p.column];
      if (value === null) coefficients.set(indexOf.get(`${p.row},${p.column}`)!, sign);
      else rhs -= sign * value;
    });
    return { coefficients, rhs };
  });
  const all = [...equations, ...reducedRows(equations, unknowns.length)];
  const lower = unknowns.map(() => 0);
  const upper = unknowns.map(() => Infinity);
  tighten(all, lower, upper);
  return unknowns.map((p, i) => ({ ...p, lower: lower[i], upper: upper[i] }));
}

/** Gauss-Jordan elimination of the equations: the reduced rows solve the figures the equations fix. */
function reducedRows(equations: readonly Equation[], width: number): Equation[] {
  const matrix = equations.map((e) => [...Array.from({ length: width }, (_, k) => e.coefficients.get(k) ?? 0), e.rhs]);
  let pivotRow = 0;
  for (let column = 0; column < width && pivotRow < matrix.length; column++) {
    let best = pivotRow;
    for (let r = pivotRow + 1; r < matrix.length; r++) if (Math.abs(matrix[r][column]) > Math.abs(matrix[best][column])) best = r;
    if (Math.abs(matrix[best][column]) < EPSILON) continue;
    [matrix[pivotRow], matrix[best]] = [matrix[best], matrix[pivotRow]];
    const pivot = matrix[pivotRow][column];
    matrix[pivotRow] = matrix[pivotRow].map((v) => v / pivot);
    for (let r = 0; r < matrix.length; r++) {
      const factor = matrix[r][column];
      if (r !== pivotRow && Math.abs(factor) > EPSILON) matrix[r] = matrix[r].map((v, k) => v - factor * matrix[pivotRow][k]);
    }
    pivotRow++;
  }
  return matrix.slice(0, pivotRow).map((row) => {
    const coefficients = new Map<number, number>();
    row.slice(0, width).forEach((v, k) => Math.abs(v) > EPSILON && coefficients.set(k, v));
    return { coefficients, rhs: row[width] };
  });
}

/** Bounds propagation to a fixed point; counts are whole, so each bound is rounded inwards. */
function tighten(equations: readonly Equation[], lower: number[], upper: number[]): void {
  for (let pass = 0, changed = true; changed && pass < MAX_PASSES; pass++) {
    changed = false;
    for (const { coefficients, rhs } of equations) {
      for (const [k, ck] of coefficients) {
        let othersMin = 0;
        let othersMax = 0;
        for (const [m, cm] of coefficients) {
          if (m === k) continue;
          othersMin += cm > 0 ? cm * lower[m] : cm * upper[m];
          othersMax += cm > 0 ? cm * upper[m] : cm * lower[m];
        }
        const a = (rhs - othersMax) / ck;
        const b = (rhs - othersMin) / ck;
        const low = Math.ceil(Math.min(a, b) - EPSILON);
        const high = Math.floor(Math.max(a, b) + EPSILON);
        if (low > lower[k]) (lower[k] = low), (changed = true);
        if (high < upper[k]) (upper[k] = high), (changed = true);
      }
    }
  }
}
