/**
 * Loading a CycleGAN checkpoint back into a {@link CycleGan} that can translate or continue
 * training exactly where it stopped.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../errors';
import type { GanLoss } from '../../losses/types';
import { lossFromConfig } from '../../losses/registry';
import {
  NETS_STATE_FILE,
  loadCheckpointNets,
  readNetsCheckpointBlob,
  restoreNetsTraining,
} from '../../train/nets-checkpoint';
import { CYCLE_POOL_BLOBS, resolveCycleCheckpoint } from './checkpoint';
import { CYCLE_NETS, type CycleGanModels } from './config';
import { CycleGan } from './cycle-gan';
import { CycleLeastSquaresLoss } from '../../losses/cycle';

/**
 * Options of {@link loadCycleGan}.
 *
 * @example
 * ```ts
 * const cycle = await loadCycleGan('out/checkpoint', { onSkip: (dir, error) => console.warn(`skipping ${dir}: ${error.message}`) });
 * ```
 */
export interface LoadCycleGanOptions {
  /** The adversarial loss to continue training with, required when the checkpoint used a user-written one. */
  adversarial?: GanLoss;
  /** Called for each newer checkpoint of a folder that failed to verify and was passed over. */
  onSkip?(dir: string, error: CheckpointError): void;
}

/** A stand-in for a user-written adversarial loss: translating works, training says what to do. */
function unknownLoss(name: string): GanLoss {
  const fail = (): never => {
    throw new GanConfigError(
      'adversarial',
      `the checkpoint was trained with the custom loss '${name}', whose class is not registered; register it with registerSerializable('loss', YourLossClass) before loading, or pass it to loadCycleGan(dir, { adversarial }), to continue training`,
    );
  };
  return { name, discriminatorLoss: fail, generatorLoss: fail };
}

/**
 * Loads a CycleGAN saved with {@link CycleGan.save} or {@link io.saveCycleCheckpoint}: the four
 * models, the four optimizers' state, both image pools, step, epoch, position inside the epoch,
 * random stream and config, ready to `translate()` or to continue `fit()` exactly where it
 * stopped. `dir` may be one checkpoint, or a folder of `step-*` checkpoints, of which the newest
 * that passes its checksums is loaded. Checkpoints of the older CycleGAN format (`cyclegan.json`,
 * without the batch size and epoch length of the run) load too.
 *
 * @example
 * ```ts
 * const cycle = await loadCycleGan('out/cyclegan-mnist-fashion/checkpoint');
 * const clothes = cycle.translate(digits, 'xToY');
 * await cycle.fit(mnist, fashion, { epochs: cycle.epoch + 1, batchSize: 8 }); // one more epoch
 * ```
 * @throws {@link CheckpointError} naming the file when a file is missing, changed since it was
 * written (checksum), unreadable, of another format (a GAN checkpoint, say) or of a newer format
 * version, or when a weight, an optimizer value or a pool does not fit the models.
 */
export async function loadCycleGan(dir: string, options: LoadCycleGanOptions = {}): Promise<CycleGan> {
  const { dir: root, state, pools } = await resolveCycleCheckpoint(dir, options.onSkip);
  const config = state.config;
  const nets = await loadCheckpointNets(root, CYCLE_NETS);
  let gan: CycleGan;
  try {
    let adversarial = options.adversarial;
    if (adversarial === undefined) {
      const saved = config.adversarial;
      // Checkpoints written before the serialization registry mark CycleGAN's own loss `builtin`.
      adversarial =
        saved.name === 'cycle-least-squares' && saved.builtin === true && saved.className === undefined
          ? new CycleLeastSquaresLoss()
          : (lossFromConfig(saved) ?? unknownLoss(saved.name));
    }
    try {
      gan = new CycleGan(nets as unknown as CycleGanModels, adversarial, config);
    } catch (error) {
      throw new CheckpointError(
        path.join(root, NETS_STATE_FILE),
        `does not fit the saved models (${(error as Error).message})`,
      );
    }
  } catch (error) {
    for (const model of Object.values(nets)) model.dispose();
    throw error;
  }
  try {
    const trained = Object.fromEntries(
      CYCLE_NETS.map((name) => [name, { model: gan.models[name], optimizer: gan.optimizers[name] }]),
    );
    await restoreNetsTraining(root, state, gan.state, trained);
    const expected = config.poolSize * config.imageShape.reduce((a, b) => a * b, 1) * 4;
    for (const [key, pool] of [
      ['x', gan.poolX],
      ['y', gan.poolY],
    ] as const) {
      const blob = CYCLE_POOL_BLOBS[key];
      if (state.blobs[blob] !== expected)
        throw new CheckpointError(
          path.join(root, `${blob}.bin`),
          `holds ${state.blobs[blob]} bytes; a pool of ${config.poolSize} images of [${config.imageShape}] needs ${expected}`,
        );
      const bytes = await readNetsCheckpointBlob(root, state, blob);
      pool.write(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), pools[key]);
    }
  } catch (error) {
    gan.dispose();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(root, `cannot restore the training state (${(error as Error).message})`);
  }
  return gan;
}
