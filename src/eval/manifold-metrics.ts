/**
 * Precision, recall, density and coverage from one set of distance passes: the real set's k-NN
 * radii computed once (and reusable for several generated sets, e.g. the samples and the real
 * baseline), then one pass over the real × generated distances.
 *
 * @packageDocumentation
 */
import type { FeatureMatrix } from './feature-matrix';
import { crossBallCounts, kthNeighbourRadii } from './pairwise-distances';

/** A real set with its squared k-NN radii for the k's asked for. */
export interface RealManifold {
  /** The real vectors. */
  real: FeatureMatrix;
  /** k → squared distance of each real vector to its k-th nearest other real vector. */
  radii: Map<number, Float32Array>;
}

/** The four k-NN metrics (see {@link precisionRecall} and {@link densityCoverage} for their formulas). */
export interface ManifoldMetrics {
  /** Share of generated vectors inside the real manifold (k = precisionK). */
  precision: number;
  /** Share of real vectors inside the generated manifold (k = precisionK). */
  recall: number;
  /** Real balls (k = densityK) holding a generated vector, per generated vector, over k. */
  density: number;
  /** Share of real balls (k = densityK) holding a generated vector. */
  coverage: number;
}

/** The real set's radii for each k of `ks` (one pass over the real × real distances). */
export function realManifold(real: FeatureMatrix, ks: readonly number[]): RealManifold {
  return { real, radii: kthNeighbourRadii(real, ks) };
}

function radiiFor(manifold: RealManifold, k: number): Float32Array {
  const r = manifold.radii.get(k);
  if (r === undefined) throw new Error(`internal: the real manifold has no radii for k = ${k}`);
  return r;
}

/**
 * The k-NN metrics of `generated` against `manifold` that `want` asks for (the others are NaN):
 * a pass over the generated × generated distances for recall's balls, and one over real ×
 * generated. The caller has checked both sets have more than k vectors.
 */
export function manifoldMetrics(
  manifold: RealManifold,
  generated: FeatureMatrix,
  precisionK: number,
  densityK: number,
  want: { precisionRecall: boolean; densityCoverage: boolean } = { precisionRecall: true, densityCoverage: true },
): ManifoldMetrics {
  const generatedRadii = want.precisionRecall ? kthNeighbourRadii(generated, [precisionK]).get(precisionK) : undefined;
  const counts = crossBallCounts(manifold.real, generated, {
    precision: want.precisionRecall ? radiiFor(manifold, precisionK) : undefined,
    recall: generatedRadii,
    density: want.densityCoverage ? radiiFor(manifold, densityK) : undefined,
    coverage: want.densityCoverage ? radiiFor(manifold, densityK) : undefined,
  });
  return {
    precision: want.precisionRecall ? counts.generatedInside / generated.count : NaN,
    recall: want.precisionRecall ? counts.realInside / manifold.real.count : NaN,
    density: want.densityCoverage ? counts.ballHits / (densityK * generated.count) : NaN,
    coverage: want.densityCoverage ? counts.realCovered / manifold.real.count : NaN,
  };
}
