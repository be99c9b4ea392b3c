import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';
import type { AuxiliaryBatch, AuxiliaryTask } from './auxiliary';
import { registerSerializable } from '../core/serialization';

/**
 * Mean softmax cross-entropy of class logits `[n, K]` against integer labels `[n]` (or `[n, 1]`):
 * `mean_i( logsumexp(l_i) − l_i[y_i] )`, computed through `logSoftmax` (finite for any finite logits).
 *
 * @example
 * ```ts
 * softmaxCrossEntropy(tf.tensor2d([[2, 0, 0]]), tf.tensor1d([0], 'int32')); // −log(e²/(e² + 2)) ≈ 0.2395
 * ```
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[logits.shape.length - 1] as number;
    const targets = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), k);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/**
 * Options of {@link losses.acganTask}.
 *
 * @example
 * ```ts
 * const options: AcganTaskOptions = { numClasses: 10, weight: 1, generatorWeight: 0.5 };
 * ```
 */
export interface AcganTaskOptions {
  /** Number of classes (default 10): the width of D's class head. */
  numClasses?: number;
  /** Weight of the class loss in D's loss (default 1). */
  weight?: number;
  /** Weight of the class loss in G's loss (default: `weight`). */
  generatorWeight?: number;
}

function checkWeight(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new GanConfigError(name, `expected a finite number ≥ 0, got ${value}`);
  return value;
}

/**
 * The auxiliary classifier of ACGAN (Odena, Olah & Shlens 2017, "Conditional Image Synthesis with
 * Auxiliary Classifier GANs"). D's second output is class logits `c` `[n, K]`; with `y` the real
 * batch's labels, `y_f` the labels G was given and `CE` the mean softmax cross-entropy
 * ({@link softmaxCrossEntropy}):
 *
 * - D's loss gains `w · (CE(c(x), y) + CE(c(G(z, y_f)), y_f))`: D learns to classify real images
 *   and the fakes by the label they were made for;
 * - G's loss gains `w_G · CE(c(G(z, y_f)), y_f)`: G learns to make images D classifies as their label.
 *
 * In the paper's terms `L_C = −(CE_real + CE_fake)`; D maximises `L_S + L_C`, G maximises
 * `L_C − L_S` (here G's term counts only the fakes, the part G can change). Build one with
 * {@link losses.acganTask}, or let {@link createAcgan} do it.
 *
 * @example The class loss on known logits:
 * ```ts
 * const task = new AcganTask({ numClasses: 3 });
 * const fake = { outputs: [tf.tensor2d([[2, 0, 0]])], labels: tf.tensor1d([0], 'int32'), codes: null };
 * task.generatorLoss(fake); // CE = −log(e²/(e² + 2)) ≈ 0.2395
 * ```
 */
export class AcganTask implements AuxiliaryTask {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static readonly className = 'AcganTask';

  /** `acgan`. */
  readonly name = 'acgan';
  /** Number of classes. */
  readonly numClasses: number;
  /** The width of D's class head: `numClasses`. */
  readonly outputSize: number;
  /** `w`, the class loss's weight in D's loss. */
  readonly weight: number;
  /** `w_G`, the class loss's weight in G's loss. */
  readonly generatorWeight: number;

  constructor(options: AcganTaskOptions = {}) {
    const numClasses = options.numClasses ?? 10;
    if (!Number.isInteger(numClasses) || numClasses < 2)
      throw new GanConfigError('numClasses', `expected an integer ≥ 2, got ${numClasses}`);
    this.numClasses = numClasses;
    this.outputSize = numClasses;
    this.weight = checkWeight('weight', options.weight ?? 1);
    this.generatorWeight = checkWeight('generatorWeight', options.generatorWeight ?? this.weight);
  }

  private crossEntropy(batch: AuxiliaryBatch, which: string): tf.Scalar {
    if (batch.outputs.length === 0)
      throw new GanConfigError(
        'discriminator',
        'has no auxiliary output; ACGAN needs a class head (auxiliaryOutputs: numClasses)',
      );
    if (batch.labels === null)
      throw new GanConfigError(
        'labels',
        `ACGAN needs the ${which} batch's labels (a conditional GAN with labelled data)`,
      );
    return softmaxCrossEntropy(batch.outputs[0], batch.labels);
  }

  /** `w · (CE(c_real, y) + CE(c_fake, y_f))`. */
  discriminatorLoss(real: AuxiliaryBatch, fake: AuxiliaryBatch): tf.Scalar {
    return tf.tidy(
      () => tf.mul(this.weight, tf.add(this.crossEntropy(real, 'real'), this.crossEntropy(fake, 'fake'))) as tf.Scalar,
    );
  }

  /** `w_G · CE(c_fake, y_f)`. */
  generatorLoss(fake: AuxiliaryBatch): tf.Scalar {
    return tf.tidy(() => tf.mul(this.generatorWeight, this.crossEntropy(fake, 'fake')) as tf.Scalar);
  }

  /** The options that rebuild this task (what {@link AcganTask.fromConfig} takes). */
  getConfig(): Record<string, unknown> {
    return this.toConfig();
  }

  /** A task from {@link AcganTask.getConfig}'s values. */
  static fromConfig(config: Record<string, unknown>): AcganTask {
    return new AcganTask(config as AcganTaskOptions);
  }

  /** The options that rebuild this task (the same as {@link AcganTask.getConfig}). */
  toConfig(): Record<string, unknown> {
    return { numClasses: this.numClasses, weight: this.weight, generatorWeight: this.generatorWeight };
  }

  /** The task's name. */
  toString(): string {
    return this.name;
  }
}

/**
 * Creates an {@link losses.AcganTask}: ACGAN's auxiliary classifier, for {@link createAcgan} or
 * `new GanTrainer({ ..., auxiliary })`.
 *
 * @example
 * ```ts
 * const d = mlpDiscriminator({ hiddenUnits: [512, 512], auxiliaryOutputs: 10 }); // no label input
 * const g = mlpGenerator({ latentDim: 100, conditioning: labelEmbedding(), outputActivation: 'tanh' });
 * const trainer = new GanTrainer({ generator: g, discriminator: d, loss: nonSaturatingLoss(), auxiliary: acganTask({ numClasses: 10 }) });
 * ```
 */
export function acganTask(options: AcganTaskOptions = {}): AcganTask {
  return new AcganTask(options);
}
registerSerializable('auxiliary-task', AcganTask);
