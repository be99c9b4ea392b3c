/**
 * A CycleGAN's view of its two domains as the training loop's steps: one batch of each domain a
 * step, from two streams shuffled independently (labels are ignored).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger } from '../../core/checks';
import type { DataBatch, ImageShape, ImageSource } from '../../data/image-source';
import { GanConfigError } from '../../errors';
import { Rng } from '../../random';
import type { StepData } from '../../train/trainable';
import type { CycleGanBatch, CycleGanData } from './config';

/**
 * The steps of a CycleGAN for images of `imageShape` over `data` at `batchSize` (see {@link Trainable.stepData}).
 * @throws {@link GanConfigError} for data of the wrong shape, or a batch larger than a domain.
 * @internal
 */
export function cycleStepData(imageShape: ImageShape, data: CycleGanData, batchSize: number): StepData<CycleGanBatch> {
  if (!Array.isArray(data) || data.length !== 2)
    throw new GanConfigError('data', 'expected the two domains, [dataX, dataY]');
  const [dataX, dataY] = data;
  for (const [name, d] of [
    ['dataX', dataX],
    ['dataY', dataY],
  ] as const) {
    if (d === null || typeof d !== 'object' || typeof (d as ImageSource).batches !== 'function')
      throw new GanConfigError(
        name,
        'expected an image set (an ImageSource: ImageDataset.fromPixels, loadMnist, openImageFolder, openHdf5Images)',
      );
    const shape = d.imageShape;
    if (shape.some((v, i) => v !== imageShape[i]))
      throw new GanConfigError(name, `images are [${shape}] but the CycleGAN takes [${imageShape}]`);
  }
  checkPositiveInteger(batchSize, 'batchSize');
  const smaller = Math.min(dataX.size, dataY.size);
  if (batchSize > smaller)
    throw new GanConfigError('batchSize', `${batchSize} is larger than the smaller dataset (${smaller} images)`);
  const free = (batch: DataBatch): void => tf.dispose([batch.images, batch.labels ?? []]);
  return {
    fullSteps: Math.min(dataX.batchCount(batchSize), dataY.batchCount(batchSize)),
    streams: 2,
    open: ([seedX, seedY], skipSteps) => {
      const batchesX = dataX.batches(batchSize, { rng: new Rng(seedX), skipBatches: skipSteps });
      const batchesY = dataY.batches(batchSize, { rng: new Rng(seedY), skipBatches: skipSteps });
      return {
        next: () => {
          const x = batchesX.next().value as DataBatch;
          let y: DataBatch;
          try {
            y = batchesY.next().value as DataBatch;
          } catch (error) {
            free(x);
            throw error;
          }
          if (x.labels !== null) x.labels.dispose();
          if (y.labels !== null) y.labels.dispose();
          return { x: x.images, y: y.images };
        },
        close: () => {
          batchesX.return(undefined);
          batchesY.return(undefined);
        },
      };
    },
    dispose: (batch) => tf.dispose([batch.x, batch.y]),
  };
}
