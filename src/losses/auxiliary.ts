import type * as tf from '@tensorflow/tfjs-core';

/**
 * What an {@link AuxiliaryTask} sees of one batch in a training update: D's auxiliary outputs on
 * it and the targets the trainer knows for it.
 *
 * @example An auxiliary loss on the first auxiliary output against the labels:
 * ```ts
 * const ce = (b: AuxiliaryBatch) => softmaxCrossEntropy(b.outputs[0], b.labels!);
 * ```
 */
export interface AuxiliaryBatch {
  /**
   * D's outputs after its first (the adversarial logit, which the {@link GanLoss} gets), in the
   * model's order: for gankit's discriminators built with `auxiliaryOutputs: n`, one tensor
   * `[batch, n]` of raw scores (e.g. class logits).
   */
  readonly outputs: readonly tf.Tensor[];
  /**
   * The batch's labels `[batch]` (int32): the data's for the real batch, the ones G was given for
   * the fake batch; `null` for an unconditional GAN.
   */
  readonly labels: tf.Tensor | null;
  /**
   * The latent codes G was given, `[batch, codeDim]` (see {@link AuxiliaryTask.codeDim}), for the
   * fake batch of a task with codes; `null` for the real batch and for tasks without codes.
   */
  readonly codes: tf.Tensor | null;
}

/**
 * Codes to generate with, for a GAN whose auxiliary task gives G latent codes (InfoGAN, see
 * {@link InfoGanTask}). A part left out is drawn from its prior with `generate()`'s seed.
 *
 * @example One row of ten samples per value of a 10-way categorical code:
 * ```ts
 * const codes: LatentCodes = { categorical: Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)) };
 * const grid = infogan.generate({ count: 100, codes, seed: 1 });
 * ```
 */
export interface LatentCodes {
  /** The categorical code of each image: integers in [0, categories). */
  categorical?: ArrayLike<number>;
  /** The continuous codes, one row `[continuous]` per image (the prior is uniform on [-1, 1]), or a tensor `[n, continuous]`. */
  continuous?: ReadonlyArray<ArrayLike<number>> | tf.Tensor2D;
}

/**
 * A second task for D beside telling real from fake, trained by the same {@link training.GanTrainer}: D
 * gets extra outputs (an auxiliary head, e.g. `auxiliaryOutputs` on {@link nets.mlpDiscriminator} and
 * {@link nets.dcganDiscriminator}) and the task scores them against targets the trainer knows — the
 * labels of the real and of the fake batch, and the latent codes G was given. The trainer adds
 * {@link AuxiliaryTask.discriminatorLoss} to D's loss and {@link AuxiliaryTask.generatorLoss} to
 * G's, inside the same gradient computations, so the task's gradient reaches D's weights in D's
 * updates and, through D, G's weights in G's updates. The adversarial logit stays D's first
 * output, so every {@link GanLoss} works unchanged beside a task.
 *
 * Two tasks are built in: {@link losses.acganTask} (ACGAN: D classifies real and fake images by label)
 * and {@link losses.infoGanTask} (InfoGAN: G gets latent codes that D's Q head must recover). Both are
 * stored in checkpoints and rebuilt by {@link loadGan} and by data-parallel workers; a
 * user-written task trains on one thread and is passed to `loadGan(dir, { auxiliary })`.
 *
 * Besides the losses, a task may:
 * - predict the labels (`numClasses`): the GAN must then be conditional with as many classes, and
 *   D may take the image alone (the ACGAN layout: G gets the label, D must infer it);
 * - give G latent codes (`codeDim`, `sampleCodes`): the trainer appends a code `[n, codeDim]` to
 *   every z it draws, so G's first input has `latentDim + codeDim` units.
 *
 * @example A task of your own, as a plain object: D's one-unit head predicts whether the label is odd.
 * ```ts
 * const parity: AuxiliaryTask = {
 *   name: 'label-parity', outputSize: 1, numClasses: 10,
 *   discriminatorLoss: (real) => tf.losses.sigmoidCrossEntropy(tf.reshape(tf.mod(real.labels!, 2), [-1, 1]), real.outputs[0]) as tf.Scalar,
 *   generatorLoss: (fake) => tf.losses.sigmoidCrossEntropy(tf.reshape(tf.mod(fake.labels!, 2), [-1, 1]), fake.outputs[0]) as tf.Scalar,
 * };
 * const gan = createAcgan({ auxiliary: parity }); // D's head gets outputSize units
 * ```
 */
export interface AuxiliaryTask {
  /** A short name, stored in checkpoints. */
  readonly name: string;
  /** Width of the D output the task reads (D's second output); the trainer checks it. Omit to skip the check. */
  readonly outputSize?: number;
  /**
   * The number of classes the task predicts from labels (ACGAN), or absent. When set, the GAN
   * must be conditional with this many classes, and D may take the image only.
   */
  readonly numClasses?: number;
  /** Size of the latent code G gets beside z (absent or 0: none). G's first input then has `latentDim + codeDim` units. */
  readonly codeDim?: number;
  /**
   * Draws `count` codes `[count, codeDim]` from their prior. The trainer calls it once per fake
   * batch with a seed from its random stream (so runs repeat and resume exactly), and
   * `generate()` with its own seed. Required when `codeDim > 0`.
   */
  sampleCodes?(count: number, seed: number): tf.Tensor2D;
  /** Turns {@link losses.LatentCodes} a user chose into codes `[count, codeDim]`, drawing the parts left out with `seed`. */
  encodeCodes?(codes: LatentCodes, count: number, seed: number): tf.Tensor2D;
  /** The task's loss for D, on a real and a fake batch; added to D's loss. Returns a scalar. */
  discriminatorLoss(real: AuxiliaryBatch, fake: AuxiliaryBatch): tf.Scalar;
  /** The task's loss for G, on a fake batch; added to G's loss. Returns a scalar. */
  generatorLoss(fake: AuxiliaryBatch): tf.Scalar;
  /** Options needed to rebuild the task (stored in the GAN's config). */
  toConfig?(): Record<string, unknown>;
}
