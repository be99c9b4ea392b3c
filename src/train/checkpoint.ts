/**
 * Checkpoint directories on disk: the state file's format and its validation (the atomic write is
 * src/io/checkpoint-directory.ts), and collections
 * of checkpoints (`step-NNNNNNNNN/` folders, the last K kept) with a loader that picks the newest
 * one that verifies.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../errors';
import type { GanConfig } from '../models/gan/config';
import { MANIFEST_FILE, verifyManifest } from '../io/checkpoint-manifest';
import { isSetAsideOf } from '../io/checkpoint-directory';
import { checkAdamPowers, checkAveraged, checkProgress, checkSpecs, isInt, isObject } from './checkpoint-state-checks';
import { syncDirectory } from '../io/file-system';
import { checkOutputFolder } from '../io/output-path';
import { otherKindOfCheckpoint } from './checkpoint-loaders';
import type { EpochProgress } from './trainer';
import type { AdamPowers } from './adam-powers';
import type { EmaOptions } from './ema';

/** The state file of a checkpoint directory. */
export const STATE_FILE = 'gankit.json';
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
const NAME_PATTERN = /^step-(\d{9,})$/;

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

/** The folder of a checkpoint that holds the averaged generator (a TensorFlow.js model). */
export const AVERAGED_GENERATOR_DIR = 'ema-generator';

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
  if (!isObject(c.optimizer) || !isObject(c.optimizer.generator) || !isObject(c.optimizer.discriminator))
    fail('optimizer: expected { generator, discriminator } Adam settings');
  for (const net of ['generator', 'discriminator'] as const) {
    for (const [key, value] of Object.entries((c.optimizer as GanConfig['optimizer'])[net])) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(`optimizer.${net}.${key}: expected a finite number, got ${JSON.stringify(value)}`);
    }
  }
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

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

/** The atomic write of a checkpoint directory (re-exported for the CycleGAN checkpoints). */
export { writeCheckpointDirectory } from '../io/checkpoint-directory';

/** The folder name of the checkpoint at `step` inside a collection: `step-000000123`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

/** One checkpoint of a collection folder. */
export interface CheckpointEntry {
  /** Its directory. */
  dir: string;
  /** The global step it was saved at. */
  step: number;
}

/** The checkpoints of a collection folder, oldest first. */
export async function listCheckpoints(root: string): Promise<CheckpointEntry[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, match: NAME_PATTERN.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ dir: path.join(root, e.name), step: Number(e.match[1]) }))
    .sort((a, b) => a.step - b.step);
}

/** Removes all but the newest `keep` checkpoints of a collection. */
export async function pruneCheckpoints(root: string, keep: number): Promise<void> {
  const all = await listCheckpoints(root);
  for (const { dir } of all.slice(0, Math.max(0, all.length - keep)))
    await fs.rm(dir, { recursive: true, force: true });
  await syncDirectory(root);
}

/** A newer checkpoint that failed to verify and was passed over. */
export interface SkippedCheckpoint {
  /** Its directory. */
  dir: string;
  /** Why it was refused. */
  error: CheckpointError;
}

/** What {@link resolveCheckpoint} found. */
export interface ResolvedCheckpoint<S = CheckpointState> {
  /** The checkpoint directory to load. */
  dir: string;
  /** Its state file, read and verified (manifest checksums included). */
  state: S;
  /** Newer checkpoints that failed to verify, newest first. */
  skipped: SkippedCheckpoint[];
}

/** Which kind of checkpoint {@link resolveCheckpoint} looks for (default: a GAN's). @internal */
export interface CheckpointKind<S> {
  /** The state file that marks a checkpoint directory. */
  stateFile: string;
  /** State files of older formats of this kind that its `read` still reads. */
  olderStateFiles?: readonly string[];
  /** Reads and verifies a checkpoint directory's state. */
  read(dir: string): Promise<S>;
  /** A word for messages, e.g. `CycleGAN`. */
  label?: string;
}

const GAN_CHECKPOINT: CheckpointKind<CheckpointState> = { stateFile: STATE_FILE, read: readCheckpointState };

