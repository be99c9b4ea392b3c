/// <reference lib="dom" />
/**
 * Sample grids and loss plots on a web page: {@link RgbaImage} to the DOM's `ImageData` (browser
 * entry only; in Node, write PNG files instead).
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { checkRgbaImage, type RgbaImage } from './grid';

/**
 * Wraps an {@link RgbaImage} as a DOM `ImageData`, ready for a canvas's `putImageData` (browser
 * only: `ImageData` is a DOM class). The pixels are shared, not copied.
 *
 * @throws {@link GanConfigError} when the image's size and data length do not match, or when
 * `ImageData` does not exist (not a browser).
 *
 * @example
 * ```ts
 * const grid = imageGrid(gan.generate({ labels: [3, 3, 3, 3], seed: 1 }), { scale: 4 });
 * canvas.width = grid.width;
 * canvas.height = grid.height;
 * canvas.getContext('2d')!.putImageData(toImageData(grid), 0, 0);
 * ```
 */
export function toImageData(image: RgbaImage): ImageData {
  checkRgbaImage(image);
  if (typeof ImageData === 'undefined')
    throw new GanConfigError('image', 'toImageData needs the DOM class ImageData (a browser or a web worker)');
  const { buffer, byteOffset, byteLength } = image.data;
  return new ImageData(new Uint8ClampedArray(buffer as ArrayBuffer, byteOffset, byteLength), image.width, image.height);
}
