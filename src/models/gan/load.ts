/**
 * GAN checkpoints on disk (Node only): {@link saveGan} behind `Gan.save`, and {@link loadGan}.
 * The browser entry leaves this module out; src/node-services.ts installs it.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../errors';
import { Gan, namedOptimizers } from './gan';
import { type GanConfig, type LoadGanOptions } from './config';
import { type NamedConfig } from '../../core/types';
import type { GanLoss } from '../../losses/types';
import type { AuxiliaryTask } from '../../losses/auxiliary';
import { auxiliaryFromConfig, lossFromConfig } from '../../losses/registry';
import { fileSystemHandler, writeFileAtomic } from '../../io/file-system';
import { checkSaveTarget } from '../../io/replace-guard';
import { AVERAGED_GENERATOR_DIR, STATE_FILE, writeCheckpointDirectory } from '../../train/checkpoint';
import { CHECKPOINT_FORMAT_VERSION, resolveCheckpoint, type CheckpointState } from './checkpoint-state';
import { restoreOptimizerState, saveNetState } from '../../train/net-state';
import type { AdamPowers } from '../../train/adam-powers';
import { registerGankitLayers } from '../../layers/register';
import { VERSION } from '../../version';

/** Writes `gan`'s checkpoint folder: the work behind {@link Gan.save} (see there). */
export async function saveGan(gan: Gan, dir: string): Promise<void> {
  const target = checkSaveTarget(dir, 'Gan.save(dir)');
  await writeCheckpointDirectory(target, async (tmp) => {
    const optimizers: Record<string, tf.io.WeightsManifestEntry[]> = {};
    const adamPowers: Record<string, AdamPowers> = {};
    for (const [name, opt] of namedOptimizers(gan.trainer)) {
      const model = name === 'generator' ? gan.generator : gan.discriminator;
      const saved = await saveNetState(tmp, target, gan.trainer.step, name, model, opt);
      optimizers[name] = saved.specs;
      if (saved.powers !== null) adamPowers[name] = saved.powers;
    }
    // The average is written before the manifest, so its files are checksummed with the rest.
    const averaged = gan.averaged;
    if (averaged !== null) await averaged.save(path.join(tmp, AVERAGED_GENERATOR_DIR));
    const state: CheckpointState = {
      format: 'gankit-checkpoint',
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      gankitVersion: VERSION,
      tfjsVersion: tf.version_core,
      savedAt: new Date().toISOString(),
      config: gan.config,
      step: gan.trainer.step,
      epoch: gan.trainer.epoch,
      epochProgress: gan.trainer.epochProgress,
      rngState: gan.trainer.rng.getState(),
      optimizers,
      adamPowers,
      ...(averaged === null ? {} : { averagedGenerator: averaged.options }),
    };
    await writeFileAtomic(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 2));
  });
}

/**
 * Loads a GAN saved with {@link Gan.save} or {@link saveCheckpoint}: models, optimizer state,
 * step, epoch, position inside the epoch, random stream and config, ready to `generate()` or to
 * continue `fit()` exactly where it stopped. `dir` may be one checkpoint, or a folder of
 * `step-*` checkpoints, of which the newest that passes its checksums is loaded.
 *
 * @example
 * ```ts
 * const gan = await loadGan('out/cgan-mnist/checkpoint');
 * await gan.fit(data, { epochs: gan.trainer.epoch + 1 }); // one more epoch
 * ```
 * @throws {@link CheckpointError} naming the file when a file is missing, changed since it was
 * written (checksum), unreadable, of another format or of a newer format version, or when a
 * weight is missing or of the wrong shape.
 */
