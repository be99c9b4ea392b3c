import * as tf from '@tensorflow/tfjs-core';
import { OneHot } from './one-hot';
import { SeededDropout } from './seeded-dropout';
import { SpectralConv2D } from './spectral-conv2d';
import { SpectralDense } from './spectral-dense';
import { ClassProjection } from './class-projection';
import { ConditionalBatchNorm } from './conditional-batch-norm';
import { DiffAugment } from './diff-augment';
import { InstanceNormalization } from './instance-norm';
import { ReflectionPadding2D } from './reflection-padding';
import { DepthToSpace } from './depth-to-space';

/** gankit's own tfjs-layers classes, which a saved model may name in its topology. */
export const GANKIT_LAYER_CLASSES = [
  OneHot,
  SeededDropout,
  SpectralDense,
  SpectralConv2D,
  ClassProjection,
  ConditionalBatchNorm,
  DiffAugment,
  InstanceNormalization,
  ReflectionPadding2D,
  DepthToSpace,
] as const;

/**
 * Registers gankit's layer classes ({@link OneHot}, {@link SeededDropout}, {@link SpectralDense},
 * {@link SpectralConv2D}, {@link layers.ClassProjection}, {@link layers.ConditionalBatchNorm}, {@link DiffAugment},
 * {@link layers.InstanceNormalization}, {@link ReflectionPadding2D}, {@link DepthToSpace}) with TensorFlow.js serialisation, so `tf.loadLayersModel` can rebuild
 * models that use them. Each module also registers its class when it is loaded, but a bundler that
 * trusts `"sideEffects": false` may drop a module nothing references; {@link loadGan} and the
 * data-parallel worker call this to be sure. Calling it again is harmless.
 *
 * @example
 * ```ts
 * registerGankitLayers();
 * const generator = await tf.loadLayersModel('file://out/checkpoint/step-000000938/generator/model.json');
 * ```
 */
export function registerGankitLayers(): void {
  for (const cls of GANKIT_LAYER_CLASSES)
    tf.serialization.registerClass(
      cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    );
}
