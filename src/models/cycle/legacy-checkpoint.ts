/**
 * CycleGAN checkpoints of format 1, which gankit wrote before CycleGAN moved onto the named-nets
 * checkpoint: the same nets, optimizer states and image pools, with their state in
 * `cyclegan.json`. Only read, so that those checkpoints still load; what is read is put into the
 * named-nets form, so that one restore serves both formats.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import { MANIFEST_FILE, verifyManifest } from '../../io/checkpoint-manifest';
import { checkAdamPowers, checkSpecs, isInt, isObject } from '../../train/checkpoint-state-checks';
import type { AdamPowers } from '../../train/adam-powers';
import { legacySavedNets, type NetsCheckpointState } from '../../train/nets-checkpoint';
import { checkCycleGanConfig } from './check-config';
import { CYCLE_NETS, type CycleEpochProgress, type CycleGanConfig, type CycleNet } from './config';

/**
 * The state file of a CycleGAN checkpoint of format 1.
 * @deprecated CycleGAN checkpoints are named-nets checkpoints (`state.json`) now; format 1 is only read.
 */
export const CYCLE_STATE_FILE = 'cyclegan.json';
const FORMAT = 'gankit-cyclegan-checkpoint';
/**
 * The last CycleGAN-specific checkpoint format (the one `cyclegan.json` marks), which gankit still reads.
 * @deprecated CycleGAN checkpoints are named-nets checkpoints now (see `NETS_CHECKPOINT_FORMAT_VERSION`).
 */
export const CYCLE_CHECKPOINT_FORMAT_VERSION = 1;

/** Files every CycleGAN checkpoint of format 1 holds (besides the manifest). */
const REQUIRED_FILES = [CYCLE_STATE_FILE, ...CYCLE_NETS.flatMap((n) => [`${n}/model.json`, `${n}/weights.bin`])];

/**
 * What `cyclegan.json` holds: everything but the weights, optimizer states and pools beside it.
 * @deprecated the state of format 1 checkpoints, which are only read.
 */
export interface CycleCheckpointState {
  format: string;
  formatVersion: number;
  gankitVersion?: string;
  tfjsVersion?: string;
  savedAt?: string;
  config: CycleGanConfig;
  step: number;
  epoch: number;
  epochProgress: CycleEpochProgress | null;
  rngState: number;
  optimizers: Partial<Record<CycleNet, tf.io.WeightsManifestEntry[]>>;
  adamPowers: Partial<Record<CycleNet, AdamPowers>>;
  pools: { x: number; y: number };
}

function checkProgress(p: unknown, file: string): CycleEpochProgress | null {
  if (p === null || p === undefined) return null;
  const seed = (v: unknown): boolean => isInt(v) && (v as number) < 2 ** 32;
  const ok =
    isObject(p) &&
    isInt(p.steps) &&
    seed(p.shuffleSeedX) &&
    seed(p.shuffleSeedY) &&
    Array.isArray(p.totals) &&
    p.totals.length === 6 &&
    p.totals.every((t) => typeof t === 'number' && Number.isFinite(t));
  if (!ok)
    throw new CheckpointError(
      file,
      `epochProgress: expected { steps, shuffleSeedX, shuffleSeedY, totals[6] } or null, got ${JSON.stringify(p)?.slice(0, 200)}`,
    );
  const q = p as unknown as CycleEpochProgress;
  return { steps: q.steps, shuffleSeedX: q.shuffleSeedX, shuffleSeedY: q.shuffleSeedY, totals: [...q.totals] };
}

/**
 * Verifies the manifest of the CycleGAN checkpoint of format 1 `dir` and reads its state file.
 * @deprecated format 1 is only read; `loadCycleGan` reads both formats.
 * @internal
 */
