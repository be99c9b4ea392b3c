/**
 * A GAN checkpoint's state file, `gankit.json`: what it holds, and its validation (formats 1 and
 * 2), and the GAN's kind of checkpoint for the collection loader.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import { MANIFEST_FILE, verifyManifest } from '../../io/checkpoint-manifest';
import type { AdamPowers } from '../../train/adam-powers';
import { STATE_FILE, resolveCheckpointOf, type CheckpointKind, type ResolvedCheckpoint } from '../../train/checkpoint';
import {
  checkAdamPowers,
  checkAveraged,
  checkPerNetAdamConfig,
  checkProgress,
  checkSpecs,
  isInt,
  isObject,
} from '../../train/checkpoint-state-checks';
import type { EmaOptions } from '../../train/ema';
import type { EpochProgress } from '../../train/trainer';
import type { GanConfig } from './config';

const FORMAT = 'gankit-checkpoint';
/** The checkpoint format this gankit writes; it reads this one and every older one. */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Files every checkpoint of the current format holds (besides the manifest). */
export const REQUIRED_FILES = [
  STATE_FILE,
  'generator/model.json',
  'generator/weights.bin',
  'discriminator/model.json',
  'discriminator/weights.bin',
];

/** What `gankit.json` holds: everything but the weights, which sit beside it. */
export interface CheckpointState {
  /** Always `gankit-checkpoint`. */
  format: string;
  /** Format version (see {@link CHECKPOINT_FORMAT_VERSION}). */
  formatVersion: number;
  /** gankit version that wrote it. */
  gankitVersion?: string;
  /** TensorFlow.js version that wrote it. */
  tfjsVersion?: string;
  /** When it was written (ISO 8601). */
  savedAt?: string;
  /** The GAN's full config. */
  config: GanConfig;
  /** Generator updates done. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** Where training stood inside an unfinished epoch (`null` at an epoch boundary). */
  epochProgress: EpochProgress | null;
  /** The trainer's random stream state. */
  rngState: number;
  /** Each optimizer's weight specs (its state is in `optimizer-<name>.bin`). */
  optimizers: Record<string, tf.io.WeightsManifestEntry[]>;
  /** Each Adam optimizer's running powers β1ᵗ, β2ᵗ (see {@link AdamPowers}). */
  adamPowers?: Record<string, AdamPowers>;
  /**
   * The options of the averaged generator saved in `ema-generator/` (see `Gan.averageWeights`);
   * absent when the GAN keeps none, or when an older run wrote the folder without them.
   */
  averagedGenerator?: EmaOptions;
}

/** Checks the GAN config a state file holds. */
function checkConfig(config: unknown, file: string): GanConfig {
  const fail = (what: string): never => {
    throw new CheckpointError(file, `config.${what}`);
  };
  if (!isObject(config)) return fail('is missing or not an object');
  const c = config as Partial<GanConfig> & Record<string, unknown>;
  if (!isInt(c.latentDim, 1)) fail(`latentDim: expected a positive integer, got ${JSON.stringify(c.latentDim)}`);
  if (!Array.isArray(c.imageShape) || c.imageShape.length !== 3 || !c.imageShape.every((d) => isInt(d, 1)))
    fail(`imageShape: expected [height, width, channels], got ${JSON.stringify(c.imageShape)}`);
  if (!isInt(c.numClasses)) fail(`numClasses: expected a non-negative integer, got ${JSON.stringify(c.numClasses)}`);
  if (c.architecture !== 'mlp' && c.architecture !== 'dcgan' && c.architecture !== 'custom')
    fail(`architecture: expected 'mlp', 'dcgan' or 'custom', got ${JSON.stringify(c.architecture)}`);
  if (c.outputActivation !== 'tanh' && c.outputActivation !== 'sigmoid')
    fail(`outputActivation: expected 'tanh' or 'sigmoid', got ${JSON.stringify(c.outputActivation)}`);
  if (!isObject(c.loss) || typeof c.loss.name !== 'string')
    fail(`loss: expected { name, ...options }, got ${JSON.stringify(c.loss)}`);
  if (c.conditioning !== undefined && (!isObject(c.conditioning) || typeof c.conditioning.name !== 'string'))
    fail(`conditioning: expected { name, ...options }, got ${JSON.stringify(c.conditioning)}`);
  checkPerNetAdamConfig(c.optimizer, fail);
  if (!isInt(c.discriminatorSteps, 1))
    fail(`discriminatorSteps: expected a positive integer, got ${JSON.stringify(c.discriminatorSteps)}`);
  if (!isInt(c.seed)) fail(`seed: expected a non-negative integer, got ${JSON.stringify(c.seed)}`);
  return c as GanConfig;
}

