/**
 * Checkpoint directories on disk, whatever model wrote them (a GAN's state file is read in
 * src/models/gan/checkpoint-state.ts; the atomic write is src/io/checkpoint-directory.ts): collections
 * of checkpoints (`step-NNNNNNNNN/` folders, the last K kept) with a loader that picks the newest
 * one that verifies.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../errors';
import { isSetAsideOf } from '../io/checkpoint-directory';
import { syncDirectory } from '../io/file-system';
import { checkOutputFolder } from '../io/output-path';
import { otherKindOfCheckpoint } from './checkpoint-loaders';

/**
 * The state file of a GAN checkpoint of the older formats 1 and 2, which gankit still reads (GAN
 * checkpoints are named-nets checkpoints now, marked by `state.json`).
 */
export const STATE_FILE = 'gankit.json';
const NAME_PATTERN = /^step-(\d{9,})$/;

/** The folder of a GAN checkpoint that holds the averaged generator (a TensorFlow.js model), and its net's name there. */
export const AVERAGED_GENERATOR_DIR = 'ema-generator';

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
export interface ResolvedCheckpoint<S> {
  /** The checkpoint directory to load. */
  dir: string;
  /** Its state file, read and verified (manifest checksums included). */
  state: S;
  /** Newer checkpoints that failed to verify, newest first. */
  skipped: SkippedCheckpoint[];
}

/** Which kind of checkpoint {@link resolveCheckpointOf} looks for. @internal */
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

/**
 * Finds the checkpoint to load from `dir`, which may be a checkpoint itself, a collection of
 * `step-*` checkpoints (the newest that verifies is taken: a damaged newest one never hides an
 * older good one), or a checkpoint whose replacement crashed between its two renames.
 *
 * @returns the checkpoint directory, its verified state and, for a collection, the newer ones that
 * failed to verify.
 * @throws {@link CheckpointError} when nothing loadable is there.
 */
export async function resolveCheckpointOf<S>(dir: string, kind: CheckpointKind<S>): Promise<ResolvedCheckpoint<S>> {
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

/** What {@link io.saveCheckpoint} and the checkpoint callbacks need of a model (a GAN, a CycleGAN, …). */
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
 * then removes all but the newest `keep` checkpoints. Load the newest with `loadGan(root)`.
 *
 * @example
 * ```ts
 * await saveCheckpoint(gan, 'out/checkpoint', { keep: 3 });
 * const again = await loadGan('out/checkpoint'); // the newest that verifies
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