export async function readCycleCheckpointState(dir: string): Promise<CycleCheckpointState> {
  const file = path.join(dir, CYCLE_STATE_FILE);
  const hasManifest = await fs.stat(path.join(dir, MANIFEST_FILE)).then(
    () => true,
    () => false,
  );
  if (!hasManifest)
    throw new CheckpointError(path.join(dir, MANIFEST_FILE), 'is missing; every CycleGAN checkpoint has one');
  await verifyManifest(dir, REQUIRED_FILES);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(file, `cannot read or parse (${(error as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== FORMAT) throw new CheckpointError(file, `expected a ${FORMAT} file`);
  const version = raw.formatVersion;
  if (!isInt(version, 1) || version > CYCLE_CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      file,
      `has format version ${JSON.stringify(version)}; this gankit reads version ${CYCLE_CHECKPOINT_FORMAT_VERSION} (a newer gankit wrote it: upgrade gankit)`,
    );
  }
  const config = checkCycleGanConfig(raw.config, file);
  for (const key of ['step', 'epoch'] as const)
    if (!isInt(raw[key]))
      throw new CheckpointError(file, `${key}: expected a non-negative integer, got ${JSON.stringify(raw[key])}`);
  if (!isInt(raw.rngState) || raw.rngState >= 2 ** 32)
    throw new CheckpointError(
      file,
      `rngState: expected an unsigned 32-bit integer, got ${JSON.stringify(raw.rngState)}`,
    );
  const pools = raw.pools;
  if (
    !isObject(pools) ||
    !isInt(pools.x) ||
    !isInt(pools.y) ||
    pools.x > config.poolSize ||
    pools.y > config.poolSize
  ) {
    throw new CheckpointError(
      file,
      `pools: expected { x, y } sizes in [0, ${config.poolSize}], got ${JSON.stringify(pools)}`,
    );
  }
  const optimizers: CycleCheckpointState['optimizers'] = {};
  const adamPowers: CycleCheckpointState['adamPowers'] = {};
  const savedOptimizers = isObject(raw.optimizers) ? raw.optimizers : {};
  const savedPowers = isObject(raw.adamPowers) ? raw.adamPowers : {};
  for (const name of CYCLE_NETS) {
    const specs = savedOptimizers[name];
    if (specs !== undefined) optimizers[name] = checkSpecs(specs, name, file);
    const p = savedPowers[name];
    if (p !== undefined) adamPowers[name] = checkAdamPowers(p, name, file);
  }
  return {
    format: FORMAT,
    formatVersion: version,
    config,
    step: raw.step as number,
    epoch: raw.epoch as number,
    epochProgress: checkProgress(raw.epochProgress, file),
    rngState: raw.rngState,
    optimizers,
    adamPowers,
    pools: { x: pools.x, y: pools.y },
    gankitVersion: typeof raw.gankitVersion === 'string' ? raw.gankitVersion : undefined,
    tfjsVersion: typeof raw.tfjsVersion === 'string' ? raw.tfjsVersion : undefined,
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : undefined,
  };
}

/**
 * Reads the format 1 checkpoint `dir` into the named-nets form: its state (the pools' files as
 * blobs `pool-x`, `pool-y` of the length the config implies) and how full each pool was.
 * @internal
 */
export async function readLegacyCycleCheckpoint(
  dir: string,
): Promise<{ state: NetsCheckpointState<CycleGanConfig>; pools: { x: number; y: number } }> {
  const old = await readCycleCheckpointState(dir);
  const nets = legacySavedNets(CYCLE_NETS, old.optimizers, old.adamPowers);
  const p = old.epochProgress;
  const poolBytes = old.config.poolSize * old.config.imageShape.reduce((a, b) => a * b, 1) * 4;
  return {
    state: {
      format: old.format,
      formatVersion: old.formatVersion,
      family: 'cycle-gan',
      gankitVersion: old.gankitVersion,
      tfjsVersion: old.tfjsVersion,
      savedAt: old.savedAt,
      config: old.config,
      step: old.step,
      epoch: old.epoch,
      progress:
        p === null ? null : { steps: p.steps, shuffleSeeds: [p.shuffleSeedX, p.shuffleSeedY], totals: p.totals },
      rngState: old.rngState,
      nets,
      blobs: { 'pool-x': poolBytes, 'pool-y': poolBytes },
      extra: { pools: old.pools },
    },
    pools: old.pools,
  };
}
