/**
 * One update of a discriminator (a CycleGAN's D_X or D_Y, an image-to-image GAN's D): its adversarial loss on real images
 * against (pooled) fakes, checked to be a scalar, and one optimizer step.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GanLoss } from '../losses/types';
import { checkScalarLoss } from '../losses/check-scalar-loss';
import { variableGradsClosingTape } from './variable-grads';

/**
 * Updates `model` (its `variables`, with `optimizer`) on `loss.discriminatorLoss` of its logits on
 * `real` and on `fake`; returns the loss (the caller disposes it).
 *
 * @throws {@link GanConfigError} when the loss is not a scalar (no update is applied).
 */
export function discriminatorUpdate(
  model: tfl.LayersModel,
  variables: tf.Variable[],
  optimizer: tf.Optimizer,
  loss: GanLoss,
  real: tf.Tensor,
  fake: tf.Tensor,
): tf.Scalar {
  const { value, grads } = variableGradsClosingTape(
    () =>
      checkScalarLoss(
        loss.discriminatorLoss(
          model.apply(real, { training: true }) as tf.Tensor,
          model.apply(fake, { training: true }) as tf.Tensor,
        ),
        `adversarial '${loss.name}'.discriminatorLoss`,
      ),
    variables,
  );
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return value;
}
