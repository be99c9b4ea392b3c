/**
 * The checks {@link ImageToImageGan}'s constructor makes of already-built parts: G takes one
 * input image and returns one target-shaped image, D takes what it judges (the target, with the
 * input's channels beside it when conditional), the adversarial loss has both methods and no
 * penalty, the weights are non-negative numbers and the feature net has the named layers.
 *
 * @packageDocumentation
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../../data/image-source';
import { GanConfigError } from '../../errors';
import type { GanLoss } from '../../losses/types';
import { checkImageShape } from '../../nets/common';
import type { ContentFeatures, ImageToImageConfig, ImageToImageModels } from './config';

const shapeText = (model: tfl.LayersModel, which: 'inputs' | 'outputs'): string =>
  model[which].map((t) => `[${t.shape.slice(1)}]`).join(', ');

function checkTakes(model: unknown, name: string, shape: ImageShape): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) throw new GanConfigError(name, 'expected a tfjs-layers model');
  const input = model.inputs[0].shape.slice(1);
  if (model.inputs.length !== 1 || input.length !== 3 || input.some((d, i) => d !== shape[i]))
    throw new GanConfigError(name, `takes ${shapeText(model, 'inputs')}; expected one image input of shape [${shape}]`);
  return model;
}

/**
 * The shape of what D judges: the target's, with the input's channels added when D is conditional.
 * @internal
 */
export function judgedShape(
  config: Pick<ImageToImageConfig, 'inputShape' | 'targetShape' | 'conditionalDiscriminator'>,
): ImageShape {
  const [h, w, c] = config.targetShape;
  return config.conditionalDiscriminator ? [h, w, c + config.inputShape[2]] : [h, w, c];
}

/**
 * Checks the parts an {@link ImageToImageGan} is wired from.
 * @throws {@link GanConfigError} naming the part that does not fit.
 * @internal
 */
export function checkImageToImageParts(
  models: ImageToImageModels,
  adversarial: GanLoss,
  config: ImageToImageConfig,
  content: ContentFeatures | null,
): void {
  const inputShape = checkImageShape(config.inputShape);
  const targetShape = checkImageShape(config.targetShape);
  if (models === null || typeof models !== 'object')
    throw new GanConfigError('models', 'expected { generator, discriminator }');
  const generator = checkTakes(models.generator, 'models.generator', inputShape);
  const out = generator.outputs[0].shape.slice(1);
  if (generator.outputs.length !== 1 || out.length !== 3 || out.some((d, i) => d !== targetShape[i]))
    throw new GanConfigError(
      'models.generator',
      `outputs ${shapeText(generator, 'outputs')}; expected one image of the target shape [${targetShape}]`,
    );
  checkTakes(models.discriminator, 'models.discriminator', judgedShape(config));
  for (const key of ['discriminatorLoss', 'generatorLoss'] as const) {
    if (typeof (adversarial as unknown as Record<string, unknown>)?.[key] !== 'function')
      throw new GanConfigError('adversarial', `expected a GanLoss with a ${key}() method`);
  }
  if (adversarial.discriminatorPenalty !== undefined)
    throw new GanConfigError(
      'adversarial',
      `the loss '${adversarial.name}' has a discriminator penalty, which an image-to-image GAN does not apply; use a loss without one`,
    );
  for (const key of ['adversarialWeight', 'pixelWeight'] as const) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new GanConfigError(key, `expected a non-negative number, got ${String(v)}`);
  }
  if (config.pixelLoss !== 'l1' && config.pixelLoss !== 'l2')
    throw new GanConfigError('pixelLoss', `expected 'l1' or 'l2', got ${JSON.stringify(config.pixelLoss)}`);
  if (content !== null) {
    const c = content;
    if (!(c.model instanceof tfl.LayersModel))
      throw new GanConfigError('content.model', 'expected a tfjs-layers model');
    checkTakes(c.model, 'content.model', targetShape);
    if (!Array.isArray(c.layers) || c.layers.length === 0)
      throw new GanConfigError('content.layers', 'expected the names of one or more layers of content.model');
    const names = c.model.layers.map((l) => l.name);
    for (const layer of c.layers)
      if (!names.includes(layer))
        throw new GanConfigError('content.layers', `content.model has no layer '${layer}'; it has ${names.join(', ')}`);
    if (typeof c.weight !== 'number' || !Number.isFinite(c.weight) || c.weight < 0)
      throw new GanConfigError('content.weight', `expected a non-negative number, got ${String(c.weight)}`);
    if (c.distance !== undefined && c.distance !== 'l1' && c.distance !== 'l2')
      throw new GanConfigError('content.distance', `expected 'l1' or 'l2', got ${JSON.stringify(c.distance)}`);
  }
}
