/**
 * The checks {@link CycleGan}'s constructor makes of already-built parts: four tfjs-layers models
 * that take one image of the config's shape (the generators also returning one), an adversarial
 * loss with both methods and no discriminator penalty (CycleGAN does not apply one), and
 * non-negative λs.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../../data/image-source';
import { GanConfigError } from '../../errors';
import type { GanLoss } from '../../losses/types';
import { checkImageShape } from '../../nets/common';
import { CYCLE_NETS, type CycleGanConfig, type CycleGanModels } from './config';

/**
 * Checks the parts a {@link CycleGan} is wired from and returns the checked image shape.
 * @throws {@link GanConfigError} naming the part that does not fit.
 * @internal
 */
export function checkCycleGanParts(models: CycleGanModels, adversarial: GanLoss, config: CycleGanConfig): ImageShape {
  const imageShape = checkImageShape(config.imageShape);
  for (const name of CYCLE_NETS) {
    const model = models[name];
    if (!(model instanceof tfl.LayersModel)) throw new GanConfigError(`models.${name}`, 'expected a tfjs-layers model');
    const input = model.inputs[0].shape.slice(1);
    if (model.inputs.length !== 1 || input.some((d, i) => d !== imageShape[i])) {
      throw new GanConfigError(
        `models.${name}`,
        `takes [${model.inputs.map((t) => `[${t.shape.slice(1)}]`).join(', ')}]; expected one image input of shape [${imageShape}]`,
      );
    }
  }
  for (const name of ['generatorXY', 'generatorYX'] as const) {
    const out = models[name].outputs[0].shape.slice(1);
    if (models[name].outputs.length !== 1 || out.some((d, i) => d !== imageShape[i])) {
      throw new GanConfigError(
        `models.${name}`,
        `outputs [${out}]; a CycleGAN generator must output images of the input's shape [${imageShape}]`,
      );
    }
  }
  for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
    if (typeof (adversarial as unknown as Record<string, unknown>)?.[key] !== 'function')
      throw new GanConfigError('adversarial', `expected a GanLoss with a ${key}() method`);
  }
  if (adversarial.discriminatorPenalty !== undefined)
    throw new GanConfigError(
      'adversarial',
      `the loss '${adversarial.name}' has a discriminator penalty, which CycleGan does not apply; use a loss without one`,
    );
  for (const key of ['lambdaCycle', 'lambdaIdentity'] as const) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new GanConfigError(key, `expected a non-negative number, got ${String(v)}`);
  }
  return imageShape;
}
