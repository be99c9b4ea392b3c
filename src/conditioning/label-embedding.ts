import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { formatBytes } from '../core/checks';
import type { BuildContext, Conditioning } from './types';

/** Options of {@link labelEmbedding}. */
export interface LabelEmbeddingOptions {
  /** Number of classes (default 10). */
  numClasses?: number;
  /**
   * Width of the learned embedding (default: `min(numClasses, 50)`, see
   * {@link DEFAULT_MAX_EMBEDDING_DIM}: numClasses as in the seed CGAN, capped so that the table,
   * numClasses × dim, grows linearly with the classes, not with their square).
   */
  dim?: number;
  /** Standard deviation of the embedding's normal initialiser (default 1, like `nn.Embedding`). */
  initStddev?: number;
}

/** The largest default width of a label embedding (a wider one is still yours to ask for with `dim`). */
export const DEFAULT_MAX_EMBEDDING_DIM = 50;

/**
 * The largest label-embedding table gankit builds, in bytes (1 GiB; G and D each hold one):
 * `numClasses × dim × 4`. A larger one is refused with its size before anything is allocated.
 */
export const MAX_EMBEDDING_BYTES = 2 ** 30;

/**
 * Label-embedding conditioning (Mirza & Osindero 2014, as in the seed-002 PyTorch CGAN): each of
 * G and D owns a learned `Embedding(numClasses, dim)` table. G's input is `[z ; embed(y)]`;
 * D's input is `[flatten(x) ; embed(y)]`, a flat vector, so it suits MLP discriminators.
 *
 * @example
 * ```ts
 * const cgan = createCgan({ numClasses: 10, conditioning: labelEmbedding({ dim: 10 }) });
 * ```
 */
export function labelEmbedding(options: LabelEmbeddingOptions = {}): Conditioning {
  const numClasses = options.numClasses ?? 10;
  const dim = options.dim ?? Math.min(numClasses, DEFAULT_MAX_EMBEDDING_DIM);
  const initStddev = options.initStddev ?? 1;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new GanConfigError('numClasses', `expected a positive integer, got ${numClasses}`);
  if (!Number.isInteger(dim) || dim < 1) throw new GanConfigError('dim', `expected a positive integer, got ${dim}`);
  const bytes = numClasses * dim * 4;
  if (bytes > MAX_EMBEDDING_BYTES)
    throw new GanConfigError(
      'dim',
      `an embedding table of ${numClasses} classes × ${dim} takes ${formatBytes(bytes)} per net, more than ${formatBytes(MAX_EMBEDDING_BYTES)} (MAX_EMBEDDING_BYTES); give a smaller dim`,
    );
  const embed = (labels: SymbolicTensor, context: BuildContext): SymbolicTensor => {
    const table = tfl.layers.embedding({
      inputDim: numClasses,
      outputDim: dim,
      embeddingsInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: initStddev, seed: context.nextSeed() }),
    });
    return tfl.layers.flatten().apply(table.apply(labels)) as SymbolicTensor;
  };
  return {
    name: 'labelEmbedding',
    numClasses,
    generatorInput(z, labels, context) {
      return tfl.layers.concatenate().apply([z, embed(labels, context)]) as SymbolicTensor;
    },
    discriminatorInput(image, labels, context) {
      const flat = tfl.layers.flatten().apply(image) as SymbolicTensor;
      return tfl.layers.concatenate().apply([flat, embed(labels, context)]) as SymbolicTensor;
    },
    toConfig: () => ({ numClasses, dim, initStddev }),
  };
}
