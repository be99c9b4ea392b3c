/**
 * The real data's side of the comparison, cached beside the classifier so that evaluation needs
 * no dataset at run time: the mean and covariance of the classifier's features over the MNIST
 * test set, and each class's within-class diversity.
 *
 * Stored as two files: `<name>.json` (counts, layout, per-class diversity) and `<name>.bin`
 * (float64, little-endian: the mean, then the covariance row-major).
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { writeFileAtomic } from '../io/file-system';
import type { FeatureStatistics } from './feature-statistics';

/** Statistics of the real images a GAN is compared with. */
export interface ReferenceStatistics {
  /** What the statistics were taken over, e.g. `'MNIST test set (10000 images)'`. */
  source: string;
  /** Mean and covariance of the classifier's features. */
  statistics: FeatureStatistics;
  /** Mean pairwise feature distance within each class (index = class; see {@link meanPairwiseDistance}). */
  classDiversity: number[];
}

const FORMAT = 'gankit-feature-statistics';
const VERSION = 1;

interface ReferenceJson {
  format: string;
  version: number;
  source: string;
  count: number;
  dim: number;
  data: string;
  layout: string;
  classDiversity: number[];
}

/**
 * Writes `reference` as `<dir>/<name>.json` and `<dir>/<name>.bin` (each atomically).
 *
 * @example
 * ```ts
 * await writeReferenceStatistics('assets/mnist-classifier', 'test-features', reference);
 * ```
 */
export async function writeReferenceStatistics(
  dir: string,
  name: string,
  reference: ReferenceStatistics,
): Promise<void> {
  const { dim, count, mean, covariance } = reference.statistics;
  const bytes = new Uint8Array(8 * (dim + dim * dim));
  const view = new DataView(bytes.buffer);
  mean.forEach((v, i) => view.setFloat64(8 * i, v, true));
  covariance.forEach((v, i) => view.setFloat64(8 * (dim + i), v, true));
  const json: ReferenceJson = {
    format: FORMAT,
    version: VERSION,
    source: reference.source,
    count,
    dim,
    data: `${name}.bin`,
    layout: 'float64 little-endian: mean[dim], then covariance[dim * dim] row-major',
    classDiversity: reference.classDiversity,
  };
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, `${name}.bin`), bytes);
  await writeFileAtomic(path.join(dir, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
}

/**
 * Reads statistics written by {@link writeReferenceStatistics}.
 *
 * @throws {@link CheckpointError} when a file is missing, of another format, or of the wrong size.
 *
 * @example
 * ```ts
 * const reference = await readReferenceStatistics('assets/mnist-classifier', 'test-features');
 * ```
 */
export async function readReferenceStatistics(dir: string, name: string): Promise<ReferenceStatistics> {
  const jsonFile = path.join(dir, `${name}.json`);
  let json: ReferenceJson;
  try {
    json = JSON.parse(await fs.readFile(jsonFile, 'utf8')) as ReferenceJson;
  } catch (error) {
    throw new CheckpointError(jsonFile, `cannot read the reference statistics (${(error as Error).message})`);
  }
  if (json === null || json.format !== FORMAT || typeof json.version !== 'number' || json.version > VERSION) {
    throw new CheckpointError(jsonFile, `expected a ${FORMAT} file of version ${VERSION} or older`);
  }
  const { dim, count } = json;
  if (
    !Number.isInteger(dim) ||
    dim <= 0 ||
    !Number.isInteger(count) ||
    count < 2 ||
    !Array.isArray(json.classDiversity)
  ) {
    throw new CheckpointError(jsonFile, 'has no valid dim, count or classDiversity');
  }
  const binFile = path.join(dir, json.data);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(binFile);
  } catch (error) {
    throw new CheckpointError(binFile, `cannot read the reference statistics (${(error as Error).message})`);
  }
  if (bytes.byteLength !== 8 * (dim + dim * dim)) {
    throw new CheckpointError(binFile, `holds ${bytes.byteLength} bytes; dim ${dim} needs ${8 * (dim + dim * dim)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mean = Float64Array.from({ length: dim }, (_, i) => view.getFloat64(8 * i, true));
  const covariance = Float64Array.from({ length: dim * dim }, (_, i) => view.getFloat64(8 * (dim + i), true));
  return {
    source: json.source,
    statistics: { count, dim, mean, covariance },
    classDiversity: json.classDiversity.map(Number),
  };
}