/**
 * Finds the checkpoint to load from `dir`, which may be a checkpoint itself, a collection of
 * `step-*` checkpoints (the newest that verifies is taken: a damaged newest one never hides an
 * older good one), or a checkpoint whose replacement crashed between its two renames.
 *
 * @returns the checkpoint directory, its verified state and, for a collection, the newer ones that
 * failed to verify.
 * @throws {@link CheckpointError} when nothing loadable is there.
 */
export async function resolveCheckpoint<S = CheckpointState>(
  dir: string,
  kind: CheckpointKind<S> = GAN_CHECKPOINT as unknown as CheckpointKind<S>,
): Promise<ResolvedCheckpoint<S>> {
  const root = path.resolve(dir);
  const label = kind.label === undefined ? '' : `${kind.label} `;
  const stateFiles = [kind.stateFile, ...(kind.olderStateFiles ?? [])];
  // Another family's checkpoint is refused with the loader that reads it.
  const read = async (d: string): Promise<S> => {
    const other = await otherKindOfCheckpoint(d, stateFiles, kind.label ?? 'GAN');
    if (other !== null) throw other;
    return kind.read(d);
  };
  for (const file of stateFiles)
    if (await exists(path.join(root, file))) return { dir: root, state: await kind.read(root), skipped: [] };
  const other = await otherKindOfCheckpoint(root, stateFiles, kind.label ?? 'GAN');
  if (other !== null) throw other;
  const candidates = (await listCheckpoints(root)).reverse().map((c) => c.dir);
  const parent = path.dirname(root);
  const aside = (await fs.readdir(parent).catch(() => [] as string[]))
    .filter((n) => isSetAsideOf(root, n))
    .map((n) => path.join(parent, n));
  candidates.push(...aside);
  const skipped: SkippedCheckpoint[] = [];
  for (const candidate of candidates) {
    try {
      return { dir: candidate, state: await read(candidate), skipped };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      skipped.push({ dir: candidate, error });
    }
  }
  if (skipped.length > 0) {
    throw new CheckpointError(
      root,
      `holds no ${label}checkpoint that verifies; the newest failed with: ${skipped[0].error.message}`,
    );
  }
  throw new CheckpointError(
    root,
    `is not a ${label}checkpoint: expected ${kind.stateFile}, or step-NNNNNNNNN checkpoint folders`,
  );
}

/** What {@link saveCheckpoint} and the checkpoint callbacks need of a model (a GAN, a CycleGAN, …). */
export interface Checkpointable {
  /** The training state, whose global step names the checkpoint. */
  readonly state: {
    /** Steps done so far. */
    readonly step: number;
    /** Epochs completed so far. */
    readonly epoch: number;
  };
  /** Saves the whole training state into one directory (see `Gan.save`, `CycleGan.save`). */
  save(dir: string): Promise<void>;
  /** Asks a running training loop to stop after the current step. */
  stopTraining(): void;
}

/**
 * Saves `gan` into a collection folder as `root/step-NNNNNNNNN/` (atomically, see `Gan.save`),
 * then removes all but the newest `keep` checkpoints. Load the newest with `loadGAN(root)`.
 *
 * @example
 * ```ts
 * await saveCheckpoint(gan, 'out/checkpoint', { keep: 3 });
 * const again = await loadGAN('out/checkpoint'); // the newest that verifies
 * ```
 * @returns the directory written.
 * @throws {@link CheckpointError} when writing fails or the weights are not finite (nothing is
 * removed then).
 */
export async function saveCheckpoint(
  gan: Checkpointable,
  root: string,
  options: { keep?: number } = {},
): Promise<string> {
  return saveIntoCollection(root, gan.state.step, (dir) => gan.save(dir), options.keep);
}

/**
 * Saves a checkpoint at `step` into the collection folder `root` with `save(dir)`, then prunes all
 * but the newest `keep` (default 3). Returns the directory written.
 * @internal
 */
export async function saveIntoCollection(
  root: string,
  step: number,
  save: (dir: string) => Promise<void>,
  keep = 3,
): Promise<string> {
  if (!Number.isInteger(keep) || keep < 1)
    throw new GanConfigError('options.keep', `expected a positive integer, got ${keep}`);
  await checkOutputFolder(root, 'checkpoint folder', (p, m) => new CheckpointError(p, m));
  await fs.mkdir(root, { recursive: true });
  const dir = path.join(path.resolve(root), checkpointName(step));
  await save(dir);
  await pruneCheckpoints(root, keep);
  return dir;
}
