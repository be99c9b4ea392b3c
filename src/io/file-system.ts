import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, OutputPathError } from '../errors';
import { checkOutputFolder, checkReplaceableFile } from './output-path';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Writes `data` to `file` through a temporary file in the same directory: written, flushed to
 * disk (`fsync`), then renamed into place, so a crash leaves the old file or the new one, never
 * a part of either.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Flushes a directory's entries (new names, renames) to disk, so a rename survives a power cut.
 * A no-op where directories cannot be opened for syncing (e.g. Windows).
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform or file system: the rename is still atomic, only not yet durable.
  } finally {
    await handle?.close();
  }
}

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A TensorFlow.js `IOHandler` that saves a model to, and loads it from, a directory on the Node
 * file system (`model.json` + `weights.bin`) with no need for `@tensorflow/tfjs-node`'s
 * `file://` handler. Each file is written to a temporary name and renamed into place. A save
 * replaces only a model saved this way: other files of those names are refused with an
 * {@link OutputPathError}, before anything is written.
 *
 * @example
 * ```ts
 * await model.save(fileSystemHandler('out/generator'));
 * const again = await tfl.loadLayersModel(fileSystemHandler('out/generator'));
 * ```
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await checkModelFolder(dir);
      await fs.mkdir(dir, { recursive: true });
      const weights = toBytes(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), weights);
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let json: {
        modelTopology?: object;
        weightsManifest?: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
        format?: string;
        generatedBy?: string;
      };
      try {
        json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8'));
      } catch (error) {
        throw new CheckpointError(
          path.join(dir, MODEL_JSON),
          `cannot read the model description (${(error as Error).message})`,
        );
      }
      if (
        json === null ||
        typeof json !== 'object' ||
        json.modelTopology == null ||
        !Array.isArray(json.weightsManifest)
      ) {
        throw new CheckpointError(
          path.join(dir, MODEL_JSON),
          'expected a TensorFlow.js model.json with modelTopology and weightsManifest',
        );
      }
      const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
      let data: Buffer;
      try {
        data = await fs.readFile(path.join(dir, WEIGHTS_BIN));
      } catch (error) {
        throw new CheckpointError(path.join(dir, WEIGHTS_BIN), `cannot read the weights (${(error as Error).message})`);
      }
      const expected = weightSpecs.reduce(
        (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * bytesPerValue(spec),
        0,
      );
      if (data.byteLength !== expected) {
        throw new CheckpointError(
          path.join(dir, WEIGHTS_BIN),
          `holds ${data.byteLength} bytes; the manifest describes ${expected}`,
        );
      }
      const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      return {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
      };
    },
  };
}

/** True when `bytes` are a TensorFlow.js model.json whose weights are in `weights.bin`. */
function isModelJson(bytes: Uint8Array): boolean {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { modelTopology?: unknown; weightsManifest?: unknown };
    return (
      json !== null &&
      typeof json === 'object' &&
      json.modelTopology != null &&
      Array.isArray(json.weightsManifest) &&
      json.weightsManifest.every(
        (g: { paths?: unknown }) => Array.isArray(g?.paths) && g.paths.every((p) => p === WEIGHTS_BIN),
      )
    );
  } catch {
    return false;
  }
}

/**
 * Refuses a model folder whose files gankit may not replace: `model.json` that is not a
 * TensorFlow.js model of this layout, or `weights.bin` with no such `model.json` beside it.
 */
async function checkModelFolder(dir: string): Promise<void> {
  const argument = 'fileSystemHandler(dir).save';
  await checkOutputFolder(dir, argument);
  const modelJson = path.join(dir, MODEL_JSON);
  await checkReplaceableFile(
    modelJson,
    argument,
    `a TensorFlow.js model.json with its weights in ${WEIGHTS_BIN}`,
    isModelJson,
  );
  const hasModel = await fs.stat(modelJson).then(
    () => true,
    () => false,
  );
  const hasWeights = await fs.lstat(path.join(dir, WEIGHTS_BIN)).then(
    () => true,
    () => false,
  );
  if (hasWeights && !hasModel)
    throw new OutputPathError(
      path.join(dir, WEIGHTS_BIN),
      `${argument}: exists with no ${MODEL_JSON} beside it, so it is not a model gankit saved; choose another folder, or move the file away`,
    );
}

/** Bytes one value of a saved weight takes: its quantised size (uint8, uint16, float16) or its dtype's. */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  return stored === 'uint8' || stored === 'bool' ? 1 : stored === 'uint16' || stored === 'float16' ? 2 : 4;
}
