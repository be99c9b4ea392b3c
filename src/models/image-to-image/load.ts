/**
 * Loading an image-to-image checkpoint back into an {@link ImageToImageGan} that can translate or
 * continue training exactly where it stopped.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STATE_FILE } from '../../train/checkpoint';
import { CheckpointError, GanConfigError } from '../../errors';
import type { GanLoss } from '../../losses/types';
import { lossFromConfig } from '../../losses/registry';
import { checkPerNetAdamConfig, isInt, isObject } from '../../train/checkpoint-state-checks';
import {
  NETS_STATE_FILE,
  loadCheckpointNets,
  resolveNetsCheckpoint,
  restoreNetsTraining,
  type NetsCheckpointKind,
} from '../../train/nets-checkpoint';
import type { ImageToImageConfig } from './config';
import { IMAGE_TO_IMAGE_FAMILY, ImageToImageGan } from './image-to-image-gan';
import { IMAGE_TO_IMAGE_LOG_NAMES } from './logs';

/**
 * Options of {@link loadImageToImageGan}.
 *
 * @example
 * ```ts
 * const upscaler = await loadImageToImageGan('out/checkpoint', { onSkip: (dir, error) => console.warn(dir, error.message) });
 * ```
 */
export interface LoadImageToImageOptions {
  /** The adversarial loss to continue training with, required when the checkpoint used a user-written one. */
  adversarial?: GanLoss;
  /** Called for each newer checkpoint of a folder that failed to verify and was passed over. */
  onSkip?(dir: string, error: CheckpointError): void;
}

function checkConfig(c: unknown, file: string): ImageToImageConfig {
  const fail = (what: string): never => {
    throw new CheckpointError(file, `config.${what}`);
  };
  if (!isObject(c)) return fail('is missing or not an object');
  if (c.family !== 'pix2pix' && c.family !== 'super-resolution' && c.family !== 'custom')
    fail(`family: expected 'pix2pix', 'super-resolution' or 'custom', got ${JSON.stringify(c.family)}`);
  for (const key of ['inputShape', 'targetShape'] as const) {
    const shape = c[key];
    if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => isInt(d, 1)))
      fail(`${key}: expected [height, width, channels], got ${JSON.stringify(shape)}`);
  }
  if (typeof c.architecture !== 'string')
    fail(`architecture: expected a string, got ${JSON.stringify(c.architecture)}`);
  if (!isObject(c.adversarial) || typeof c.adversarial.name !== 'string')
    fail(`adversarial: expected { name, ...options }, got ${JSON.stringify(c.adversarial)}`);
  for (const key of ['adversarialWeight', 'pixelWeight'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      fail(`${key}: expected a non-negative number, got ${JSON.stringify(v)}`);
  }
  if (typeof c.conditionalDiscriminator !== 'boolean')
    fail(`conditionalDiscriminator: expected true or false, got ${JSON.stringify(c.conditionalDiscriminator)}`);
  if (c.pixelLoss !== 'l1' && c.pixelLoss !== 'l2')
    fail(`pixelLoss: expected 'l1' or 'l2', got ${JSON.stringify(c.pixelLoss)}`);
  if (c.content !== undefined) {
    const k = c.content;
    const ok =
      isObject(k) &&
      Array.isArray(k.layers) &&
      k.layers.length > 0 &&
      k.layers.every((l) => typeof l === 'string') &&
      typeof k.weight === 'number' &&
      Number.isFinite(k.weight) &&
      k.weight >= 0 &&
      (k.distance === 'l1' || k.distance === 'l2');
    if (!ok) fail(`content: expected { layers, weight, distance }, got ${JSON.stringify(k)?.slice(0, 200)}`);
  }
  checkPerNetAdamConfig(c.optimizer, fail);
  if (!isInt(c.seed)) fail(`seed: expected a non-negative integer, got ${JSON.stringify(c.seed)}`);
  return c as unknown as ImageToImageConfig;
}

