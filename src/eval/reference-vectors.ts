/**
 * Real feature vectors (and labels) cached on disk, for the metrics that compare vector by vector
 * (KID, precision, recall, density, coverage): `<name>.vectors.json` (count, dim, source) and
 * `<name>.vectors.f32` (float32 little-endian features, row-major, then int32 labels).
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { writeFileAtomic } from '../io/file-system';
import type { RealFeatures } from './sample-set-metrics';

const FORMAT = 'gankit-feature-vectors';

interface VectorsJson {
  format: string;
  version: number;
  source: string;
  count: number;
  dim: number;
  labelled: boolean;
  data: string;
  layout: string;
}

/**
 * Writes `real` as `<dir>/<name>.vectors.json` and `<dir>/<name>.vectors.f32` (each atomically).
 *
 * @example
 * ```ts
 * await writeReferenceVectors('out/net', 'reference-features', real);
 * ```
 */
export async function writeReferenceVectors(dir: string, name: string, real: RealFeatures): Promise<void> {
  const count = real.features.length / real.featureDim;
  const bytes = new Uint8Array(4 * real.features.length + (real.labels === null ? 0 : 4 * count));
  const view = new DataView(bytes.buffer);
  real.features.forEach((v, i) => view.setFloat32(4 * i, v, true));
  real.labels?.forEach((v, i) => view.setInt32(4 * (real.features.length + i), v, true));
  const json: VectorsJson = {
    format: FORMAT,
    version: 1,
    source: real.source,
    count,
    dim: real.featureDim,
    labelled: real.labels !== null,
    data: `${name}.vectors.f32`,
    layout:
      'float32 little-endian features[count * dim] row-major, then int32 little-endian labels[count] when labelled',
  };
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, json.data), bytes);
  await writeFileAtomic(path.join(dir, `${name}.vectors.json`), JSON.stringify(json, null, 2) + '\n');
}

/**
 * Reads vectors written by {@link writeReferenceVectors}.
 *
 * @throws {@link CheckpointError} when a file is missing, of another format, or of the wrong size.
 *
 * @example
 * ```ts
 * const real = await readReferenceVectors('out/net', 'reference-features');
 * ```
 */
export async function readReferenceVectors(dir: string, name: string): Promise<RealFeatures> {
  const jsonFile = path.join(dir, `${name}.vectors.json`);
  let json: VectorsJson;
  try {
    json = JSON.parse(await fs.readFile(jsonFile, 'utf8')) as VectorsJson;
  } catch (error) {
    throw new CheckpointError(jsonFile, `cannot read the reference vectors (${(error as Error).message})`);
  }
  if (json === null || json.format !== FORMAT || !Number.isInteger(json.count) || !Number.isInteger(json.dim))
    throw new CheckpointError(jsonFile, `expected a ${FORMAT} file with count and dim`);
  const file = path.join(dir, json.data);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new CheckpointError(file, `cannot read the reference vectors (${(error as Error).message})`);
  }
  const values = json.count * json.dim;
  const expected = 4 * values + (json.labelled ? 4 * json.count : 0);
  if (bytes.byteLength !== expected)
    throw new CheckpointError(file, `holds ${bytes.byteLength} bytes; ${json.count} × ${json.dim} needs ${expected}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const features = Float32Array.from({ length: values }, (_, i) => view.getFloat32(4 * i, true));
  const labels = json.labelled
    ? Int32Array.from({ length: json.count }, (_, i) => view.getInt32(4 * (values + i), true))
    : null;
  return { source: json.source, features, featureDim: json.dim, labels };
}
