import * as tf from '@tensorflow/tfjs-core';
import { DisposedError, GanConfigError } from '../errors';
import { checkPositiveInteger } from '../core/checks';
import type { DataBatch, ImageSource } from '../data/image-source';
import { Rng } from '../random';
import type { StepData } from './trainable';

/**
 * One image set as {@link fit}'s steps: each step takes `batchesPerStep` consecutive batches of
 * one shuffled stream (a GAN with k discriminator updates takes k).
 *
 * @throws {@link GanConfigError} when the batch is larger than the set, or the set holds no full step.
 */
export function imageStepData(data: ImageSource, batchSize: number, batchesPerStep = 1): StepData<DataBatch[]> {
  checkPositiveInteger(batchSize, 'batchSize');
  if ((data as { isDisposed?: unknown }).isDisposed === true) throw new DisposedError('fit(data)', 'dataset');
  if (batchSize > data.size)
    throw new GanConfigError('batchSize', `${batchSize} is larger than the dataset (${data.size} images)`);
  const k = batchesPerStep;
  const fullSteps = Math.floor(data.batchCount(batchSize) / k);
  if (fullSteps === 0) {
    throw new GanConfigError(
      'batchSize',
      `the dataset (${data.size} images) holds no full step of ${k} batch(es) of ${batchSize}`,
    );
  }
  return {
    fullSteps,
    streams: 1,
    open: ([shuffleSeed], skipSteps) => {
      const batches = data.batches(batchSize, { rng: new Rng(shuffleSeed), skipBatches: skipSteps * k });
      return {
        next: () => {
          const real: DataBatch[] = [];
          try {
            for (let i = 0; i < k; i++) real.push(batches.next().value as DataBatch);
          } catch (error) {
            for (const b of real) tf.dispose([b.images, b.labels ?? []]);
            throw error;
          }
          return real;
        },
        close: () => void batches.return(undefined),
      };
    },
    dispose: (real) => {
      for (const b of real) tf.dispose([b.images, b.labels ?? []]);
    },
  };
}
