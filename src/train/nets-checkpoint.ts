/**
 * The checkpoint of any model of named nets: each net's folder (`<name>/model.json`,
 * `<name>/weights.bin`) and optimizer state (`optimizer-<name>.bin`, absent for a frozen net such
 * as a content loss's feature net), the model's extra blobs (`<name>.bin`, e.g. CycleGAN's image
 * pools), and one state file, `state.json`, with the model's family, config, counters, position
 * inside the epoch, random stream and the blobs' lengths. Written atomically with a checksummed
 * manifest (every file in it) like every gankit checkpoint; CycleGAN and the image-to-image
 * families use it.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { fileSystemHandler, syncDirectory, writeFileAtomic } from '../io/file-system';
import { MANIFEST_FILE, verifyManifest } from '../io/checkpoint-manifest';
import { registerGankitLayers } from '../layers/register';
import { VERSION } from '../version';
import type { AdamPowers } from './adam-powers';
import { resolveCheckpointOf, writeCheckpointDirectory } from './checkpoint';
import { checkAdamPowers, checkSpecs, isInt, isObject } from './checkpoint-state-checks';
import { familyMismatch } from './checkpoint-loaders';
import { readCheckpointBytes, restoreOptimizerState, saveNetState } from './net-state';
import type { FitProgress, TrainingState } from './trainable';
import type { CheckpointNet, NetsCheckpointContents } from './checkpoint-net';

/** The state file of a named-nets checkpoint. */
export const NETS_STATE_FILE = 'state.json';
const FORMAT = 'gankit-nets-checkpoint';
/** The named-nets checkpoint format this gankit writes and reads. */
export const NETS_CHECKPOINT_FORMAT_VERSION = 1;

/** What `state.json` holds for each net. */
export interface SavedNet {
  /** The optimizer state's weight specs, or `null` for a frozen net (no optimizer). */
  optimizer: tf.io.WeightsManifestEntry[] | null;
  /** Adam's running powers, when the optimizer is a started Adam. */
  adamPowers?: AdamPowers;
}

/** What `state.json` holds: everything but the weights and optimizer states beside it. */
export interface NetsCheckpointState<C> {
  /** Always `gankit-nets-checkpoint`. */
  format: string;
  /** Format version (see {@link NETS_CHECKPOINT_FORMAT_VERSION}). */
  formatVersion: number;
  /** Which model this is (e.g. `image-to-image`): a loader refuses another family's checkpoint. */
  family: string;
  /** gankit version that wrote it. */
  gankitVersion?: string;
  /** TensorFlow.js version that wrote it. */
  tfjsVersion?: string;
  /** When it was written (ISO 8601). */
  savedAt?: string;
  /** The model's config. */
  config: C;
  /** Steps done. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** Where training stood inside an unfinished epoch (`null` at an epoch boundary). */
  progress: FitProgress | null;
  /** The model's random stream state. */
  rngState: number;
  /** Each net's optimizer, by net name. */
  nets: Record<string, SavedNet>;
  /** The extra blobs beside the nets (`<name>.bin`), by name, with their lengths in bytes (read them with `readNetsCheckpointBlob`). */
  blobs: Record<string, number>;
  /** The family's own JSON state beside the counters (CycleGAN: how full each image pool is); `{}` when none. */
  extra: Record<string, unknown>;
}

export type { CheckpointNet, NetsCheckpointContents } from './checkpoint-net';