export async function loadGan(dir: string, options: LoadGanOptions = {}): Promise<Gan> {
  registerGankitLayers();
  const { dir: root, state, skipped } = await resolveCheckpoint(dir);
  for (const s of skipped) options.onSkip?.(s.dir, s.error);
  const config = state.config;
  const load = async (name: string): Promise<tfl.LayersModel> => {
    try {
      return await tfl.loadLayersModel(fileSystemHandler(path.join(root, name)));
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(path.join(root, name), `cannot rebuild the ${name} (${(error as Error).message})`);
    }
  };
  const generator = await load('generator');
  const discriminator = await load('discriminator');
  const disposeModels = (): void => {
    generator.dispose();
    discriminator.dispose();
  };
  const loss = options.loss ?? lossFromConfig(config.loss);
  let gan: Gan;
  try {
    const auxiliary = options.auxiliary ?? savedAuxiliary(config, path.join(root, STATE_FILE));
    const imageShape = discriminator.inputs[0].shape.slice(1);
    if (imageShape.some((d, i) => d !== config.imageShape[i])) {
      throw new CheckpointError(
        path.join(root, 'discriminator'),
        `takes images of shape [${imageShape}] but the config says [${config.imageShape}]`,
      );
    }
    const zWidth = generator.inputs[0].shape[1];
    const codeDim = auxiliary?.codeDim ?? 0;
    if (zWidth !== config.latentDim + codeDim) {
      throw new CheckpointError(
        path.join(root, STATE_FILE),
        `config.latentDim is ${config.latentDim}${codeDim > 0 ? ` (plus ${codeDim} code values)` : ''}, but the saved generator takes z of width ${zWidth}`,
      );
    }
    gan = new Gan(generator, discriminator, loss ?? unknownLoss(config.loss.name), config, undefined, auxiliary);
  } catch (error) {
    disposeModels();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(
      path.join(root, STATE_FILE),
      `does not fit the saved models (${(error as Error).message})`,
    );
  }
  try {
    gan.trainer.step = state.step;
    gan.trainer.epoch = state.epoch;
    gan.trainer.epochProgress = state.epochProgress;
    gan.trainer.rng.setState(state.rngState);
    for (const [name, opt] of namedOptimizers(gan.trainer)) {
      const specs = state.optimizers[name];
      if (specs === undefined) continue;
      const model = name === 'generator' ? generator : discriminator;
      await restoreOptimizerState(root, name, model, opt, specs, state.adamPowers?.[name]);
    }
    if (options.averagedGenerator !== false) await restoreAveraged(gan, root, state);
  } catch (error) {
    gan.dispose();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(root, `cannot restore the training state (${(error as Error).message})`);
  }
  return gan;
}

/**
 * Gives `gan` back the averaged generator its checkpoint holds in `ema-generator/`, with the
 * options the state file records (runs that wrote the folder after the manifest recorded none:
 * the defaults then).
 */
async function restoreAveraged(gan: Gan, root: string, state: CheckpointState): Promise<void> {
  const dir = path.join(root, AVERAGED_GENERATOR_DIR);
  if (!existsSync(path.join(dir, 'model.json'))) return;
  const averaged = gan.averageWeights(state.averagedGenerator ?? {});
  await averaged.restore(dir);
}

/** The built-in auxiliary task a checkpoint's config names (`undefined` for none). */
function savedAuxiliary(config: GanConfig, file: string): AuxiliaryTask | undefined {
  const saved: unknown = config.auxiliary;
  if (saved === undefined) return undefined;
  if (saved === null || typeof saved !== 'object' || typeof (saved as NamedConfig).name !== 'string') {
    throw new CheckpointError(file, `config.auxiliary: expected { name, ...options }, got ${JSON.stringify(saved)}`);
  }
  const named = saved as NamedConfig;
  let task: AuxiliaryTask | null;
  try {
    task = auxiliaryFromConfig(named);
  } catch (error) {
    throw new CheckpointError(
      file,
      `config.auxiliary: cannot rebuild the task '${named.name}' (${(error as Error).message})`,
    );
  }
  if (task === null)
    throw new CheckpointError(
      file,
      `config.auxiliary: the checkpoint was trained with the user-written auxiliary task '${named.name}'; pass it to loadGan(dir, { auxiliary })`,
    );
  return task;
}

/** A stand-in loss for checkpoints trained with a custom loss: generating works, training says what to do. */
function unknownLoss(name: string): GanLoss {
  const fail = (): never => {
    throw new GanConfigError(
      'loss',
      `the checkpoint was trained with the custom loss '${name}', whose class is not registered; register it with registerSerializable('loss', YourLossClass) before loading, or pass it to loadGan(dir, { loss }), to continue training`,
    );
  };
  return { name, discriminatorLoss: fail, generatorLoss: fail };
}
