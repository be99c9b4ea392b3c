/**
 * CycleGAN checkpoints: named-nets checkpoints (src/train/nets-checkpoint.ts) of the family
 * `cycle-gan`, holding the four nets, their optimizer states, the two image pools as blobs
 * `pool-x`, `pool-y` and how full each pool is; a folder of `step-NNNNNNNNN/` checkpoints is a
 * collection. Checkpoints of the older CycleGAN format (`cyclegan.json`) are still read.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import { isInt, isObject } from '../../train/checkpoint-state-checks';
import { resolveCheckpointOf, saveIntoCollection } from '../../train/checkpoint';
import {
  NETS_STATE_FILE,
  readNetsCheckpointState,
  writeNetsCheckpoint,
  type NetsCheckpointContents,
  type NetsCheckpointKind,
  type NetsCheckpointState,
} from '../../train/nets-checkpoint';
import type { TrainingState } from '../../train/trainable';
import type { ImagePool } from '../../train/image-pool';
import { checkCycleGanConfig } from './check-config';
import { CYCLE_NETS, type CycleGanConfig, type CycleGanModels, type CycleGanOptimizers } from './config';
import { CYCLE_LOG_NAMES } from './logs';
import { CYCLE_STATE_FILE, readLegacyCycleCheckpoint } from './legacy-checkpoint';

/** The family a CycleGAN's named-nets checkpoint records. */
export const CYCLE_FAMILY = 'cycle-gan';
/** The blobs holding the image pools of D_X (`pool-x`) and D_Y (`pool-y`). */
export const CYCLE_POOL_BLOBS = { x: 'pool-x', y: 'pool-y' } as const;

const KIND: NetsCheckpointKind<CycleGanConfig> = {
  family: CYCLE_FAMILY,
  label: 'CycleGAN',
  netNames: CYCLE_NETS,
  blobNames: Object.values(CYCLE_POOL_BLOBS),
  logCount: CYCLE_LOG_NAMES.length,
  streams: 2,
  checkConfig: checkCycleGanConfig,
};

/** What a CycleGAN checkpoint holds, as {@link CycleGan} exposes it. @internal */
export interface CycleCheckpointSource {
  readonly config: CycleGanConfig;
  readonly state: TrainingState;
  readonly models: CycleGanModels;
  readonly optimizers: CycleGanOptimizers;
  readonly poolX: ImagePool;
  readonly poolY: ImagePool;
}

/** What `CycleGan.save` writes: the four nets with their optimizers, the pools as blobs, their sizes as `extra.pools`. @internal */
export function cycleCheckpointContents(gan: CycleCheckpointSource): NetsCheckpointContents<CycleGanConfig> {
  const nets = Object.fromEntries(
    CYCLE_NETS.map((name) => [name, { model: gan.models[name], optimizer: gan.optimizers[name] }]),
  );
  const bytes = (pool: ImagePool): Uint8Array => new Uint8Array(pool.read().buffer);
  return {
    family: CYCLE_FAMILY,
    config: gan.config,
    state: gan.state,
    nets,
    blobs: { [CYCLE_POOL_BLOBS.x]: bytes(gan.poolX), [CYCLE_POOL_BLOBS.y]: bytes(gan.poolY) },
    extra: { pools: { x: gan.poolX.size, y: gan.poolY.size } },
  };
}

/** Writes `gan` into the checkpoint directory `dir` atomically (see `CycleGan.save`). @internal */
export function writeCycleCheckpoint(gan: CycleCheckpointSource, dir: string): Promise<void> {
  return writeNetsCheckpoint(cycleCheckpointContents(gan), dir);
}

/** A CycleGAN checkpoint read (of either format): its state in the named-nets form, and how full each image pool was. @internal */
export interface CycleCheckpoint {
  /** The state (a `cyclegan.json` one put into the named-nets form). */
  state: NetsCheckpointState<CycleGanConfig>;
  /** Images each pool held. */
  pools: { x: number; y: number };
}

/** Reads the CycleGAN checkpoint `dir`: a named-nets one, or one of format 1 (`cyclegan.json`). */
async function readCycleCheckpoint(dir: string): Promise<CycleCheckpoint> {
  const hasNetsState = await fs.stat(path.join(dir, NETS_STATE_FILE)).then(
    () => true,
    () => false,
  );
  if (!hasNetsState && (await fs.stat(path.join(dir, CYCLE_STATE_FILE)).catch(() => null)) !== null)
    return readLegacyCycleCheckpoint(dir);
  const state = await readNetsCheckpointState(dir, KIND);
  const file = path.join(dir, NETS_STATE_FILE);
  const pools = state.extra.pools;
  const poolSize = state.config.poolSize;
  if (!isObject(pools) || !isInt(pools.x) || !isInt(pools.y) || pools.x > poolSize || pools.y > poolSize)
    throw new CheckpointError(
      file,
      `extra.pools: expected { x, y } sizes in [0, ${poolSize}], got ${JSON.stringify(pools)}`,
    );
  return { state, pools: { x: pools.x, y: pools.y } };
}

/**
 * The CycleGAN checkpoint to load from `dir`: `dir` itself when it holds a state file, else the
 * newest `step-*` checkpoint inside it that verifies (a damaged newest one never hides an older
 * good one), else a copy that a crashed replacement left aside. Calls `onSkip` for each newer one
 * passed over. Another family's checkpoint is refused with the loader to use.
 * @internal
 */
export async function resolveCycleCheckpoint(
  dir: string,
  onSkip?: (dir: string, error: CheckpointError) => void,
): Promise<{ dir: string } & CycleCheckpoint> {
  const resolved = await resolveCheckpointOf(path.resolve(dir), {
    stateFile: NETS_STATE_FILE,
    olderStateFiles: [CYCLE_STATE_FILE],
    read: readCycleCheckpoint,
    label: 'CycleGAN',
  });
  for (const s of resolved.skipped) onSkip?.(s.dir, s.error);
  return { dir: resolved.dir, ...resolved.state };
}

/**
 * Saves `cycleGan` into a collection folder as `root/step-NNNNNNNNN/` (atomically, see
 * {@link CycleGan.save}), then removes all but the newest `keep` checkpoints. Load the newest
 * with `loadCycleGan(root)`.
 *
 * @example
 * ```ts
 * await saveCycleCheckpoint(cycle, 'out/checkpoint', { keep: 3 });
 * const again = await loadCycleGan('out/checkpoint'); // the newest that verifies
 * ```
 * @returns the directory written.
 * @throws {@link CheckpointError} when writing fails or a weight is not finite (nothing is removed then).
 */
export async function saveCycleCheckpoint(
  cycleGan: { readonly step: number; save(dir: string): Promise<void> },
  root: string,
  options: { keep?: number } = {},
): Promise<string> {
  return saveIntoCollection(root, cycleGan.step, (dir) => cycleGan.save(dir), options.keep);
}
