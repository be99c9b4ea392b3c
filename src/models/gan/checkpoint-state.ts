/**
 * A GAN checkpoint's state: a named-nets checkpoint (src/train/nets-checkpoint.ts) of the family
 * `gan`, holding G and D with their optimizer states and, when the GAN keeps one, the averaged
 * generator as a frozen net `ema-generator` with its options in `extra.averagedGenerator`.
 * Checkpoints of the older GAN formats (`gankit.json`, src/models/gan/legacy-checkpoint.ts) are
 * read into the same form, so every reader of GAN checkpoints serves them all.
 *
 * @packageDocumentation
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import {
  AVERAGED_GENERATOR_DIR,
  STATE_FILE,
  resolveCheckpointOf,
  type CheckpointKind,
  type ResolvedCheckpoint,
} from '../../train/checkpoint';
import { checkAveraged } from '../../train/checkpoint-state-checks';
import type { EmaOptions } from '../../train/ema';
import { GAN_LOG_NAMES, toFitProgress } from '../../train/gan-trainer-args';
import {
  NETS_STATE_FILE,
  legacySavedNets,
  readNetsCheckpointState,
  type NetsCheckpointKind,
  type NetsCheckpointState,
} from '../../train/nets-checkpoint';
import { checkGanConfig } from './check-config';
import type { GanConfig } from './config';
import {
  LEGACY_CHECKPOINT_FORMAT_VERSION,
  LEGACY_FORMAT,
  readLegacyCheckpointState,
  type LegacyCheckpointState,
} from './legacy-checkpoint';

/** The family a GAN's named-nets checkpoint records. */
export const GAN_FAMILY = 'gan';
/** The trained nets of a GAN checkpoint (each with its optimizer state). */
export const GAN_NETS = ['generator', 'discriminator'] as const;

/**
 * The last GAN-specific checkpoint format (`gankit.json`), which gankit still reads (format 1 and
 * 2 both load).
 * @deprecated GAN checkpoints are named-nets checkpoints (`state.json`, family `gan`) now; their
 * format version is the named-nets one.
 */
export const CHECKPOINT_FORMAT_VERSION = LEGACY_CHECKPOINT_FORMAT_VERSION;

/**
 * What a GAN checkpoint's state file holds, in the named-nets form: config, counters, epoch
 * position, random stream, each net's optimizer specs and Adam powers, and, when the checkpoint
 * holds an averaged generator (net `ema-generator`), its options as `extra.averagedGenerator`.
 * A `gankit.json` of an older format is read into this form (its `format` and `formatVersion`
 * say which it was).
 */
export type CheckpointState = NetsCheckpointState<GanConfig>;

const KIND: NetsCheckpointKind<GanConfig> = {
  family: GAN_FAMILY,
  label: 'GAN',
  netNames: GAN_NETS,
  logCount: GAN_LOG_NAMES.length,
  streams: 1,
  checkConfig: checkGanConfig,
};

/** The options of the averaged generator a checkpoint holds, or `null` when it holds none. @internal */
export function averagedGeneratorOptions(state: CheckpointState): EmaOptions | null {
  return AVERAGED_GENERATOR_DIR in state.nets ? ((state.extra.averagedGenerator ?? {}) as EmaOptions) : null;
}

/** The state file of the checkpoint `root` whose state is `state` (for messages). @internal */
export function ganStateFile(root: string, state: Pick<CheckpointState, 'format'>): string {
  return path.join(root, state.format === LEGACY_FORMAT ? STATE_FILE : NETS_STATE_FILE);
}

/** Reads a GAN's named-nets checkpoint: the generic checks, then the GAN's nets and averaged generator. */
async function readNamedNets(dir: string): Promise<CheckpointState> {
  const state = await readNetsCheckpointState(dir, KIND);
  const file = path.join(dir, NETS_STATE_FILE);
  for (const [name, net] of Object.entries(state.nets)) {
    if (name === AVERAGED_GENERATOR_DIR && net.optimizer !== null)
      throw new CheckpointError(file, `nets.${name}: the averaged generator is not trained: expected optimizer null`);
    if (name !== AVERAGED_GENERATOR_DIR && !(GAN_NETS as readonly string[]).includes(name))
      throw new CheckpointError(
        file,
        `nets.${name}: a GAN checkpoint holds ${GAN_NETS.join(', ')} and optionally ${AVERAGED_GENERATOR_DIR}`,
      );
  }
  const options = state.extra.averagedGenerator;
  if (AVERAGED_GENERATOR_DIR in state.nets !== (options !== undefined))
    throw new CheckpointError(
      file,
      `extra.averagedGenerator and nets.${AVERAGED_GENERATOR_DIR} come together (the averaged generator and its options)`,
    );
  if (options !== undefined) state.extra.averagedGenerator = checkAveraged(options, file);
  return state;
}

/** An older `gankit.json` state put into the named-nets form. */
function fromLegacy(old: LegacyCheckpointState, dir: string): CheckpointState {
  const nets = legacySavedNets(GAN_NETS, old.optimizers, old.adamPowers);
  // Runs before the options were recorded wrote the folder after the manifest: it is there, unlisted.
  const averaged = existsSync(path.join(dir, AVERAGED_GENERATOR_DIR, 'model.json'));
  if (averaged) nets[AVERAGED_GENERATOR_DIR] = { optimizer: null };
  return {
    format: old.format,
    formatVersion: old.formatVersion,
    family: GAN_FAMILY,
    gankitVersion: old.gankitVersion,
    tfjsVersion: old.tfjsVersion,
    savedAt: old.savedAt,
    config: old.config,
    step: old.step,
    epoch: old.epoch,
    progress: old.epochProgress === null ? null : toFitProgress(old.epochProgress),
    rngState: old.rngState,
    nets,
    blobs: {},
    extra: averaged ? { averagedGenerator: old.averagedGenerator ?? {} } : {},
  };
}

/**
 * Reads and validates the state of the GAN checkpoint `dir`, after checking its manifest's
 * checksums: a named-nets checkpoint (`state.json`, family `gan`), or one of the older formats
 * (`gankit.json`, formats 1 and 2), read into the same form.
 *
 * @example
 * ```ts
 * const state = await readCheckpointState('out/cgan-mnist/checkpoint/step-000001200');
 * console.log(state.step, state.epoch, 'ema-generator' in state.nets);
 * ```
 * @throws {@link CheckpointError} naming the file and what was expected: a missing or changed
 * file, another format or family, a newer format version, a field of the wrong type.
 */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const has = (file: string): Promise<boolean> =>
    fs.stat(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  if (!(await has(NETS_STATE_FILE)) && (await has(STATE_FILE)))
    return fromLegacy(await readLegacyCheckpointState(dir), dir);
  return readNamedNets(dir);
}

const GAN_CHECKPOINT: CheckpointKind<CheckpointState> = {
  stateFile: NETS_STATE_FILE,
  olderStateFiles: [STATE_FILE],
  read: readCheckpointState,
  label: 'GAN',
};

/**
 * Finds the checkpoint to load from `dir`, which may be a checkpoint itself, a collection of
 * `step-*` checkpoints (the newest that verifies is taken: a damaged newest one never hides an
 * older good one), or a checkpoint whose replacement crashed between its two renames. The kind is
 * a GAN's (of any format) unless `kind` says another.
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
