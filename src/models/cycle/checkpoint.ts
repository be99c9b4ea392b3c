/**
 * CycleGAN checkpoints: gankit's checkpoint directory (written atomically by
 * `writeCheckpointDirectory`, listed with checksums in `manifest.json`, `step-NNNNNNNNN/` folders
 * in a collection) holding four models, four optimizer states, two image pools and a state file,
 * `cyclegan.json`, beside them.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors';
import { syncDirectory, writeFileAtomic } from '../../io/file-system';
import { MANIFEST_FILE, verifyManifest } from '../../io/checkpoint-manifest';
import type { Rng } from '../../random';
import {
  resolveCheckpoint,
  saveIntoCollection,
  writeCheckpointDirectory,
  STATE_FILE as GAN_STATE_FILE,
} from '../../train/checkpoint';
import { checkAdamPowers, checkSpecs } from '../../train/checkpoint-state-checks';
import { saveNetState } from '../../train/net-state';
import type { AdamPowers } from '../../train/adam-powers';
import { VERSION } from '../../version';
import {
  CYCLE_NETS,
  type CycleEpochProgress,
  type CycleGanConfig,
  type CycleGanModels,
  type CycleGanOptimizers,
  type CycleNet,
} from './config';
import type { ImagePool } from '../../train/image-pool';

/** The state file of a CycleGAN checkpoint directory. */
export const CYCLE_STATE_FILE = 'cyclegan.json';
const FORMAT = 'gankit-cyclegan-checkpoint';
/** The CycleGAN checkpoint format this gankit writes and reads. */
export const CYCLE_CHECKPOINT_FORMAT_VERSION = 1;

/** Files every CycleGAN checkpoint holds (besides the manifest). */
const REQUIRED_FILES = [CYCLE_STATE_FILE, ...CYCLE_NETS.flatMap((n) => [`${n}/model.json`, `${n}/weights.bin`])];

/** What `cyclegan.json` holds: everything but the weights, optimizer states and pools beside it. */
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

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

/**
 * What a CycleGAN checkpoint holds, as {@link CycleGan} exposes it (so that saving needs only this
 * view of the model).
 * @internal
 */
export interface CycleCheckpointContents {
  readonly config: CycleGanConfig;
  readonly step: number;
  readonly epoch: number;
  readonly epochProgress: CycleEpochProgress | null;
  readonly rng: Rng;
  readonly models: CycleGanModels;
  readonly optimizers: CycleGanOptimizers;
  readonly poolX: ImagePool;
  readonly poolY: ImagePool;
}

/**
 * Writes `gan` into the checkpoint directory `dir` atomically (see `CycleGan.save`).
 * @internal
 */
export async function writeCycleGanCheckpoint(gan: CycleCheckpointContents, dir: string): Promise<void> {
  const target = path.resolve(dir);
  await writeCheckpointDirectory(target, async (tmp) => {
    const optimizers: CycleCheckpointState['optimizers'] = {};
    const adamPowers: CycleCheckpointState['adamPowers'] = {};
    for (const name of CYCLE_NETS) {
      const saved = await saveNetState(tmp, target, gan.step, name, gan.models[name], gan.optimizers[name]);
      await syncDirectory(path.join(tmp, name));
      optimizers[name] = saved.specs;
      if (saved.powers !== null) adamPowers[name] = saved.powers;
    }
    for (const [key, pool] of [
      ['x', gan.poolX],
      ['y', gan.poolY],
    ] as const) {
      await writeFileAtomic(path.join(tmp, `pool-${key}.bin`), new Uint8Array(pool.read().buffer));
    }
    const state: CycleCheckpointState = {
      format: FORMAT,
      formatVersion: CYCLE_CHECKPOINT_FORMAT_VERSION,
      gankitVersion: VERSION,
      tfjsVersion: tf.version_core,
      savedAt: new Date().toISOString(),
      config: gan.config,
      step: gan.step,
      epoch: gan.epoch,
      epochProgress: gan.epochProgress,
      rngState: gan.rng.getState(),
      optimizers,
      adamPowers,
      pools: { x: gan.poolX.size, y: gan.poolY.size },
    };
    await writeFileAtomic(path.join(tmp, CYCLE_STATE_FILE), JSON.stringify(state, null, 2));
  });
}

