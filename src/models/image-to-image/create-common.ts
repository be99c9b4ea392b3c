/**
 * What the image-to-image factories share: the seed check and the checkpointed description of
 * the content loss's feature term.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../../errors';
import type { ContentFeatures, ImageToImageConfig } from './config';

/**
 * A checked seed, or a random one when none is given.
 * @internal
 */
export function checkSeed(seed: number | undefined): number {
  const value = seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new GanConfigError('seed', `expected a non-negative integer, got ${value}`);
  return value;
}

/**
 * The config's `content` entry for a feature term (its net is saved beside G and D), or nothing.
 * @internal
 */
export function contentConfig(content: ContentFeatures | undefined): Pick<ImageToImageConfig, 'content'> {
  if (content === undefined) return {};
  return { content: { layers: [...content.layers], weight: content.weight, distance: content.distance ?? 'l2' } };
}
