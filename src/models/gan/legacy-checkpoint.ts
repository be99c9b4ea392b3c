/**
 * GAN checkpoints of formats 1 and 2, which gankit wrote before the GAN moved onto the named-nets
 * checkpoint: the same nets and optimizer states, with their state in `gankit.json` (format 1
 * without a manifest, epoch progress or Adam powers; format 2 with all three, and the averaged
 * generator's folder `ema-generator/` in the manifest with its options). Only read, so that those
 * checkpoints still load; src/models/gan/checkpoint-state.ts puts what is read into the
 * named-nets form, so that one restore serves every format.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import { MANIFEST_FILE, verifyManifest } from '../../io/checkpoint-manifest';
import type { AdamPowers } from '../../train/adam-powers';
import { STATE_FILE } from '../../train/checkpoint';
import {
  checkAdamPowers,
  checkAveraged,
  checkProgress,
  checkSpecs,
  isInt,
  isObject,
} from '../../train/checkpoint-state-checks';
import type { EmaOptions } from '../../train/ema';
import type { EpochProgress } from '../../train/trainer';
import { checkGanConfig } from './check-config';
import type { GanConfig } from './config';

/** The `format` of a `gankit.json` state file. */
export const LEGACY_FORMAT = 'gankit-checkpoint';
/** The last GAN-specific checkpoint format (the one `gankit.json` marks), which gankit still reads. */
export const LEGACY_CHECKPOINT_FORMAT_VERSION = 2;
/** Files every checkpoint of format 2 holds (besides the manifest). */
const REQUIRED_FILES = [
  STATE_FILE,
  'generator/model.json',
  'generator/weights.bin',
  'discriminator/model.json',
  'discriminator/weights.bin',
];

/** What `gankit.json` holds: everything but the weights, which sit beside it. */
export interface LegacyCheckpointState {
  /** Always `gankit-checkpoint`. */
  format: string;
  /** Format version, 1 or 2. */
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
  /** Where training stood inside an unfinished epoch (`null` at an epoch boundary, and always in format 1). */
  epochProgress: EpochProgress | null;
  /** The trainer's random stream state. */
  rngState: number;
  /** Each optimizer's weight specs (its state is in `optimizer-<name>.bin`). */
  optimizers: Record<string, tf.io.WeightsManifestEntry[]>;
  /** Each Adam optimizer's running powers β1ᵗ, β2ᵗ (see {@link AdamPowers}; format 2). */
  adamPowers: Record<string, AdamPowers>;
  /**
   * The options of the averaged generator saved in `ema-generator/`; absent when the GAN kept
   * none, or when an older run wrote the folder (after the manifest) without them.
   */
  averagedGenerator?: EmaOptions;
}

/**
 * Reads and validates `dir/gankit.json`, after checking the manifest's checksums (format 2;
 * format 1 had no manifest).
 *
 * @throws {@link CheckpointError} naming the file and what was expected: a missing or changed
 * file, another format, a newer format version, a field of the wrong type.
 * @internal
 */
export async function readLegacyCheckpointState(dir: string): Promise<LegacyCheckpointState> {
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
  if (!isObject(raw) || raw.format !== LEGACY_FORMAT)
    throw new CheckpointError(file, `expected a ${LEGACY_FORMAT} file`);
  const version = raw.formatVersion;
  if (!isInt(version, 1) || version > LEGACY_CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      file,
      `has format version ${JSON.stringify(version)}; this gankit reads versions 1 to ${LEGACY_CHECKPOINT_FORMAT_VERSION} of ${STATE_FILE} (a newer gankit wrote it: upgrade gankit)`,
    );
  }
  if (version >= 2 && !hasManifest)
    throw new CheckpointError(path.join(dir, MANIFEST_FILE), 'is missing; every checkpoint of format 2 has one');
  const config = checkGanConfig(raw.config, file);
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
    format: LEGACY_FORMAT,
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
