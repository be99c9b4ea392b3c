/**
 * The feature net's layers, and the pass that measures a whole image set through it (features,
 * labels and accuracy), shared by training and by the caching of the real sets.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSource } from '../data/image-source';
import type { Rng } from '../random';
import { argmaxRows, type FeatureNetTask, type MnistClassifier } from './classifier';
import { rotationBatch } from './rotations';

/**
 * conv3×3-ReLU-maxpool stages until the map is at most 7 pixels high, then the features and the class head.
 * @internal
 */
export function buildFeatureNet(
  shape: readonly [number, number, number],
  classes: number,
  featureDim: number,
  rng: Rng,
): { model: tfl.Sequential; stages: number } {
  const layers: tfl.layers.Layer[] = [];
  let side = Math.min(shape[0], shape[1]);
  let filters = 16;
  do {
    layers.push(
      tfl.layers.conv2d({
        ...(layers.length === 0 ? { inputShape: [...shape] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: rng.nextSeed() }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    );
    side = Math.floor(side / 2);
    filters = Math.min(128, filters * 2);
  } while (side > 7);
  layers.push(
    tfl.layers.flatten(),
    tfl.layers.dense({
      units: featureDim,
      activation: 'relu',
      name: 'features',
      kernelInitializer: tfl.initializers.heNormal({ seed: rng.nextSeed() }),
    }),
    tfl.layers.dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.nextSeed() }),
    }),
  );
  return { model: tfl.sequential({ name: 'feature_net', layers }), stages: (layers.length - 3) / 2 };
}

/** What {@link measureImageSet} returns. @internal */
export interface MeasuredSet {
  /** Features of the images as they are (unturned), row-major, in index order. */
  features: Float32Array;
  /** The images' labels, or `null` for an unlabelled set. */
  labels: Int32Array | null;
  /** Share of the task's targets the net gets right (labels; or all four rotations of every image); NaN when not asked. */
  accuracy: number;
}

/**
 * Runs every image of `source` through `net` in index order: the features of the images as they
 * are, their labels, and (with `accuracy`) how often the class head is right on `task`.
 * @internal
 */
export async function measureImageSet(
  net: MnistClassifier,
  source: ImageSource,
  options: { batchSize: number; task: FeatureNetTask; accuracy: boolean },
): Promise<MeasuredSet> {
  const features: Float32Array[] = [];
  const labels: number[] = [];
  let hits = 0;
  let targets = 0;
  for (const batch of source.batches(options.batchSize, { shuffle: false, dropRemainder: false })) {
    // The rotation task's accuracy reads all four turns; the features are the unturned quarter of that one pass.
    const turned = options.accuracy && options.task === 'rotations' ? rotationBatch(batch.images as tf.Tensor4D) : null;
    try {
      const out = await net.classify(turned?.images ?? batch.images);
      const count = batch.images.shape[0];
      features.push(out.features.subarray(0, count * out.featureDim));
      const truth = batch.labels === null ? null : Array.from(await batch.labels.data());
      if (truth !== null) labels.push(...truth);
      if (!options.accuracy) continue;
      const predicted = argmaxRows(out.probabilities, out.numClasses);
      predicted.forEach((p, i) => {
        if (p === (turned === null ? truth?.[i] : Math.floor(i / count))) hits++;
      });
      targets += out.count;
    } finally {
      tf.dispose([batch.images, batch.labels ?? [], turned?.images ?? [], turned?.targets ?? []]);
    }
  }
  const all = new Float32Array(features.reduce((s, f) => s + f.length, 0));
  let offset = 0;
  for (const f of features) {
    all.set(f, offset);
    offset += f.length;
  }
  return {
    features: all,
    labels: source.labels === null ? null : Int32Array.from(labels),
    accuracy: options.accuracy ? hits / targets : NaN,
  };
}
