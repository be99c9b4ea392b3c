/**
 * Square roots of symmetric positive semi-definite matrices, through the symmetric
 * eigendecomposition of `ml-matrix` (Householder tridiagonalisation and the QL algorithm).
 *
 * @packageDocumentation
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { GanConfigError } from '../errors';

/** A square matrix as row-major values with its size. */
export interface PackedSquareMatrix {
  /** The `dim × dim` entries, row-major. */
  values: ArrayLike<number>;
  /** Number of rows (and of columns). */
  dim: number;
}

/** A square matrix as rows (`number[][]`) or row-major values with its size. */
export type SquareMatrix = number[][] | PackedSquareMatrix;

function toMatrix(matrix: SquareMatrix, argument: string): Matrix {
  if (Array.isArray(matrix)) {
    const n = matrix.length;
    if (n === 0 || matrix.some((row) => !Array.isArray(row) || row.length !== n))
      throw new GanConfigError(argument, 'expected a non-empty square matrix');
    return checkSymmetric(new Matrix(matrix), argument);
  }
  const { values, dim } = matrix;
  if (!Number.isInteger(dim) || dim <= 0 || values.length !== dim * dim) {
    throw new GanConfigError(argument, `expected ${dim} × ${dim} = ${dim * dim} values, got ${values.length}`);
  }
  const m = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) m.set(i, j, values[i * dim + j]);
  return checkSymmetric(m, argument);
}

function checkSymmetric(m: Matrix, argument: string): Matrix {
  const n = m.rows;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m.get(i, j);
      if (!Number.isFinite(v))
        throw new GanConfigError(`${argument}[${i}][${j}]`, `expected a finite number, got ${v}`);
      scale = Math.max(scale, Math.abs(v));
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(m.get(i, j) - m.get(j, i)) > 1e-9 * Math.max(scale, 1)) {
        throw new GanConfigError(
          argument,
          `is not symmetric: [${i}][${j}] = ${m.get(i, j)} but [${j}][${i}] = ${m.get(j, i)}`,
        );
      }
    }
  }
  return m;
}

/** Eigenvalues and eigenvectors of a symmetric matrix (eigenvalues below 0, rounding noise of a PSD matrix, clamped to 0). */
function symmetricEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  // Symmetrise exactly: the QL algorithm assumes it.
  const sym = m.add(m.transpose()).mul(0.5);
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  return { values: evd.realEigenvalues.map((v) => Math.max(v, 0)), vectors: evd.eigenvectorMatrix };
}

/** The principal square root of a symmetric PSD matrix as an `ml-matrix` `Matrix`. */
function sqrtMatrix(m: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(m);
  const scaled = vectors.clone();
  for (let j = 0; j < values.length; j++) {
    const s = Math.sqrt(values[j]);
    for (let i = 0; i < scaled.rows; i++) scaled.set(i, j, scaled.get(i, j) * s);
  }
  return scaled.mmul(vectors.transpose());
}

/**
 * The principal square root `A^½` of a symmetric positive semi-definite matrix: the one symmetric
 * PSD matrix with `A^½ A^½ = A`, computed as `V diag(√λ) Vᵀ` from the eigendecomposition
 * `A = V diag(λ) Vᵀ`. Eigenvalues that come out slightly negative (rounding of a singular
 * covariance) are taken as 0.
 *
 * @returns the root as rows.
 * @throws {@link GanConfigError} when the matrix is not square, not symmetric, or holds NaN.
 *
 * @example
 * ```ts
 * symmetricMatrixSqrt([[5, 4], [4, 5]]); // ≈ [[2, 1], [1, 2]]
 * ```
 */
export function symmetricMatrixSqrt(matrix: SquareMatrix): number[][] {
  return sqrtMatrix(toMatrix(matrix, 'matrix')).to2DArray();
}

/**
 * `Tr((A^½ B A^½)^½)` for symmetric PSD matrices A and B: the cross term of the Fréchet distance
 * between two Gaussians. `A^½ B A^½` is symmetric PSD, so the trace of its root is the sum of the
 * square roots of its eigenvalues; this avoids the non-symmetric `sqrtm(A B)` (equal in exact
 * arithmetic, since `A B` and `A^½ B A^½` are similar).
 *
 * @throws {@link GanConfigError} when the matrices are not square and symmetric, differ in size,
 * or hold NaN.
 *
 * @example
 * ```ts
 * traceSqrtProduct([[4, 0], [0, 9]], [[1, 0], [0, 16]]); // √4 + √144 = 14
 * ```
 */
export function traceSqrtProduct(a: SquareMatrix, b: SquareMatrix): number {
  const ma = toMatrix(a, 'a');
  const mb = toMatrix(b, 'b');
  if (ma.rows !== mb.rows) throw new GanConfigError('b', `is ${mb.rows} × ${mb.rows} but a is ${ma.rows} × ${ma.rows}`);
  const rootA = sqrtMatrix(ma);
  const product = rootA.mmul(mb).mmul(rootA);
  return symmetricEigen(product).values.reduce((sum, v) => sum + Math.sqrt(v), 0);
}
