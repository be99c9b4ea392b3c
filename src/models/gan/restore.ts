/**
 * `Gan.restore` (Node only): a GAN checkpoint of any format put into a GAN that exists, in place,
 * through the reader `loadGan` uses, without building a second GAN to copy from. Installed by
 * src/node-services.ts.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { AVERAGED_GENERATOR_DIR } from '../../train/checkpoint';
import { restoreTrainingCounters } from '../../train/nets-checkpoint';
import { readNetWeights, readOptimizerState, replaceOptimizerState, type NamedWeight } from '../../train/net-state';
import type { Gan } from './gan';
import { GAN_NETS, averagedGeneratorOptions, resolveCheckpoint } from './checkpoint-state';
import { ganTrainedNets } from './load';

/**
 * Puts the training state of the GAN checkpoint `dir` (weights, optimizer states, step, epoch,
 * progress, random stream and the averaged generator) into `gan`, in place: the work behind
 * {@link Gan.restore}. Everything is read and checked against `gan`'s nets first, so a
 * checkpoint that does not fit leaves `gan` as it was. When `gan` averages G and the checkpoint
 * holds no average, the average restarts from the restored G.
 *
 * @returns the step restored.
 * @throws {@link CheckpointError} naming the file that does not load or does not fit `gan`'s nets.
 * @internal
 */
export async function restoreGan(gan: Gan, dir: string): Promise<number> {
  const { dir: root, state } = await resolveCheckpoint(dir);
  const nets = ganTrainedNets(gan);
  const averaged = gan.averaged;
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(tensors: T[]): T[] => {
    owned.push(...tensors);
    return tensors;
  };
  try {
    const weights: Partial<Record<string, tf.Tensor[]>> = {};
    const optimizers: Partial<Record<string, NamedWeight[]>> = {};
    for (const name of GAN_NETS) {
      weights[name] = keep(await readNetWeights(path.join(root, name), nets[name].model, `GAN's ${name}`));
      const specs = state.nets[name]?.optimizer;
      // A checkpoint without the net's optimizer state (saved before training) restores a fresh one.
      const saved =
        specs === null || specs === undefined
          ? [{ name: 'iter', tensor: tf.scalar(0) }]
          : await readOptimizerState(root, name, nets[name].model, specs);
      keep(saved.map((w) => w.tensor));
      optimizers[name] = saved;
    }
    const average =
      averaged !== null && averagedGeneratorOptions(state) !== null
        ? keep(await readNetWeights(path.join(root, AVERAGED_GENERATOR_DIR), averaged.shadow, 'averaged generator'))
        : null;
    // Everything fits: from here on the GAN changes.
    for (const name of GAN_NETS) {
      nets[name].model.setWeights(weights[name] as tf.Tensor[]);
      const optimizer = nets[name].optimizer as tf.Optimizer;
      await replaceOptimizerState(optimizer, optimizers[name] as NamedWeight[], state.nets[name]?.adamPowers);
    }
    restoreTrainingCounters(state, gan.state);
    if (averaged !== null) {
      if (average === null) averaged.copy();
      else averaged.setAverage(average, path.join(root, AVERAGED_GENERATOR_DIR));
    }
    return state.step;
  } finally {
    tf.dispose(owned);
  }
}
