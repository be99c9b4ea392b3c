/**
 * Images as PNG files (Node only): encode and decode 8-bit RGBA PNGs, and write sample grids and
 * loss plots atomically (a temporary file, then a rename), creating the folder if needed.
 *
 * @packageDocumentation
 */

import { mkdir } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { DataFormatError, GanConfigError } from '../errors';
import { writeFileAtomic } from '../io/file-system';
import type { TrainingLogs } from '../train/callbacks';
import { checkRgbaImage, describe, imageGrid, type GridOptions, type RgbaImage } from './grid';
import { lossPlotImage, type LossPlotOptions } from './loss-plot';

async function writePngAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(nodePath.dirname(nodePath.resolve(file)), { recursive: true });
  await writeFileAtomic(file, bytes);
}

/**
 * Encode an RGBA image as an 8-bit RGBA PNG file.
 *
 * @param image - The image to encode; `data` must hold `width * height * 4` bytes.
 * @returns The PNG file's bytes.
 * @throws {@link GanConfigError} when the image's size and data length do not match.
 *
 * @example
 * ```ts
 * fs.writeFileSync('samples.png', encodePng(imageGrid(fakes)));
 * ```
 */
export function encodePng(image: RgbaImage): Uint8Array {
  checkRgbaImage(image);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const out = PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true });
  // Copy: the Buffer may be a view on Node's shared pool.
  return new Uint8Array(out);
}

/**
 * Decode a PNG file into 8-bit RGBA (any PNG color type or bit depth is converted).
 *
 * @param bytes - The PNG file's bytes.
 * @returns The decoded image.
 * @throws {@link DataFormatError} when the bytes are not a valid PNG file.
 *
 * @example
 * ```ts
 * const { width, height, data } = decodePng(fs.readFileSync('samples.png'));
 * ```
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!(bytes instanceof Uint8Array)) {
    throw new GanConfigError('bytes', 'expected a Uint8Array (or Buffer) holding a PNG file');
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new DataFormatError(`not a valid PNG file: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/**
 * Tile `images` with {@link imageGrid} and write the grid as a PNG file. The parent directory is
 * created if needed; the file is written to a temporary name in the same directory and then
 * renamed into place, so readers never see a half-written file.
 *
 * The tensor is read before the first `await`, so the caller may dispose it as soon as the
 * call returns.
 *
 * @param path - Where to write the PNG file (an existing file is replaced).
 * @param images - `[n, height, width, channels]` with 1 or 3 channels, values in `inputRange`.
 * @param options - Layout and value range; see {@link GridOptions}.
 * @throws {@link GanConfigError} on invalid arguments (see {@link imageGrid}); file system errors are rethrown as is.
 *
 * @example
 * ```ts
 * await saveImageGrid(`out/epoch-${epoch}.png`, fakes, { columns: 10 });
 * ```
 */
export async function saveImageGrid(path: string, images: tf.Tensor4D, options?: GridOptions): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new GanConfigError('path', `expected a non-empty file path, got ${describe(path)}`);
  }
  await writePngAtomic(path, encodePng(imageGrid(images, options)));
}

/** Draws {@link lossPlotImage} and writes it as a PNG, atomically (temporary file, then rename). */
export async function saveLossPlot<R extends TrainingLogs>(
  file: string,
  rows: readonly R[],
  options: LossPlotOptions = {},
): Promise<void> {
  await writePngAtomic(file, encodePng(lossPlotImage(rows, options)));
}
