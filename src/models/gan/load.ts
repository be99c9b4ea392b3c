/**
 * GAN checkpoints on disk (Node only): {@link saveGan} behind `Gan.save`, and {@link loadGan}.
 * The browser entry leaves this module out; src/node-services.ts installs it.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../errors';
import { Gan } from './gan';
import { type GanConfig, type LoadGanOptions } from './config';
import { type NamedConfig } from '../../core/types';
import type { GanLoss } from '../../losses/types';
import type { AuxiliaryTask } from '../../losses/auxiliary';
import { auxiliaryFromConfig, lossFromConfig } from '../../losses/registry';
import { checkSaveTarget } from '../../io/replace-guard';
import { AVERAGED_GENERATOR_DIR } from '../../train/checkpoint';
import {
  loadCheckpointNets,
  restoreNetsTraining,
  writeNetsCheckpoint,
  type CheckpointNet,
  type NetsCheckpointContents,
} from '../../train/nets-checkpoint';
import { GAN_FAMILY, GAN_NETS, averagedGeneratorOptions, ganStateFile, resolveCheckpoint } from './checkpoint-state';

/** G and D of `gan` with their optimizers, as a named-nets checkpoint holds them. @internal */
export function ganTrainedNets(gan: Gan): Record<(typeof GAN_NETS)[number], CheckpointNet> {
  return {
    generator: { model: gan.generator, optimizer: gan.trainer.generatorOptimizer },
    discriminator: { model: gan.discriminator, optimizer: gan.trainer.discriminatorOptimizer },
  };
}

/**
 * What `Gan.save` writes: G and D with their optimizers, and the averaged generator (when the GAN
 * keeps one) as the frozen net `ema-generator` with its options as `extra.averagedGenerator`.
 * @internal
 */
export function ganCheckpointContents(gan: Gan): NetsCheckpointContents<GanConfig> {
  const averaged = gan.averaged;
  return {
    family: GAN_FAMILY,
    config: gan.config,
    state: gan.state,
    nets: {
      ...ganTrainedNets(gan),
      ...(averaged === null ? {} : { [AVERAGED_GENERATOR_DIR]: { model: averaged.shadow, optimizer: null } }),
    },
    extra: averaged === null ? {} : { averagedGenerator: averaged.options },
  };
}

/** Writes `gan`'s checkpoint folder: the work behind {@link Gan.save} (see there). */
export async function saveGan(gan: Gan, dir: string): Promise<void> {
  const target = checkSaveTarget(dir, 'Gan.save(dir)');
  await writeNetsCheckpoint(ganCheckpointContents(gan), target);
}

/**
 * Loads a GAN saved with {@link Gan.save} or {@link io.saveCheckpoint}: models, optimizer state,
 * step, epoch, position inside the epoch, random stream, config and the averaged generator,
 * ready to `generate()` or to continue `fit()` exactly where it stopped. `dir` may be one
 * checkpoint, or a folder of `step-*` checkpoints, of which the newest that passes its checksums
 * is loaded. Checkpoints of the older GAN formats (`gankit.json`, formats 1 and 2) load too.
 *
 * @example
 * ```ts
 * const gan = await loadGan('out/cgan-mnist/checkpoint');
 * await gan.fit(data, { epochs: gan.trainer.epoch + 1 }); // one more epoch
 * ```
 * @throws {@link CheckpointError} naming the file when a file is missing, changed since it was
 * written (checksum), unreadable, of another format or family or of a newer format version, or
 * when a weight is missing or of the wrong shape.
 */
export async function loadGan(dir: string, options: LoadGanOptions = {}): Promise<Gan> {
  const { dir: root, state, skipped } = await resolveCheckpoint(dir);
  for (const s of skipped) options.onSkip?.(s.dir, s.error);
  const config = state.config;
  const stateFile = ganStateFile(root, state);
  const { generator, discriminator } = await loadCheckpointNets(root, GAN_NETS);
  const loss = options.loss ?? lossFromConfig(config.loss);
  let gan: Gan;
  try {
    const auxiliary = options.auxiliary ?? savedAuxiliary(config, stateFile);
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
        stateFile,
        `config.latentDim is ${config.latentDim}${codeDim > 0 ? ` (plus ${codeDim} code values)` : ''}, but the saved generator takes z of width ${zWidth}`,
      );
    }
    gan = new Gan(generator, discriminator, loss ?? unknownLoss(config.loss.name), config, undefined, auxiliary);
  } catch (error) {
    generator.dispose();
    discriminator.dispose();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(stateFile, `does not fit the saved models (${(error as Error).message})`);
  }
  try {
    await restoreNetsTraining(root, state, gan.state, ganTrainedNets(gan));
    const averaged = averagedGeneratorOptions(state);
    if (options.averagedGenerator !== false && averaged !== null)
      await gan.averageWeights(averaged).restore(path.join(root, AVERAGED_GENERATOR_DIR));
  } catch (error) {
    gan.dispose();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(root, `cannot restore the training state (${(error as Error).message})`);
  }
  return gan;
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