/**
 * Reads and validates `dir/gankit.json`, after checking the manifest's checksums (format 2 and
 * later; format 1 had no manifest).
 *
 * @throws {@link CheckpointError} naming the file and what was expected: a missing or changed
 * file, another format, a newer format version, a field of the wrong type.
 */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const file = path.join(dir, STATE_FILE);
  const hasManifest = await fs.stat(path.join(dir, MANIFEST_FILE)).then(
    () => true,
    () => false,
  );
  if (hasManifest) await verifyManifest(dir, REQUIRED_FILES);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new CheckpointError(file, `cannot read (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== FORMAT) throw new CheckpointError(file, `expected a ${FORMAT} file`);
  const version = raw.formatVersion;
  if (!isInt(version, 1) || version > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      file,
      `has format version ${JSON.stringify(version)}; this gankit reads versions 1 to ${CHECKPOINT_FORMAT_VERSION} (a newer gankit wrote it: upgrade gankit)`,
    );
  }
  if (version >= 2 && !hasManifest)
    throw new CheckpointError(path.join(dir, MANIFEST_FILE), 'is missing; every checkpoint of format 2 has one');
  const config = checkConfig(raw.config, file);
  const step = raw.step ?? 0;
  const epoch = raw.epoch ?? 0;
  if (!isInt(step))
    throw new CheckpointError(file, `step: expected a non-negative integer, got ${JSON.stringify(step)}`);
  if (!isInt(epoch))
    throw new CheckpointError(file, `epoch: expected a non-negative integer, got ${JSON.stringify(epoch)}`);
  const rngState = raw.rngState ?? config.seed;
  if (!isInt(rngState) || rngState >= 2 ** 32)
    throw new CheckpointError(file, `rngState: expected an unsigned 32-bit integer, got ${JSON.stringify(rngState)}`);
  const optimizers: Record<string, tf.io.WeightsManifestEntry[]> = {};
  if (raw.optimizers !== undefined) {
    if (!isObject(raw.optimizers))
      throw new CheckpointError(file, 'optimizers: expected an object of weight specs per optimizer');
    for (const [name, specs] of Object.entries(raw.optimizers)) optimizers[name] = checkSpecs(specs, name, file);
  }
  const adamPowers: Record<string, AdamPowers> = {};
  if (raw.adamPowers !== undefined) {
    if (!isObject(raw.adamPowers))
      throw new CheckpointError(file, 'adamPowers: expected an object of { accBeta1, accBeta2 } per optimizer');
    for (const [name, p] of Object.entries(raw.adamPowers)) adamPowers[name] = checkAdamPowers(p, name, file);
  }
  return {
    format: FORMAT,
    formatVersion: version,
    config,
    step,
    epoch,
    rngState,
    optimizers,
    adamPowers,
    epochProgress: checkProgress(raw.epochProgress, file),
    ...(raw.averagedGenerator === undefined ? {} : { averagedGenerator: checkAveraged(raw.averagedGenerator, file) }),
    gankitVersion: typeof raw.gankitVersion === 'string' ? raw.gankitVersion : undefined,
    tfjsVersion: typeof raw.tfjsVersion === 'string' ? raw.tfjsVersion : undefined,
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : undefined,
  };
}

const GAN_CHECKPOINT: CheckpointKind<CheckpointState> = { stateFile: STATE_FILE, read: readCheckpointState };

/**
 * Finds the checkpoint to load from `dir`, which may be a checkpoint itself, a collection of
 * `step-*` checkpoints (the newest that verifies is taken: a damaged newest one never hides an
 * older good one), or a checkpoint whose replacement crashed between its two renames. The kind is
 * a GAN's unless `kind` says another.
 *
 * @example
 * ```ts
 * const { dir, state, skipped } = await resolveCheckpoint('out/cgan-mnist/checkpoint');
 * console.log(dir, state.step, skipped.length);
 * ```
 * @returns the checkpoint directory, its verified state and, for a collection, the newer ones that
 * failed to verify.
 * @throws {@link CheckpointError} when nothing loadable is there.
 */
export function resolveCheckpoint<S = CheckpointState>(
  dir: string,
  kind: CheckpointKind<S> = GAN_CHECKPOINT as unknown as CheckpointKind<S>,
): Promise<ResolvedCheckpoint<S>> {
  return resolveCheckpointOf(dir, kind);
}
