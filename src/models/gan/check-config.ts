/**
 * The check of the GAN config a checkpoint holds, shared by the named-nets reader and the reader
 * of the older `gankit.json` formats.
 *
 * @packageDocumentation
 */
import { CheckpointError } from '../../errors';
import { checkPerNetAdamConfig, isInt, isObject } from '../../train/checkpoint-state-checks';
import type { GanConfig } from './config';

/**
 * `config` as a {@link GanConfig}, after checking every field a loader relies on.
 * @throws {@link CheckpointError} naming `file` and the field.
 * @internal
 */
export function checkGanConfig(config: unknown, file: string): GanConfig {
  const fail = (what: string): never => {
    throw new CheckpointError(file, `config.${what}`);
  };
  if (!isObject(config)) return fail('is missing or not an object');
  const c = config as Partial<GanConfig> & Record<string, unknown>;
  if (!isInt(c.latentDim, 1)) fail(`latentDim: expected a positive integer, got ${JSON.stringify(c.latentDim)}`);
  if (!Array.isArray(c.imageShape) || c.imageShape.length !== 3 || !c.imageShape.every((d) => isInt(d, 1)))
    fail(`imageShape: expected [height, width, channels], got ${JSON.stringify(c.imageShape)}`);
  if (!isInt(c.numClasses)) fail(`numClasses: expected a non-negative integer, got ${JSON.stringify(c.numClasses)}`);
  if (c.architecture !== 'mlp' && c.architecture !== 'dcgan' && c.architecture !== 'custom')
    fail(`architecture: expected 'mlp', 'dcgan' or 'custom', got ${JSON.stringify(c.architecture)}`);
  if (c.outputActivation !== 'tanh' && c.outputActivation !== 'sigmoid')
    fail(`outputActivation: expected 'tanh' or 'sigmoid', got ${JSON.stringify(c.outputActivation)}`);
  if (!isObject(c.loss) || typeof c.loss.name !== 'string')
    fail(`loss: expected { name, ...options }, got ${JSON.stringify(c.loss)}`);
  if (c.conditioning !== undefined && (!isObject(c.conditioning) || typeof c.conditioning.name !== 'string'))
    fail(`conditioning: expected { name, ...options }, got ${JSON.stringify(c.conditioning)}`);
  checkPerNetAdamConfig(c.optimizer, fail);
  if (!isInt(c.discriminatorSteps, 1))
    fail(`discriminatorSteps: expected a positive integer, got ${JSON.stringify(c.discriminatorSteps)}`);
  if (!isInt(c.seed)) fail(`seed: expected a non-negative integer, got ${JSON.stringify(c.seed)}`);
  return c as GanConfig;
}
