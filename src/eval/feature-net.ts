/**
 * What a feature net is (a small CNN that {@link trainFeatureNet} trains on the user's images and
 * saves as a folder {@link loadMnistClassifier} reads back) and how to read the real images'
 * features it caches beside itself.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FeatureNetTask, MnistClassifier, MnistClassifierInfo } from './classifier';
import { readReferenceVectors } from './reference-vectors';
import type { RealFeatures } from './sample-set-metrics';

/** Base name of the cached statistics and vectors of the real set. */
export const FEATURE_NET_REFERENCE = 'reference-features';
/** The name of the real-against-real baseline a feature net's folder may cache beside the reference. */
export const FEATURE_NET_BASELINE = 'baseline-features';
/** What `info.json` of a trained feature net says it is (so a later run may replace it, and nothing else). */
export const FEATURE_NET_KIND = 'gankit-feature-net';

/** What {@link trainFeatureNet} writes to `info.json`: the classifier's fields and how it was trained. */
export interface FeatureNetInfo extends MnistClassifierInfo {
  /** Always {@link FEATURE_NET_KIND}. */
  kind: typeof FEATURE_NET_KIND;
  /** What the net was trained to predict: the images' labels, or which of four rotations each image was turned by. */
  task: FeatureNetTask;
  /** Training steps (batches). */
  steps: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** What the reference statistics were taken over. */
  referenceSource: string;
  /** What the cached baseline features were taken over (absent when none was cached). */
  baselineSource?: string;
}

/**
 * The reference features a feature net's folder caches (written by {@link trainFeatureNet}), as
 * the `real` of {@link quality.evaluateGan} or {@link computeMetrics} take it (with no baseline row:
 * pass `{ reference, baseline }` with features of further real images for one).
 *
 * @throws {@link CheckpointError} when the files are missing or malformed.
 *
 * @example
 * ```ts
 * const real = await loadFeatureNetReference(net);
 * const metrics = computeMetrics(await net.classify(images), { classifier: net, real });
 * ```
 */
export async function loadFeatureNetReference(net: MnistClassifier | string): Promise<RealFeatures> {
  return readReferenceVectors(typeof net === 'string' ? net : net.dir, FEATURE_NET_REFERENCE);
}

/**
 * The baseline features a feature net's folder caches (trained with `baseline`), or `null` when it
 * caches none: with {@link loadFeatureNetReference}, the `real` of {@link quality.evaluateGan} that prints a
 * real-against-real row beside the samples'.
 *
 * @throws {@link CheckpointError} when the files are there but malformed.
 *
 * @example
 * ```ts
 * const baseline = await loadFeatureNetBaseline(net);
 * const real = { reference: await loadFeatureNetReference(net), baseline };
 * const metrics = await evaluateGan(gan, { classifier: net, real });
 * ```
 */
export async function loadFeatureNetBaseline(net: MnistClassifier | string): Promise<RealFeatures | null> {
  const dir = typeof net === 'string' ? net : net.dir;
  try {
    await fs.access(path.join(dir, `${FEATURE_NET_BASELINE}.vectors.json`));
  } catch {
    return null;
  }
  return readReferenceVectors(dir, FEATURE_NET_BASELINE);
}

/** Whether `net` was trained by {@link trainFeatureNet} (its `info.json` says so). */
export function isFeatureNet(net: MnistClassifier): boolean {
  return (net.info as Partial<FeatureNetInfo>).kind === FEATURE_NET_KIND;
}