/** A blob's name: a file name of its own (`<name>.bin`) that no optimizer state file can take. */
const BLOB_NAME = /^(?!optimizer-)[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const blobFile = (name: string): string => `${name}.bin`;

/**
 * Writes `contents` into the checkpoint directory `dir` atomically (temporary sibling, manifest
 * with checksums, rename), refusing a net whose weights or optimizer state are not finite.
 * @internal
 */
export async function writeNetsCheckpoint<C>(contents: NetsCheckpointContents<C>, dir: string): Promise<void> {
  const target = path.resolve(dir);
  const { state } = contents;
  const blobEntries = Object.entries(contents.blobs ?? {});
  for (const [name] of blobEntries)
    if (!BLOB_NAME.test(name) || name in contents.nets)
      throw new CheckpointError(
        path.join(target, blobFile(name)),
        `blob '${name}': expected a name of letters, digits, '-' and '_', not a net's and not starting 'optimizer-'`,
      );
  await writeCheckpointDirectory(target, async (tmp) => {
    const nets: Record<string, SavedNet> = {};
    for (const [name, net] of Object.entries(contents.nets)) {
      if (net.optimizer === null) {
        await net.model.save(fileSystemHandler(path.join(tmp, name)));
        nets[name] = { optimizer: null };
      } else {
        const saved = await saveNetState(tmp, target, state.step, name, net.model, net.optimizer);
        nets[name] = { optimizer: saved.specs, ...(saved.powers === null ? {} : { adamPowers: saved.powers }) };
      }
      await syncDirectory(path.join(tmp, name));
    }
    const blobs: Record<string, number> = {};
    for (const [name, bytes] of blobEntries) {
      await writeFileAtomic(path.join(tmp, blobFile(name)), bytes);
      blobs[name] = bytes.byteLength;
    }
    const file: NetsCheckpointState<C> = {
      format: FORMAT,
      formatVersion: NETS_CHECKPOINT_FORMAT_VERSION,
      family: contents.family,
      gankitVersion: VERSION,
      tfjsVersion: tf.version_core,
      savedAt: new Date().toISOString(),
      config: contents.config,
      step: state.step,
      epoch: state.epoch,
      progress: state.progress === null ? null : { ...state.progress, totals: [...state.progress.totals] },
      rngState: state.rng.getState(),
      nets,
      blobs,
      extra: { ...contents.extra },
    };
    await writeFileAtomic(path.join(tmp, NETS_STATE_FILE), JSON.stringify(file, null, 2));
  });
}

/** What a loader expects of a named-nets checkpoint. @internal */
export interface NetsCheckpointKind<C> {
  /** The family the checkpoint must be of. */
  family: string;
  /** A word for messages, e.g. `image-to-image GAN`. */
  label: string;
  /** The nets it must hold (it may hold more, e.g. a feature net: each one its state file lists is read). */
  netNames: readonly string[];
  /** The blobs it must hold (every one its state file lists must be in the manifest). */
  blobNames?: readonly string[];
  /** Values each step logs (the length of `progress.totals`). */
  logCount: number;
  /** Shuffle streams of an epoch (the length of `progress.shuffleSeeds`). */
  streams: number;
  /** Checks the config (a {@link CheckpointError} naming `file` and the field). */
  checkConfig(config: unknown, file: string): C;
}

function checkProgress(p: unknown, logCount: number, streams: number, file: string): FitProgress | null {
  if (p === null || p === undefined) return null;
  const ok =
    isObject(p) &&
    isInt(p.steps) &&
    Array.isArray(p.shuffleSeeds) &&
    p.shuffleSeeds.length === streams &&
    p.shuffleSeeds.every((s) => isInt(s) && s < 2 ** 32) &&
    Array.isArray(p.totals) &&
    p.totals.length === logCount &&
    p.totals.every((t) => typeof t === 'number' && Number.isFinite(t)) &&
    (p.batchSize === undefined || isInt(p.batchSize, 1)) &&
    (p.stepsPerEpoch === undefined || isInt(p.stepsPerEpoch, 1));
  if (!ok)
    throw new CheckpointError(
      file,
      `progress: expected { steps, shuffleSeeds[${streams}], totals[${logCount}] } or null, got ${JSON.stringify(p)?.slice(0, 200)}`,
    );
  const q = p as unknown as FitProgress;
  return {
    steps: q.steps,
    shuffleSeeds: [...q.shuffleSeeds],
    totals: [...q.totals],
    ...(q.batchSize === undefined ? {} : { batchSize: q.batchSize }),
    ...(q.stepsPerEpoch === undefined ? {} : { stepsPerEpoch: q.stepsPerEpoch }),
  };
}

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

/**
 * Verifies the manifest of the checkpoint `dir` and reads and checks its state file.
 * @throws {@link CheckpointError} naming the file and what was expected.
 * @internal
 */
export async function readNetsCheckpointState<C>(
  dir: string,
  kind: NetsCheckpointKind<C>,
): Promise<NetsCheckpointState<C>> {
  const file = path.join(dir, NETS_STATE_FILE);
  if (!(await exists(path.join(dir, MANIFEST_FILE))))
    throw new CheckpointError(path.join(dir, MANIFEST_FILE), `is missing; every ${kind.label} checkpoint has one`);
  const netFiles = (n: string): string[] => [`${n}/model.json`, `${n}/weights.bin`];
  // The nets' files are looked for once the family is known: another family's nets are not missing files.
  const listed = new Set((await verifyManifest(dir, [NETS_STATE_FILE])).map((e) => e.path));
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(file, `cannot be read as JSON (${(error as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== FORMAT) throw new CheckpointError(file, `is not a ${FORMAT} state file`);
  if (!isInt(raw.formatVersion, 1) || raw.formatVersion > NETS_CHECKPOINT_FORMAT_VERSION)
    throw new CheckpointError(
      file,
      `has format version ${JSON.stringify(raw.formatVersion)}; this gankit reads up to ${NETS_CHECKPOINT_FORMAT_VERSION} (upgrade gankit)`,
    );
  if (raw.family !== kind.family) throw new CheckpointError(file, familyMismatch(String(raw.family), kind));
  for (const key of ['step', 'epoch'] as const)
    if (!isInt(raw[key]))
      throw new CheckpointError(file, `${key}: expected a non-negative integer, got ${JSON.stringify(raw[key])}`);
  if (!isInt(raw.rngState) || raw.rngState >= 2 ** 32)
    throw new CheckpointError(
      file,
      `rngState: expected an unsigned 32-bit integer, got ${JSON.stringify(raw.rngState)}`,
    );
  if (!isObject(raw.nets)) throw new CheckpointError(file, 'nets: expected an object of the saved nets');
  const nets: Record<string, SavedNet> = {};
  for (const name of new Set([...kind.netNames, ...Object.keys(raw.nets)])) {
    const net = raw.nets[name];
    if (!isObject(net)) throw new CheckpointError(file, `nets.${name}: missing`);
    for (const needed of netFiles(name))
      if (!listed.has(needed)) throw new CheckpointError(path.join(dir, needed), 'is missing from the manifest');
    nets[name] = {
      optimizer: net.optimizer === null ? null : checkSpecs(net.optimizer, name, file),
      ...(net.adamPowers === undefined ? {} : { adamPowers: checkAdamPowers(net.adamPowers, name, file) }),
    };
  }
  const blobs = checkBlobs(raw.blobs, kind.blobNames ?? [], file);
  for (const name of Object.keys(blobs))
    if (!listed.has(blobFile(name)))
      throw new CheckpointError(path.join(dir, blobFile(name)), 'is missing from the manifest');
  if (raw.extra !== undefined && !isObject(raw.extra))
    throw new CheckpointError(file, `extra: expected an object, got ${JSON.stringify(raw.extra)?.slice(0, 200)}`);
  return {
    format: FORMAT,
    formatVersion: raw.formatVersion,
    family: kind.family,
    gankitVersion: typeof raw.gankitVersion === 'string' ? raw.gankitVersion : undefined,
    tfjsVersion: typeof raw.tfjsVersion === 'string' ? raw.tfjsVersion : undefined,
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : undefined,
    config: kind.checkConfig(raw.config, file),
    step: raw.step as number,
    epoch: raw.epoch as number,
    progress: checkProgress(raw.progress, kind.logCount, kind.streams, file),
    rngState: raw.rngState as number,
    nets,
    blobs,
    extra: { ...raw.extra },
  };
}

/** The `blobs` of a state file: `{ name: byteLength }`, the `required` ones among them (absent in checkpoints that hold none). */
function checkBlobs(raw: unknown, required: readonly string[], file: string): Record<string, number> {
  if (raw !== undefined && !isObject(raw))
    throw new CheckpointError(file, `blobs: expected { name: byteLength }, got ${JSON.stringify(raw)?.slice(0, 200)}`);
  const blobs: Record<string, number> = {};
  for (const [name, length] of Object.entries(raw ?? {})) {
    if (!BLOB_NAME.test(name) || !isInt(length))
      throw new CheckpointError(file, `blobs.${name}: expected a byte length, got ${JSON.stringify(length)}`);
    blobs[name] = length;
  }
  for (const name of required) if (!(name in blobs)) throw new CheckpointError(file, `blobs.${name}: missing`);
  return blobs;
}

/**
 * The bytes of the blob `name` of the checkpoint `root` whose state is `saved`, checked against
 * the length its state file records (the manifest's checksum was checked when the state was read).
 * @throws {@link CheckpointError} naming the blob's file, or the state file when it lists no such blob.
 * @internal
 */
export async function readNetsCheckpointBlob(
  root: string,
  saved: Pick<NetsCheckpointState<unknown>, 'blobs'>,
  name: string,
): Promise<Uint8Array> {
  const expected = saved.blobs[name];
  if (expected === undefined)
    throw new CheckpointError(path.join(root, NETS_STATE_FILE), `lists no blob '${name}' (blobs: expected ${name})`);
  const file = path.join(root, blobFile(name));
  const bytes = new Uint8Array(await readCheckpointBytes(file, `blob '${name}'`));
  if (bytes.byteLength !== expected)
    throw new CheckpointError(file, `holds ${bytes.byteLength} bytes; the state file records ${expected}`);
  return bytes;
}

/**
 * The checkpoint to load from `dir` (itself, the newest `step-*` inside it that verifies, or a
 * copy a crashed replacement left aside), its state read; `onSkip` hears of each newer one passed over.
 * @internal
 */
export async function resolveNetsCheckpoint<C>(
  dir: string,
  kind: NetsCheckpointKind<C>,
  onSkip?: (dir: string, error: CheckpointError) => void,
): Promise<{ dir: string; state: NetsCheckpointState<C> }> {
  const resolved = await resolveCheckpointOf(dir, {
    stateFile: NETS_STATE_FILE,
    read: (d) => readNetsCheckpointState(d, kind),
    label: kind.label,
  });
  for (const s of resolved.skipped) onSkip?.(s.dir, s.error);
  return resolved;
}

/**
 * Rebuilds the nets `names` of the checkpoint `root` (all disposed again if one fails).
 * @throws {@link CheckpointError} naming the net's folder.
 * @internal
 */
export async function loadCheckpointNets(
  root: string,
  names: readonly string[],
): Promise<Record<string, tfl.LayersModel>> {
  registerGankitLayers();
  const loaded: Record<string, tfl.LayersModel> = {};
  try {
    for (const name of names) {
      try {
        loaded[name] = await tfl.loadLayersModel(fileSystemHandler(path.join(root, name)));
      } catch (error) {
        if (error instanceof CheckpointError) throw error;
        throw new CheckpointError(path.join(root, name), `cannot rebuild ${name} (${(error as Error).message})`);
      }
    }
  } catch (error) {
    for (const model of Object.values(loaded)) model.dispose();
    throw error;
  }
  return loaded;
}

/**
 * Puts a checkpoint's training state back: counters, epoch position, random stream, and each
 * trained net's optimizer state (checked against the net's weights).
 * @throws {@link CheckpointError} naming the file that does not fit.
 * @internal
 */
export async function restoreNetsTraining<C>(
  root: string,
  saved: NetsCheckpointState<C>,
  state: TrainingState,
  nets: Readonly<Record<string, CheckpointNet>>,
): Promise<void> {
  restoreTrainingCounters(saved, state);
  for (const [name, net] of Object.entries(nets)) {
    const specs = saved.nets[name]?.optimizer;
    if (net.optimizer === null || specs === null || specs === undefined) continue;
    await restoreOptimizerState(root, name, net.model, net.optimizer, specs, saved.nets[name].adamPowers);
  }
}

/**
 * Puts a checkpoint's counters, position inside the epoch and random stream into `state`, as
 * copies (the saved state stays as read).
 * @internal
 */
export function restoreTrainingCounters(
  saved: Pick<NetsCheckpointState<unknown>, 'step' | 'epoch' | 'progress' | 'rngState'>,
  state: TrainingState,
): void {
  const p = saved.progress;
  state.step = saved.step;
  state.epoch = saved.epoch;
  state.progress = p === null ? null : { ...p, shuffleSeeds: [...p.shuffleSeeds], totals: [...p.totals] };
  state.rng.setState(saved.rngState);
}

/**
 * The `nets` of a named-nets state for an older format that kept each net's optimizer specs and
 * Adam powers in two records of their own (GAN formats 1–2, CycleGAN format 1).
 * @internal
 */
export function legacySavedNets(
  names: readonly string[],
  optimizers: Partial<Record<string, tf.io.WeightsManifestEntry[]>>,
  adamPowers: Partial<Record<string, AdamPowers>>,
): Record<string, SavedNet> {
  const nets: Record<string, SavedNet> = {};
  for (const name of names) {
    const powers = adamPowers[name];
    nets[name] = { optimizer: optimizers[name] ?? null, ...(powers === undefined ? {} : { adamPowers: powers }) };
  }
  return nets;
}
