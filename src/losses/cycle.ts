/**
 * CycleGAN's losses (Zhu et al. 2017): the least-squares adversarial loss on patch maps, the
 * cycle-consistency loss and the identity loss. Each takes tensors in the images' range
 * ([-1, 1]) and returns a scalar; the L1 terms are per-pixel means, as in the paper's code
 * (`nn.L1Loss()`).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { GanLossBase } from './types';
import { registerSerializable } from '../core/serialization';

function checkLambda(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new GanConfigError(argument, `expected a non-negative number, got ${String(value)}`);
  return value;
}

function checkSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new GanConfigError(what, `shapes differ: [${a.shape}] and [${b.shape}]`);
  }
}

/** `mean |a − b|` over every element. */
function meanAbsoluteError(a: tf.Tensor, b: tf.Tensor, what: string): tf.Scalar {
  checkSameShape(a, b, what);
  return tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;
}

/**
 * G's least-squares adversarial loss as CycleGAN uses it (LSGAN, Mao et al. 2017), on D's map of
 * patch logits for generated images (any shape; every patch of every image counts equally):
 *
 * `L_adv(G) = mean((D(G(x)) − 1)²)`
 *
 * @example
 * ```ts
 * leastSquaresGeneratorLoss(tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1])); // ((0−1)² + 0 + 1 + 4) / 4 = 1.5
 * ```
 */
export function leastSquaresGeneratorLoss(fakePatches: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(fakePatches, 1))) as tf.Scalar);
}

/**
 * D's least-squares adversarial loss as CycleGAN uses it: real patches pushed to 1, generated
 * ones to 0, halved "to slow down the rate at which D learns relative to G" (the paper, §4):
 *
 * `L_adv(D) = ½ · (mean((D(y) − 1)²) + mean(D(G(x))²))`
 *
 * @example
 * ```ts
 * leastSquaresDiscriminatorLoss(tf.tensor1d([1, 0]), tf.tensor1d([0, 2])); // ½ · (½ + 2) = 1.25
 * ```
 */
export function leastSquaresDiscriminatorLoss(realPatches: tf.Tensor, fakePatches: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realPatches, 1))), tf.mean(tf.square(fakePatches)))) as tf.Scalar,
  );
}

/**
 * CycleGAN's adversarial loss as a {@link GanLoss}: {@link leastSquaresDiscriminatorLoss} for D
 * and {@link leastSquaresGeneratorLoss} for G, on patch maps. It differs from
 * {@link LeastSquaresLoss} only in G's loss, which here is not halved (the paper's weighting
 * relative to λ_cyc = 10). The default adversarial loss of {@link createCycleGan}; any other
 * {@link GanLoss} works on patch maps too (e.g. {@link nonSaturatingLoss}).
 *
 * @example
 * ```ts
 * const cycle = createCycleGan({ adversarial: new CycleLeastSquaresLoss() });
 * ```
 */
export class CycleLeastSquaresLoss extends GanLossBase {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'CycleLeastSquaresLoss';

  constructor() {
    super('cycle-least-squares');
  }

  /** No options. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** A new CycleLeastSquaresLoss (it has no options). */
  static fromConfig(): CycleLeastSquaresLoss {
    return new CycleLeastSquaresLoss();
  }

  /** {@link leastSquaresDiscriminatorLoss}. */
  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
    return leastSquaresDiscriminatorLoss(realLogits, fakeLogits);
  }

  /** {@link leastSquaresGeneratorLoss}. */
  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
    return leastSquaresGeneratorLoss(fakeLogits);
  }
}

/**
 * Creates a {@link CycleLeastSquaresLoss}, CycleGAN's default adversarial loss.
 *
 * @example
 * ```ts
 * const cycle = createCycleGan({ adversarial: cycleLeastSquaresLoss() });
 * ```
 */
export function cycleLeastSquaresLoss(): CycleLeastSquaresLoss {
  return new CycleLeastSquaresLoss();
}

/**
 * The images of a cycle-consistency loss: both domains' real images and their round trips.
 *
 * @example
 * ```ts
 * const pair: CycleImages = { x, reconstructedX: F.apply(G.apply(x)), y, reconstructedY: G.apply(F.apply(y)) };
 * ```
 */