/**
 * Saves `cycleGan` into a collection folder as `root/step-NNNNNNNNN/` (atomically, see
 * {@link CycleGan.save}), then removes all but the newest `keep` checkpoints. Load the newest
 * with `loadCycleGAN(root)`.
 *
 * @example
 * ```ts
 * await saveCycleCheckpoint(cycle, 'out/checkpoint', { keep: 3 });
 * const again = await loadCycleGAN('out/checkpoint'); // the newest that verifies
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

function checkConfig(c: unknown, file: string): CycleGanConfig {
  const fail = (what: string): never => {
    throw new CheckpointError(file, `config.${what}`);
  };
  if (!isObject(c)) return fail('is missing or not an object');
  if (!Array.isArray(c.imageShape) || c.imageShape.length !== 3 || !c.imageShape.every((d) => isInt(d, 1)))
    fail(`imageShape: expected [height, width, channels], got ${JSON.stringify(c.imageShape)}`);
  if (c.architecture !== 'resnet-patchgan' && c.architecture !== 'custom')
    fail(`architecture: expected 'resnet-patchgan' or 'custom', got ${JSON.stringify(c.architecture)}`);
  if (!isObject(c.adversarial) || typeof c.adversarial.name !== 'string')
    fail(`adversarial: expected { name, ...options }, got ${JSON.stringify(c.adversarial)}`);
  for (const key of ['lambdaCycle', 'lambdaIdentity'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      fail(`${key}: expected a non-negative number, got ${JSON.stringify(v)}`);
  }
  if (!isInt(c.poolSize)) fail(`poolSize: expected a non-negative integer, got ${JSON.stringify(c.poolSize)}`);
  if (!isObject(c.optimizer) || !isObject(c.optimizer.generator) || !isObject(c.optimizer.discriminator))
    fail('optimizer: expected { generator, discriminator } Adam settings');
  for (const net of ['generator', 'discriminator'] as const) {
    for (const [key, value] of Object.entries((c.optimizer as Record<string, Record<string, unknown>>)[net])) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(`optimizer.${net}.${key}: expected a finite number, got ${JSON.stringify(value)}`);
    }
  }
  if (!isInt(c.seed)) fail(`seed: expected a non-negative integer, got ${JSON.stringify(c.seed)}`);
  return c as unknown as CycleGanConfig;
}

function checkProgress(p: unknown, file: string): CycleEpochProgress | null {
  if (p === null || p === undefined) return null;
  const seed = (v: unknown): boolean => isInt(v) && (v as number) <= 2 ** 32;
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
 * Verifies the manifest of the CycleGAN checkpoint `dir` and reads its state file.
 * @internal
 */
export async function readCycleCheckpointState(dir: string): Promise<CycleCheckpointState> {
  const file = path.join(dir, CYCLE_STATE_FILE);
  if (!(await exists(file)) && (await exists(path.join(dir, GAN_STATE_FILE)))) {
    throw new CheckpointError(
      dir,
      `holds a GAN checkpoint (${GAN_STATE_FILE}), not a CycleGAN one; load it with loadGAN()`,
    );
  }
  if (!(await exists(path.join(dir, MANIFEST_FILE))))
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
  const config = checkConfig(raw.config, file);
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
 * The CycleGAN checkpoint to load from `dir`: `dir` itself when it holds `cyclegan.json`, else the
 * newest `step-*` checkpoint inside it that verifies (a damaged newest one never hides an older
 * good one), else a copy that a crashed replacement left aside. Calls `onSkip` for each newer one
 * passed over.
 * @internal
 */
export async function resolveCycleCheckpoint(
  dir: string,
  onSkip?: (dir: string, error: CheckpointError) => void,
): Promise<{ dir: string; state: CycleCheckpointState }> {
  const root = path.resolve(dir);
  try {
    const resolved = await resolveCheckpoint(root, {
      stateFile: CYCLE_STATE_FILE,
      read: readCycleCheckpointState,
      label: 'CycleGAN',
    });
    for (const s of resolved.skipped) onSkip?.(s.dir, s.error);
    return resolved;
  } catch (error) {
    if (
      error instanceof CheckpointError &&
      !(await exists(path.join(root, CYCLE_STATE_FILE))) &&
      (await exists(path.join(root, GAN_STATE_FILE)))
    ) {
      throw new CheckpointError(
        root,
        `holds a GAN checkpoint (${GAN_STATE_FILE}), not a CycleGAN one; load it with loadGAN()`,
      );
    }
    throw error;
  }
}
