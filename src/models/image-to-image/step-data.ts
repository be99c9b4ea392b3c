/**
 * An image-to-image GAN's view of its pairs as the training loop's steps: one batch of pairs a
 * step, from one shuffled stream.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger } from '../../core/checks';
import type { ImageShape } from '../../data/image-source';
import type { PairBatch, PairedImageSource } from '../../data/paired-source';
import { GanConfigError } from '../../errors';
import { Rng } from '../../random';
import type { StepData } from '../../train/trainable';

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The steps of a model taking `inputShape` → `targetShape` pairs over `data` at `batchSize`.
 * @throws {@link GanConfigError} for pairs of the wrong shapes, or a batch larger than the set.
 * @internal
 */
export function pairedStepData(
  inputShape: ImageShape,
  targetShape: ImageShape,
  data: PairedImageSource,
  batchSize: number,
): StepData<PairBatch> {
  if (data === null || typeof data !== 'object' || typeof (data as PairedImageSource).batches !== 'function')
    throw new GanConfigError('data', 'expected image pairs (a PairedImageSource: pairImageSets, derivePairs)');
  if (!sameShape(data.inputShape, inputShape))
    throw new GanConfigError('data', `inputs are [${data.inputShape}] but the model takes [${inputShape}]`);
  if (!sameShape(data.targetShape, targetShape))
    throw new GanConfigError('data', `targets are [${data.targetShape}] but the model makes [${targetShape}]`);
  checkPositiveInteger(batchSize, 'batchSize');
  if (batchSize > data.size)
    throw new GanConfigError('batchSize', `${batchSize} is larger than the data (${data.size} pairs)`);
  return {
    fullSteps: data.batchCount(batchSize),
    streams: 1,
    open: ([seed], skipSteps) => {
      const batches = data.batches(batchSize, { rng: new Rng(seed), skipBatches: skipSteps });
      return {
        next: () => batches.next().value as PairBatch,
        close: () => {
          batches.return(undefined);
        },
      };
    },
    dispose: (batch) => tf.dispose([batch.inputs, batch.targets]),
  };
}