export interface CycleImages {
  /** Real images of domain X, `[n, h, w, c]`. */
  x: tf.Tensor;
  /** `F(G(x))`: X → Y → X, the same shape as `x`. */
  reconstructedX: tf.Tensor;
  /** Real images of domain Y. */
  y: tf.Tensor;
  /** `G(F(y))`: Y → X → Y, the same shape as `y`. */
  reconstructedY: tf.Tensor;
}

/**
 * The cycle-consistency loss (the paper's eq. 2): each image, translated to the other domain and
 * back, should come back unchanged.
 *
 * `L_cyc = λ_cyc · (mean|F(G(x)) − x| + mean|G(F(y)) − y|)`
 *
 * (per-pixel means, i.e. the paper's expected L1 norm divided by the pixels per image).
 *
 * @param images - x, F(G(x)), y, G(F(y)).
 * @param lambda - λ_cyc (default 10, the paper's).
 * @example
 * ```ts
 * const x = tf.tensor4d([1, -1], [1, 1, 2, 1]), y = tf.tensor4d([0, 0], [1, 1, 2, 1]);
 * cycleConsistencyLoss({ x, reconstructedX: tf.tensor4d([0, -1], [1, 1, 2, 1]), y, reconstructedY: tf.tensor4d([1, 1], [1, 1, 2, 1]) }, 10);
 * // 10 · ((1 + 0)/2 + (1 + 1)/2) = 15
 * ```
 * @throws {@link GanConfigError} when a pair's shapes differ or λ is negative.
 */
export function cycleConsistencyLoss(images: CycleImages, lambda = 10): tf.Scalar {
  const weight = checkLambda(lambda, 'lambdaCycle');
  return tf.tidy(
    () =>
      tf.mul(
        weight,
        tf.add(
          meanAbsoluteError(images.reconstructedX, images.x, 'reconstructedX'),
          meanAbsoluteError(images.reconstructedY, images.y, 'reconstructedY'),
        ),
      ) as tf.Scalar,
  );
}

/**
 * The images of an identity loss: each domain's real images and what the generator *into* that
 * domain makes of them.
 *
 * @example
 * ```ts
 * const pair: IdentityImages = { x, fOfX: F.apply(x), y, gOfY: G.apply(y) };
 * ```
 */
export interface IdentityImages {
  /** Real images of domain X. */
  x: tf.Tensor;
  /** `F(x)`: F (Y → X) applied to an image that already is in X. */
  fOfX: tf.Tensor;
  /** Real images of domain Y. */
  y: tf.Tensor;
  /** `G(y)`: G (X → Y) applied to an image that already is in Y. */
  gOfY: tf.Tensor;
}

/**
 * The identity loss (the paper's §5.2, after Taigman et al. 2017): a generator given an image
 * that already is in its target domain should leave it alone. It keeps colours and overall tone
 * where the adversarial and cycle losses would let them drift. The paper's code weighs it
 * `0.5 · λ_cyc`. It conflicts with translations that change every pixel (inverting images, say):
 * use λ_id = 0 there.
 *
 * `L_id = λ_id · (mean|G(y) − y| + mean|F(x) − x|)`
 *
 * @param images - x, F(x), y, G(y).
 * @param lambda - λ_id (default 5, i.e. 0.5 · λ_cyc with the paper's λ_cyc = 10).
 * @example
 * ```ts
 * const x = tf.tensor1d([1, -1]), y = tf.tensor1d([0.5, 0.5]);
 * identityLoss({ x, fOfX: tf.tensor1d([1, 1]), y, gOfY: tf.tensor1d([0, 0.5]) }, 2); // 2 · (0.25 + 1) = 2.5
 * ```
 * @throws {@link GanConfigError} when a pair's shapes differ or λ is negative.
 */
export function identityLoss(images: IdentityImages, lambda = 5): tf.Scalar {
  const weight = checkLambda(lambda, 'lambdaIdentity');
  return tf.tidy(
    () =>
      tf.mul(
        weight,
        tf.add(meanAbsoluteError(images.gOfY, images.y, 'gOfY'), meanAbsoluteError(images.fOfX, images.x, 'fOfX')),
      ) as tf.Scalar,
  );
}
registerSerializable('loss', CycleLeastSquaresLoss);
