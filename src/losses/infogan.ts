import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import { Rng } from '../random';
import { checkLabelValues } from '../core/checks';
import type { AuxiliaryBatch, AuxiliaryTask, LatentCodes } from './auxiliary';
import { registerSerializable } from '../core/serialization';

/**
 * How {@link InfoGanTask} scores the continuous codes: `squared` (`½(u − ĉ)²`) or `gaussian`
 * (the negative log-likelihood with a predicted σ).
 *
 * @example
 * ```ts
 * const task = infoGanTask({ continuous: 2, continuousLoss: 'gaussian' satisfies ContinuousCodeLoss });
 * ```
 */
export type ContinuousCodeLoss = 'squared' | 'gaussian';

/**
 * Options of {@link losses.infoGanTask}.
 *
 * @example The paper's MNIST codes:
 * ```ts
 * const options: InfoGanTaskOptions = { categorical: 10, continuous: 2, weight: 1 };
 * ```
 */
export interface InfoGanTaskOptions {
  /** Categories of the categorical code (default 10; 0 for none). */
  categorical?: number;
  /** Number of continuous codes, each uniform on [-1, 1] (default 0). */
  continuous?: number;
  /** λ, the weight of the mutual-information loss in both G's and D's loss (default 1). */
  weight?: number;
  /** An extra factor on the continuous codes' term (default 1). */
  continuousWeight?: number;
  /**
   * `squared` (default): `½‖c − ĉ‖²`, the Gaussian log-likelihood with unit variance up to a
   * constant (the InfoGAN authors' fixed-σ choice). `gaussian`: Q also predicts `log σ` per code
   * and the loss is the Gaussian negative log-likelihood.
   */
  continuousLoss?: ContinuousCodeLoss;
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new GanConfigError(name, `expected a non-negative integer, got ${value}`);
  return value;
}

function checkWeight(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new GanConfigError(name, `expected a finite number ≥ 0, got ${value}`);
  return value;
}

/** Bounds of Q's predicted `log σ` (`gaussian` loss), so that `σ⁻²` stays finite. */
const LOG_SIGMA_BOUND = 5;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * InfoGAN's latent codes and mutual-information loss (Chen et al. 2016, "InfoGAN: Interpretable
 * Representation Learning by Information Maximizing Generative Adversarial Nets"). G gets, beside
 * the noise z, a code `c = [onehot(k) ; u]` of a categorical value `k` (uniform over `categorical`
 * categories) and `continuous` values `u ~ U(−1, 1)`: its first input is `[z ; c]`. D's second
 * output is the Q head `q = [categorical logits ; means ĉ (; log σ)]` (width {@link outputSize}),
 * and on every fake batch both G and D/Q minimise the variational bound on `−I(c; G(z, c))`:
 *
 * `L_I = λ · ( CE(q_cat, k) + λ_c · mean_i Σ_j ℓ(u_ij, ĉ_ij) )`
 *
 * with `CE` the mean softmax cross-entropy and `ℓ = ½(u − ĉ)²` (`squared`) or the Gaussian negative
 * log-likelihood `log σ + ½(u − ĉ)²/σ² + ½ log 2π` with `log σ` clipped to [−5, 5] (`gaussian`).
 * The real batch does not enter (its codes are unknown). Build one with {@link losses.infoGanTask}, or
 * let {@link createInfoGan} do it.
 *
 * @example Codes for four images, the categorical value chosen, the continuous ones drawn:
 * ```ts
 * const task = new InfoGanTask({ categorical: 10, continuous: 2 });
 * const codes = task.encodeCodes({ categorical: [0, 1, 2, 3] }, 4, 7); // [4, 12]: one-hot (10), then 2 values in [−1, 1]
 * ```
 */
export class InfoGanTask implements AuxiliaryTask {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'InfoGanTask';

  /** `infogan`. */
  readonly name = 'infogan';
  /** Categories of the categorical code (0: none). */
  readonly categorical: number;
  /** Number of continuous codes. */
  readonly continuous: number;
  /** λ. */
  readonly weight: number;
  /** λ_c, the extra factor on the continuous codes' term. */
  readonly continuousWeight: number;
  /** How the continuous codes are scored. */
  readonly continuousLoss: ContinuousCodeLoss;
  /** Length of the code appended to z: `categorical + continuous`. */
  readonly codeDim: number;
  /** Width of the Q head: `categorical + continuous` (`squared`) or `categorical + 2·continuous` (`gaussian`). */
  readonly outputSize: number;

