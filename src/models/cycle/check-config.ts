/**
 * The check of the CycleGAN config a checkpoint holds, shared by both formats' readers.
 *
 * @packageDocumentation
 */
import { CheckpointError } from '../../errors';
import { checkPerNetAdamConfig, isInt, isObject } from '../../train/checkpoint-state-checks';
import type { CycleGanConfig } from './config';

/**
 * `c` as a {@link CycleGanConfig}, after checking every field a loader relies on.
 * @throws {@link CheckpointError} naming `file` and the field.
 * @internal
 */
export function checkCycleGanConfig(c: unknown, file: string): CycleGanConfig {
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
  checkPerNetAdamConfig(c.optimizer, fail);
  if (!isInt(c.seed)) fail(`seed: expected a non-negative integer, got ${JSON.stringify(c.seed)}`);
  return c as unknown as CycleGanConfig;
}