const KIND: NetsCheckpointKind<ImageToImageConfig> = {
  family: IMAGE_TO_IMAGE_FAMILY,
  label: 'image-to-image GAN',
  netNames: ['generator', 'discriminator'],
  logCount: IMAGE_TO_IMAGE_LOG_NAMES.length,
  streams: 1,
  checkConfig,
};

/** The error for a folder holding another kind of gankit checkpoint (saying which loader reads it), or `null`. */
async function otherKind(dir: string): Promise<CheckpointError | null> {
  const has = (file: string): Promise<boolean> =>
    fs.stat(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  if (await has(STATE_FILE))
    return new CheckpointError(
      dir,
      `holds a GAN checkpoint (${STATE_FILE}), not an image-to-image one; load it with loadGan() (gankit sample draws it)`,
    );
  if (await has('cyclegan.json'))
    return new CheckpointError(
      dir,
      'holds a CycleGAN checkpoint (cyclegan.json), not an image-to-image one; load it with loadCycleGan()',
    );
  return null;
}

/** A stand-in for a user-written adversarial loss: translating works, training says what to do. */
function unknownLoss(name: string): GanLoss {
  const fail = (): never => {
    throw new GanConfigError(
      'adversarial',
      `the checkpoint was trained with the custom loss '${name}', whose class is not registered; register it with registerSerializable('loss', YourLossClass) before loading, or pass it to loadImageToImageGan(dir, { adversarial }), to continue training`,
    );
  };
  return { name, discriminatorLoss: fail, generatorLoss: fail };
}

/**
 * Loads a model saved with {@link ImageToImageGan.save} (or into a collection with
 * {@link io.saveCheckpoint}): G, D, the feature net if any, both optimizers' state, step, epoch,
 * position inside the epoch, random stream and config, ready to `translate()` or to continue
 * `fit()` exactly where it stopped. `dir` may be one checkpoint, or a folder of `step-*`
 * checkpoints, of which the newest that passes its checksums is loaded.
 *
 * @example
 * ```ts
 * const pix2pix = await loadImageToImageGan('out/pix2pix-emoji/checkpoint');
 * const made = pix2pix.translate(edges);
 * await pix2pix.fit(pairs, { epochs: pix2pix.epoch + 1, batchSize: 16 }); // one more epoch
 * ```
 * @throws {@link CheckpointError} naming the file when a file is missing, changed since it was
 * written (checksum), unreadable, of another format or family, or when a weight or an optimizer
 * value does not fit the nets.
 */
export async function loadImageToImageGan(
  dir: string,
  options: LoadImageToImageOptions = {},
): Promise<ImageToImageGan> {
  const { dir: root, state } = await resolveNetsCheckpoint(dir, KIND, options.onSkip).catch(async (error: unknown) => {
    throw (await otherKind(dir)) ?? error;
  });
  const config = state.config;
  const stateFile = path.join(root, NETS_STATE_FILE);
  if ((config.content === undefined) === 'features' in state.nets)
    throw new CheckpointError(stateFile, 'config.content and the saved feature net (nets.features) must come together');
  const nets = await loadCheckpointNets(root, Object.keys(state.nets));
  let gan: ImageToImageGan;
  try {
    const adversarial =
      options.adversarial ?? lossFromConfig(config.adversarial) ?? unknownLoss(config.adversarial.name);
    const content =
      config.content === undefined
        ? null
        : {
            model: nets.features,
            layers: config.content.layers,
            weight: config.content.weight,
            distance: config.content.distance,
          };
    try {
      gan = new ImageToImageGan(
        { generator: nets.generator, discriminator: nets.discriminator },
        adversarial,
        config,
        content,
      );
    } catch (error) {
      throw new CheckpointError(stateFile, `does not fit the saved nets (${(error as Error).message})`);
    }
  } catch (error) {
    for (const model of Object.values(nets)) model.dispose();
    throw error;
  }
  try {
    await restoreNetsTraining(root, state, gan.state, gan.nets);
  } catch (error) {
    gan.dispose();
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(root, `cannot restore the training state (${(error as Error).message})`);
  }
  return gan;
}