  constructor(options: InfoGanTaskOptions = {}) {
    this.categorical = checkCount('categorical', options.categorical ?? 10);
    this.continuous = checkCount('continuous', options.continuous ?? 0);
    if (this.categorical === 1)
      throw new GanConfigError('categorical', 'a categorical code needs at least 2 categories (or 0 for none)');
    if (this.categorical + this.continuous === 0)
      throw new GanConfigError('categorical', 'InfoGAN needs at least one code: a categorical code or continuous ones');
    this.weight = checkWeight('weight', options.weight ?? 1);
    this.continuousWeight = checkWeight('continuousWeight', options.continuousWeight ?? 1);
    const loss = options.continuousLoss ?? 'squared';
    if (loss !== 'squared' && loss !== 'gaussian')
      throw new GanConfigError('continuousLoss', `expected 'squared' or 'gaussian', got '${String(loss)}'`);
    this.continuousLoss = loss;
    this.codeDim = this.categorical + this.continuous;
    this.outputSize = this.categorical + (loss === 'gaussian' ? 2 : 1) * this.continuous;
  }

  /** `count` codes from the prior: uniform categories (one-hot), then uniform values on [−1, 1]. */
  sampleCodes(count: number, seed: number): tf.Tensor2D {
    const rng = new Rng(seed);
    const [categorySeed, continuousSeed] = [rng.nextSeed(), rng.nextSeed()];
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (this.categorical > 0)
        parts.push(
          tf.cast(
            tf.oneHot(tf.randomUniform([count], 0, this.categorical, 'int32', categorySeed), this.categorical),
            'float32',
          ),
        );
      if (this.continuous > 0) parts.push(tf.randomUniform([count, this.continuous], -1, 1, 'float32', continuousSeed));
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
    });
  }

  /**
   * Codes `[count, codeDim]` with the categorical values and continuous rows given in `codes`; the
   * parts left out are drawn as {@link InfoGanTask.sampleCodes} draws them with `seed`.
   *
   * @throws {@link GanConfigError} for a categorical value outside [0, categorical), a wrong number
   * of values or rows, or a non-finite continuous value.
   */
  encodeCodes(codes: LatentCodes, count: number, seed: number): tf.Tensor2D {
    const { categorical, continuous } = codes;
    let categories: Int32Array | null = null;
    if (categorical !== undefined) {
      if (this.categorical === 0) throw new GanConfigError('codes.categorical', 'this InfoGAN has no categorical code');
      if (categorical.length !== count)
        throw new GanConfigError('codes.categorical', `has ${categorical.length} values for ${count} images`);
      categories = checkLabelValues(categorical, this.categorical, 'codes.categorical');
    }
    let rows: Float32Array | null = null;
    if (continuous !== undefined) {
      if (this.continuous === 0) throw new GanConfigError('codes.continuous', 'this InfoGAN has no continuous codes');
      const flat =
        continuous instanceof tf.Tensor
          ? continuous.rank === 2
            ? Float32Array.from(continuous.dataSync())
            : null
          : null;
      const widths = continuous instanceof tf.Tensor ? [] : [...new Set(Array.from(continuous, (r) => r.length))];
      if (widths.length > 1)
        throw new GanConfigError(
          'codes.continuous',
          `expected ${count} rows of ${this.continuous} values, got rows of different lengths (${widths.join(', ')})`,
        );
      const shape =
        continuous instanceof tf.Tensor ? continuous.shape : [continuous.length, widths[0] ?? this.continuous];
      if (shape.length !== 2 || shape[0] !== count || shape[1] !== this.continuous) {
        throw new GanConfigError(
          'codes.continuous',
          `expected ${count} rows of ${this.continuous} values, got shape [${shape.join(', ')}]`,
        );
      }
      rows = flat ?? Float32Array.from((continuous as ReadonlyArray<ArrayLike<number>>).flatMap((r) => Array.from(r)));
      const bad = rows.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new GanConfigError(
          `codes.continuous[${Math.floor(bad / this.continuous)}]`,
          `expected finite values, got ${rows[bad]}`,
        );
    }
    return tf.tidy(() => {
      const sampled = this.sampleCodes(count, seed);
      if (categories === null && rows === null) return sampled;
      const parts: tf.Tensor[] = [];
      if (this.categorical > 0) {
        parts.push(
          categories === null
            ? tf.slice(sampled, [0, 0], [-1, this.categorical])
            : tf.cast(tf.oneHot(tf.tensor1d(categories, 'int32'), this.categorical), 'float32'),
        );
      }
      if (this.continuous > 0) {
        parts.push(
          rows === null
            ? tf.slice(sampled, [0, this.categorical], [-1, this.continuous])
            : tf.tensor2d(rows, [count, this.continuous]),
        );
      }
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
    });
  }

  /** `L_I` on the fake batch: the Q head's outputs against the codes G was given. */
  mutualInformationLoss(fake: AuxiliaryBatch): tf.Scalar {
    if (fake.outputs.length === 0)
      throw new GanConfigError(
        'discriminator',
        `has no auxiliary output; InfoGAN needs a Q head (auxiliaryOutputs: ${this.outputSize})`,
      );
    if (fake.codes === null) throw new GanConfigError('codes', 'InfoGAN needs the codes G was given');
    const q = fake.outputs[0];
    const codes = fake.codes;
    return tf.tidy(() => {
      let total: tf.Tensor = tf.scalar(0);
      const k = this.categorical;
      const m = this.continuous;
      if (k > 0) {
        const targets = tf.slice(codes, [0, 0], [-1, k]);
        total = tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(tf.slice(q, [0, 0], [-1, k]))), 1)));
      }
      if (m > 0) {
        const u = tf.slice(codes, [0, k], [-1, m]);
        const mean = tf.slice(q, [0, k], [-1, m]);
        const squared = tf.mul(0.5, tf.square(tf.sub(u, mean)));
        let perCode = squared;
        if (this.continuousLoss === 'gaussian') {
          const logSigma = tf.clipByValue(tf.slice(q, [0, k + m], [-1, m]), -LOG_SIGMA_BOUND, LOG_SIGMA_BOUND);
          perCode = tf.add(tf.add(logSigma, tf.mul(squared, tf.exp(tf.mul(-2, logSigma)))), HALF_LOG_2PI);
        }
        total = tf.add(total, tf.mul(this.continuousWeight, tf.mean(tf.sum(perCode, 1))));
      }
      return tf.mul(this.weight, total) as tf.Scalar;
    });
  }

  /** `L_I` on the fake batch (the real batch's codes are unknown): trains Q and D's body. */
  discriminatorLoss(_real: AuxiliaryBatch, fake: AuxiliaryBatch): tf.Scalar {
    return this.mutualInformationLoss(fake);
  }

  /** `L_I` on the fake batch: trains G to make its codes recoverable. */
  generatorLoss(fake: AuxiliaryBatch): tf.Scalar {
    return this.mutualInformationLoss(fake);
  }

  /** The options that rebuild this task (what {@link InfoGanTask.fromConfig} takes). */
  getConfig(): Record<string, unknown> {
    return this.toConfig();
  }

  /** A task from {@link InfoGanTask.getConfig}'s values. */
  static fromConfig(config: Record<string, unknown>): InfoGanTask {
    return new InfoGanTask(config as InfoGanTaskOptions);
  }

  /** The options that rebuild this task (the same as {@link InfoGanTask.getConfig}). */
  toConfig(): Record<string, unknown> {
    return {
      categorical: this.categorical,
      continuous: this.continuous,
      weight: this.weight,
      continuousWeight: this.continuousWeight,
      continuousLoss: this.continuousLoss,
    };
  }

  /** The task's name. */
  toString(): string {
    return this.name;
  }
}

/**
 * Creates an {@link InfoGanTask}: InfoGAN's latent codes and mutual-information loss, for
 * {@link createInfoGan} or `new GanTrainer({ ..., auxiliary })`.
 *
 * @example A 10-way categorical code and two continuous codes (the paper's MNIST setting):
 * ```ts
 * const task = infoGanTask({ categorical: 10, continuous: 2, weight: 1 });
 * const g = mlpGenerator({ latentDim: 62 + task.codeDim, outputActivation: 'tanh' });
 * const d = mlpDiscriminator({ auxiliaryOutputs: task.outputSize });
 * const trainer = new GanTrainer({ generator: g, discriminator: d, loss: nonSaturatingLoss(), latentDim: 62, auxiliary: task });
 * ```
 */
export function infoGanTask(options: InfoGanTaskOptions = {}): InfoGanTask {
  return new InfoGanTask(options);
}
registerSerializable('auxiliary-task', InfoGanTask);
