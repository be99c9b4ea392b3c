/**
 * The projection discriminator (Miyato & Koyama 2018, "cGANs with Projection Discriminator"):
 * D's body sees only the image; the label enters at the output, as the inner product of a learned
 * class embedding with the body's last features, `D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import type { BuildContext } from '../core/types';

type LayerVariable = tfl.LayerVariable;

/**
 * The `projection` option of {@link nets.mlpDiscriminator} and {@link nets.dcganDiscriminator}: D gets a
 * label input and adds `⟨embed(y), φ(x)⟩` to its logit (see {@link layers.ClassProjection}).
 *
 * @example
 * ```ts
 * const d = dcganDiscriminator({ projection: { numClasses: 10 } }); // inputs [image, labels]
 * ```
 */
export interface ProjectionOptions {
  /** Number of classes: rows of the embedding. */
  numClasses: number;
}

/**
 * Arguments of {@link layers.ClassProjection}.
 *
 * @example
 * ```ts
 * const args: ClassProjectionArgs = { numClasses: 10, seed: 3 };
 * const layer = new ClassProjection(args);
 * ```
 */
export interface ClassProjectionArgs {
  /** Number of classes: rows of the embedding. */
  numClasses: number;
  /** Seed of the embedding's Glorot-uniform initialiser (default: random). */
  seed?: number;
  /** Layer name. */
  name?: string;
}

/**
 * The label term of a projection discriminator: inputs `[features, labels]` (`[batch, d]` and
 * `[batch, 1]` class indices), output `[batch, 1]`, `⟨E[label], features⟩`, where `E`
 * (`embeddings`, `[numClasses, d]`, trainable) is a learned vector per class. Added to the
 * unconditional logit `ψ(φ(x))`, it gives `D(x, y) = ψ(φ(x)) + ⟨E[y], φ(x)⟩`. The gradient reaches
 * the features and `E`; labels are data. The embedding is not spectrally normalised, also when
 * the rest of D is. Registered for serialisation and listed in {@link GANKIT_LAYER_CLASSES}.
 *
 * @example
 * ```ts
 * const features = tf.input({ shape: [256] });
 * const labels = tf.input({ shape: [1], dtype: 'int32' });
 * const psi = tf.layers.dense({ units: 1 }).apply(features) as tf.SymbolicTensor;
 * const proj = new ClassProjection({ numClasses: 10 }).apply([features, labels]) as tf.SymbolicTensor;
 * const logit = tf.layers.add().apply([psi, proj]);
 * ```
 */
export class ClassProjection extends tfl.layers.Layer {
  /** Serialisation name. */
  static className = 'GankitClassProjection';
  /** Number of classes. */
  readonly numClasses: number;
  /** Seed of the embedding's initialiser, if one was given. */
  readonly seed: number | undefined;
  private embeddings: LayerVariable | null = null;

  constructor(args: ClassProjectionArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.numClasses) || args.numClasses < 1) {
      throw new GanConfigError('numClasses', `expected a positive integer, got ${args.numClasses}`);
    }
    this.numClasses = args.numClasses;
    this.seed = args.seed ?? undefined;
  }

  private static shapes(inputShape: tfl.Shape | tfl.Shape[]): [tfl.Shape, tfl.Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new GanConfigError('ClassProjection', 'expects two inputs: [features, labels]');
    }
    return inputShape as [tfl.Shape, tfl.Shape];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [shape] = ClassProjection.shapes(inputShape);
    if (shape.length !== 2 || typeof shape[1] !== 'number') {
      throw new GanConfigError(
        this.name,
        `expects features of shape [batch, d] with known d, got [${shape.join(', ')}]`,
      );
    }
    if (this.embeddings === null) {
      this.embeddings = this.addWeight(
        'embeddings',
        [this.numClasses, shape[1]],
        'float32',
        tfl.initializers.glorotUniform({ seed: this.seed }),
        undefined,
        true,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [ClassProjection.shapes(inputShape)[0][0], 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2)
      throw new GanConfigError(this.name, 'expects two inputs: [features, labels]');
    const embeddings = this.embeddings;
    if (embeddings === null)
      throw new GanConfigError(this.name, 'the layer is not built yet (apply it to inputs first)');
    return tf.tidy(() => {
      const [features, labels] = inputs;
      const e = tf.gather(embeddings.read(), tf.cast(tf.reshape(labels, [-1]), 'int32'));
      return tf.sum(tf.mul(e, features), -1, true);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(ClassProjection);

/**
 * `logit + ⟨E[labels], features⟩` when `projection` is set (a new {@link layers.ClassProjection} and an
 * `add` layer), else `logit`. `features` are flattened first if they are not `[batch, d]`.
 * @internal
 */
export function projectLogit(
  logit: SymbolicTensor,
  features: SymbolicTensor,
  labels: SymbolicTensor | undefined,
  projection: ProjectionOptions | undefined,
  context: BuildContext,
): SymbolicTensor {
  if (projection === undefined) return logit;
  if (labels === undefined) throw new GanConfigError('projection', 'needs the label input');
  const flat = features.shape.length > 2 ? (tfl.layers.flatten().apply(features) as SymbolicTensor) : features;
  const term = new ClassProjection({ numClasses: projection.numClasses, seed: context.nextSeed() }).apply([
    flat,
    labels,
  ]) as SymbolicTensor;
  return tfl.layers.add().apply([logit, term]) as SymbolicTensor;
}
