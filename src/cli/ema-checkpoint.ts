/**
 * The averaged generator of a training run ({@link EmaGenerator}) inside its checkpoints: saved as
 * an `ema-generator/` folder next to `generator/` and `discriminator/` in each `step-NNNNNNNNN/`
 * checkpoint, restored on `--resume`, and measured by `gankit eval`.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Gan } from '../gan';
import { checkpointName, STATE_FILE } from '../train/checkpoint';
import type { TrainerCallback } from '../train/trainer';
import { emaGenerator, type EmaGenerator } from '../train/ema';
import type { GanTrainer } from '../train/trainer';
import { generateImages, type GenerateOptions } from '../train/generate';

/** The folder of a checkpoint that holds the averaged generator (a TensorFlow.js model). */
export const EMA_GENERATOR_DIR = 'ema-generator';

/**
 * The checkpoint folder `root` holds for `step`: `root` itself when it is one checkpoint
 * (it has `gankit.json`), else its `step-NNNNNNNNN/` folder.
 */
export function checkpointDirForStep(root: string, step: number): string {
  return existsSync(path.join(root, STATE_FILE)) ? root : path.join(root, checkpointName(step));
}

/**
 * A callback that saves `ema` into the checkpoint the run's checkpoint callbacks have just
 * written: after each epoch and when training ends (Ctrl-C), when `root`'s checkpoint of the
 * current step exists and has no `ema-generator/` yet. Put it after `checkpoints(...)` and
 * `saveOnInterrupt(...)` in the callback list.
 *
 * The folder is written after the checkpoint's manifest, so it is not among the checksummed
 * files; a checkpoint without it (a crash in between) resumes with the average restarted from G.
 *
 * @example
 * ```ts
 * const ema = emaGenerator(gan, { decay: 0.999 });
 * await gan.fit(data, { callbacks: [ema, checkpoints(gan, { dir: 'out/ckpt' }), emaCheckpoints(ema, gan, 'out/ckpt')] });
 * ```
 */
export function emaCheckpoints(ema: EmaGenerator, gan: Gan, root: string): TrainerCallback {
  const save = async (): Promise<void> => {
    const dir = checkpointDirForStep(root, gan.trainer.step);
    if (!existsSync(path.join(dir, STATE_FILE)) || existsSync(path.join(dir, EMA_GENERATOR_DIR))) return;
    await ema.save(path.join(dir, EMA_GENERATOR_DIR));
  };
  return { onEpochEnd: save, onTrainEnd: save };
}

/**
 * Puts the averaged generator saved in `root`'s checkpoint of `step` back into `ema`.
 *
 * @returns the folder it was read from, or `null` when that checkpoint holds none (`ema` is left
 * as it is: a copy of G).
 * @throws {@link CheckpointError} when the saved model does not load or does not fit.
 */
export async function restoreEma(ema: EmaGenerator, root: string, step: number): Promise<string | null> {
  const dir = path.join(checkpointDirForStep(root, step), EMA_GENERATOR_DIR);
  if (!existsSync(path.join(dir, 'model.json'))) return null;
  await ema.restore(dir);
  return dir;
}

/**
 * The averaged generator of the checkpoint `gan` was loaded from (`root`, as given to `loadGAN`),
 * as an {@link EmaGenerator} of `gan` (its `shadow` is the model; the caller disposes it).
 *
 * @returns the average, or `null` when the checkpoint has no `ema-generator/`.
 * @throws {@link CheckpointError} when the folder is there but the model does not load or does not
 * fit `gan`'s generator.
 */
export async function loadEmaGenerator(root: string, gan: Gan): Promise<EmaGenerator | null> {
  const ema = emaGenerator(gan);
  try {
    if ((await restoreEma(ema, root, gan.trainer.step)) !== null) return ema;
  } catch (error) {
    ema.dispose();
    throw error;
  }
  ema.dispose();
  return null;
}

/**
 * A view of `gan` whose `generate()` (and its trainer's) draws from `generator`, e.g. the averaged
 * one, instead of `gan.generator`; everything else (config, classes, step) is `gan`'s. For
 * measuring or showing the averaged generator with code that takes a {@link Gan} or reads
 * `trainer.generate`. Do not train the view.
 *
 * @example
 * ```ts
 * const metrics = await evaluateGan(sampleFrom(gan, ema.shadow));
 * ```
 */
export function sampleFrom(gan: Gan, generator: tfl.LayersModel): Gan {
  const t = gan.trainer;
  const info = {
    latentDim: t.latentDim,
    numClasses: t.numClasses,
    outputActivation: t.outputActivation,
    auxiliary: t.auxiliary,
  };
  const trainer = Object.create(t) as GanTrainer;
  Object.defineProperty(trainer, 'generate', {
    value: (options: GenerateOptions): tf.Tensor4D => generateImages(generator, info, options),
  });
  const view = Object.create(gan) as Gan;
  Object.defineProperty(view, 'trainer', { value: trainer });
  return view;
}
