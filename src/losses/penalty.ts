import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { tfSeed } from '../random';
import type { PenaltyContext } from './types';

/**
 * The comparison and logical kernels, which tfjs-core 4.22 leaves without a gradient (all but
 * `GreaterEqual`). Their outputs are piecewise constant in their inputs, so their gradient is
 * zero (TensorFlow marks them `NotDifferentiable`; tfjs-core itself registers zeros for
 * `GreaterEqual`).
 */
const PIECEWISE_CONSTANT_KERNELS: ReadonlyArray<[string, string[]]> = [
  ['Greater', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalNot', ['x']],
];

/**
 * `EluGrad(dy, y)`, ELU's backward kernel: `dy` where `y ≥ 0`, else `dy · (y + 1)` (for `x < 0`,
 * `y = eˣ − 1` and `dy/dx = eˣ = y + 1`). tfjs-core 4.22 gives it no gradient; this is its exact one.
 */
const eluGradGradient: tf.GradConfig = {
  kernelName: 'EluGrad',
  inputsToSave: ['dy', 'y'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [dy, y] = saved;
    const upstream = ddx as tf.Tensor;
    const positive = tf.greaterEqual(y, 0);
    return {
      dy: () => tf.mul(upstream, tf.where(positive, tf.onesLike(y), tf.add(y, 1))),
      y: () => tf.mul(upstream, tf.where(positive, tf.zerosLike(dy), dy)),
    };
  },
};

/**
 * The gradient of a unary op written from its input instead of its saved output: the same
 * formula as tfjs-core's (so first-order gradients keep their values), but the output is
 * recomputed from the saved input inside the gradient, on the tape.
 */
function fromInput(
  kernelName: string,
  forward: (x: tf.Tensor) => tf.Tensor,
  gradient: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
      x: () => gradient(dy as tf.Tensor, forward(saved[0])),
    }),
  };
}

/**
 * Ops whose tfjs-core gradient reads the op's saved *output*. tfjs-core 4.22 records the saved
 * copy of an output on the tape *before* the op that produces it, so a second-order gradient
 * silently loses every path through that output (e.g. `d/dx [x · tanh'(x)]` comes out as
 * `tanh'(x)`, without `x · tanh''(x)`). These equivalents save the input instead.
 */
const OUTPUT_SAVING_GRADIENTS: readonly tf.GradConfig[] = [
  fromInput('Tanh', tf.tanh, (dy, y) => tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy)),
  fromInput('Sigmoid', tf.sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)))),
  fromInput('Exp', tf.exp, (dy, y) => tf.mul(dy, y)),
  fromInput('Elu', tf.elu, (dy, y) => tf.engine().runKernel('EluGrad', { dy, y })),
];

let secondOrderReady = false;

/**
 * Makes second-order gradients through gankit's discriminators possible and correct. A gradient
 * penalty differentiates D's input gradient with respect to D's weights, so every op of D's
 * *backward* pass must itself be differentiable, on the tape. tfjs-core 4.22 falls short in
 * three ways (the same on every backend: gradients are registered per kernel, not per backend):
 *
 * - `Greater` has no gradient. `LeakyReLU`'s backward pass builds its mask with `tf.greater`, so
 *   the penalty's gradient fails with "gradient function not found for Greater". Its exact
 *   gradient is zero (a comparison is piecewise constant; TensorFlow marks it
 *   `NotDifferentiable`, and tfjs-core registers zeros for `GreaterEqual`): registered, with the
 *   other comparison and logical kernels that lack one.
 * - `EluGrad` (ELU's backward kernel) has no gradient: registered, exact.
 * - `Tanh`, `Sigmoid`, `Exp` and `Elu` have gradients that read their saved output, whose path is
 *   lost to second-order gradients (see above): a D with these activations would get a silently
 *   wrong penalty gradient. Their gradients are replaced by equivalents that recompute the
 *   output from the saved input; first-order gradients keep their values.
 *
 * No other registered gradient is replaced. Idempotent; the trainer calls it for any loss with a
 * {@link GanLoss.discriminatorPenalty}, and {@link discriminatorInputGradients} calls it too.
 * Still not differentiable twice (the error names the kernel): `MaxPoolGrad`, `AvgPoolGrad`
 * (pooling in D) and `LRNGrad`; and `Softmax`, `LogSoftmax` and `Pow`'s exponent keep the lost
 * output path. gankit's nets use none of them.
 */
