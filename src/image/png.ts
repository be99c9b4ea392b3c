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
import { checkReplaceableFile } from '../io/output-path';
import type { TrainingLogs } from '../train/callbacks';
import { checkRgbaImage, describe, imageGrid, type GridOptions, type RgbaImage } from './grid';
import { lossPlotImage, type LossPlotOptions } from './loss-plot';

/** The text chunk that marks a PNG as gankit's: keyword `Software`, value `gankit`. */
const MARK_KEYWORD = 'Software';
const MARK_VALUE = 'gankit';
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO 3309, as PNG chunks use it) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** `png` with a `tEXt` chunk `Software: gankit` inserted after IHDR (the first chunk, 25 bytes). */
function withMark(png: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(`${MARK_KEYWORD}\0${MARK_VALUE}`);
  const chunk = new Uint8Array(12 + text.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, text.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(text, 8);
  view.setUint32(8 + text.length, crc32(chunk.subarray(4, 8 + text.length)));
  const end = 8 + 25;
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, end));
  out.set(chunk, end);
  out.set(png.subarray(end), end + chunk.length);
  return out;
}

/**
 * True when `bytes` are a PNG that gankit wrote (its `tEXt` chunk `Software: gankit`, before the
 * image data). Sample grids and loss charts overwrite only such files.
 *
 * @example
 * ```ts
 * isGankitPng(fs.readFileSync('out/samples/epoch-001.png')); // true
 * ```
 */
export function isGankitPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expected = `${MARK_KEYWORD}\0${MARK_VALUE}`;
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT' || type === 'IEND') return false;
    if (type === 'tEXt' && at + 12 + length <= bytes.length) {
      if (new TextDecoder().decode(bytes.subarray(at + 8, at + 8 + length)) === expected) return true;
    }
    at += 12 + length;
  }
  return false;
}

/**
 * Refuses a PNG path where gankit may not write: a file there that gankit did not write, a folder,
 * or a parent that is a file.
 *
 * @param file - The PNG file.
 * @param argument - What messages call it, e.g. `sampleGrids({ dir })`.
 * @throws {@link OutputPathError} naming the file.
 */
export function checkPngTarget(file: string, argument: string): Promise<void> {
  return checkReplaceableFile(file, argument, 'a PNG that gankit wrote', isGankitPng);
}

async function writePngAtomic(file: string, bytes: Uint8Array, argument: string): Promise<void> {
  await checkPngTarget(file, argument);
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
  // A copy (the Buffer may be a view on Node's shared pool), marked as gankit's.
  return withMark(new Uint8Array(out));
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
 * @param path - Where to write the PNG file (an existing PNG that gankit wrote is replaced; any other file is refused).
 * @param images - `[n, height, width, channels]` with 1 or 3 channels, values in `inputRange`.
 * @param options - Layout and value range; see {@link GridOptions}.
 * @throws {@link GanConfigError} on invalid arguments (see {@link imageGrid}); {@link OutputPathError} when a file
 * gankit did not write is at `path` (nothing is written); other file system errors are rethrown as is.
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
  await writePngAtomic(path, encodePng(imageGrid(images, options)), 'saveImageGrid(path)');
}

/** Draws {@link pictures.lossPlotImage} and writes it as a PNG, atomically (temporary file, then rename). */
export async function saveLossPlot<R extends TrainingLogs>(
  file: string,
  rows: readonly R[],
  options: LossPlotOptions = {},
): Promise<void> {
  await writePngAtomic(file, encodePng(lossPlotImage(rows, options)), 'saveLossPlot(file)');
}