export function enableSecondOrderGradients(): void {
  if (secondOrderReady) return;
  secondOrderReady = true;
  for (const [kernelName, inputs] of PIECEWISE_CONSTANT_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: inputs,
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        Object.fromEntries(inputs.map((name, i) => [name, () => tf.zeros(saved[i].shape, 'float32')])),
    });
  }
  if (tf.getGradient(eluGradGradient.kernelName) === undefined) tf.registerGradient(eluGradGradient);
  for (const config of OUTPUT_SAVING_GRADIENTS) tf.registerGradient(config);
}

/**
 * The gradient of D's logits with respect to its input images, one per image: `∇ₓ Σᵢ D(xᵢ)`,
 * whose i-th slice is `∇ D(xᵢ)` as long as D treats the images of a batch independently (no
 * batch norm in D). Computed inside the trainer's gradient computation, it stays differentiable
 * with respect to D's weights, which is what a gradient penalty needs.
 *
 * @param context - the trainer's {@link PenaltyContext}.
 * @param images - D's inputs `[n, h, w, c]`.
 * @param labels - their labels (default: the real batch's).
 * @returns `[n, h, w, c]`.
 */
export function discriminatorInputGradients(
  context: PenaltyContext,
  images: tf.Tensor,
  labels?: tf.Tensor | null,
): tf.Tensor {
  enableSecondOrderGradients();
  return tf.grad((x: tf.Tensor) => tf.sum(context.discriminate(x, labels)))(images);
}

/** The L2 norm of each image's slice of `grads` `[n, ...]`: `[n]`. A tiny floor keeps the norm's gradient finite at 0. */
function perSampleNorms(grads: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: grads.rank - 1 }, (_, i) => i + 1);
  return tf.sqrt(tf.add(tf.sum(tf.square(grads), axes), 1e-12));
}

/** Checks a penalty weight: a finite number ≥ 0. @internal */
export function checkPenaltyWeight(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new GanConfigError(name, `expected a finite number ≥ 0, got ${value}`);
  return value;
}

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017): `λ · mean_i (‖∇ D(x̂ᵢ)‖₂ − 1)²` at
 * `x̂ᵢ = εᵢ xᵢ + (1 − εᵢ) G(zᵢ)`, with `εᵢ ~ U[0, 1]` per sample drawn from `context.seed`. In a
 * conditional GAN the interpolates are scored with the real batch's labels.
 *
 * @example A custom loss with WGAN-GP's penalty:
 * ```ts
 * const loss: GanLoss = { ...myLoss, discriminatorPenalty: (ctx) => gradientPenalty(ctx, 10) };
 * ```
 */
export function gradientPenalty(context: PenaltyContext, lambda: number): tf.Scalar {
  return tf.tidy(() => {
    const { real, fake } = context;
    const shape = [real.shape[0], ...real.shape.slice(1).map(() => 1)];
    const eps = tf.randomUniform(shape, 0, 1, 'float32', tfSeed(context.seed));
    const interpolates = tf.add(fake, tf.mul(eps, tf.sub(real, fake)));
    const norms = perSampleNorms(discriminatorInputGradients(context, interpolates));
    return tf.mul(lambda, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar;
  });
}

/**
 * The R1 penalty (Mescheder et al. 2018): `γ/2 · mean_i ‖∇ D(xᵢ)‖₂²` on the real images `xᵢ`
 * (with their labels in a conditional GAN).
 */
export function r1Penalty(context: PenaltyContext, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    const grads = discriminatorInputGradients(context, context.real);
    const axes = Array.from({ length: grads.rank - 1 }, (_, i) => i + 1);
    return tf.mul(gamma / 2, tf.mean(tf.sum(tf.square(grads), axes))) as tf.Scalar;
  });
}
