/**
 * Tile a batch of images into one picture (a "sample grid"), as RGBA bytes that any platform can
 * show: a PNG file in Node (src/image/png.ts), a canvas in the browser ({@link toImageData}).
 *
 * @packageDocumentation
 */

import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../errors';

/** Options of {@link imageGrid} and {@link saveImageGrid}. */
export interface GridOptions {
  /** Number of tiles per row; a positive integer (default `ceil(sqrt(n))` for `n` images). */
  columns?: number;
  /** Pixels between tiles and around the grid, a non-negative integer (default 2). Not scaled by `scale`. */
  padding?: number;
  /** Integer upscaling: each image pixel becomes a `scale × scale` block (default 1). */
  scale?: number;
  /** Gray level (0..255) of the padding and of empty cells (default 0, black). */
  background?: number;
  /** Value range of the input, `[low, high]` with `low < high`, mapped to 0..255 (default `[-1, 1]`). */
  inputRange?: [number, number];
}

/** An 8-bit RGBA image: `data` holds `width * height * 4` bytes, row-major, R G B A per pixel. */
export interface RgbaImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Pixel bytes, `width * height * 4` long, row-major, RGBA order. */
  data: Uint8Array;
}

/** Largest image {@link imageGrid} builds: 2^28 pixels (1 GiB of RGBA), far beyond any sample grid. */
const MAX_PIXELS = 2 ** 28;

interface ResolvedOptions {
  columns: number;
  padding: number;
  scale: number;
  background: number;
  low: number;
  high: number;
}

/** A short printable form of a bad argument, for error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return String(v);
}

function resolveOptions(options: GridOptions | undefined, n: number): ResolvedOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') {
    throw new GanConfigError('options', `expected an object of grid options, got ${describe(options)}`);
  }
  const { columns = Math.ceil(Math.sqrt(n)), padding = 2, scale = 1, background = 0, inputRange = [-1, 1] } = options;
  if (typeof columns !== 'number' || !Number.isInteger(columns) || columns <= 0) {
    throw new GanConfigError(
      'options.columns',
      `expected a positive integer number of tiles per row, got ${describe(columns)}`,
    );
  }
  if (typeof padding !== 'number' || !Number.isInteger(padding) || padding < 0) {
    throw new GanConfigError(
      'options.padding',
      `expected a non-negative integer number of pixels, got ${describe(padding)}`,
    );
  }
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale <= 0) {
    throw new GanConfigError('options.scale', `expected a positive integer upscaling factor, got ${describe(scale)}`);
  }
  if (typeof background !== 'number' || !Number.isFinite(background) || background < 0 || background > 255) {
    throw new GanConfigError('options.background', `expected a gray level in [0, 255], got ${describe(background)}`);
  }
  if (
    !Array.isArray(inputRange) ||
    inputRange.length !== 2 ||
    typeof inputRange[0] !== 'number' ||
    typeof inputRange[1] !== 'number' ||
    !Number.isFinite(inputRange[0]) ||
    !Number.isFinite(inputRange[1]) ||
    !(inputRange[0] < inputRange[1])
  ) {
    throw new GanConfigError(
      'options.inputRange',
      `expected [low, high] with finite low < high, got ${describe(inputRange)}`,
    );
  }
  return { columns, padding, scale, background: Math.round(background), low: inputRange[0], high: inputRange[1] };
}

function checkImages(images: tf.Tensor4D): [number, number, number, number] {
  if (images === null || typeof images !== 'object' || !Array.isArray((images as { shape?: unknown }).shape)) {
    throw new GanConfigError(
      'images',
      `expected a tf.Tensor4D [count, height, width, channels], got ${describe(images)}`,
    );
  }
  if (images.isDisposed) {
    throw new GanConfigError('images', 'the tensor has already been disposed');
  }
  const shape = images.shape as readonly number[];
  if (shape.length !== 4) {
    throw new GanConfigError(
      'images',
      `expected a rank-4 tensor [count, height, width, channels], got rank ${shape.length} with shape [${shape.join(', ')}]`,
    );
  }
  const [n, h, w, c] = shape;
  if (n <= 0) {
    throw new GanConfigError('images', `expected at least one image, got shape [${shape.join(', ')}]`);
  }
  if (h <= 0 || w <= 0) {
    throw new GanConfigError('images', `expected a positive height and width, got shape [${shape.join(', ')}]`);
  }
  if (c !== 1 && c !== 3) {
    throw new GanConfigError(
      'images',
      `expected 1 (grayscale) or 3 (RGB) channels, got ${c} in shape [${shape.join(', ')}]`,
    );
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32' && images.dtype !== 'bool') {
    throw new GanConfigError('images', `expected a numeric tensor (float32, int32 or bool), got dtype ${images.dtype}`);
  }
  return [n, h, w, c];
}

/**
 * Tile a batch of images into one RGBA picture. Image `i` goes to row `floor(i / columns)`,
 * column `i % columns`; `padding` background pixels separate the tiles and frame the grid.
 * Values are mapped linearly from `inputRange` to 0..255, clamped, and NaN becomes 0.
 * Grayscale images (1 channel) are copied to R, G and B; alpha is always 255.
 *
 * The tensor is read once, synchronously; it is not disposed (the caller still owns it) and no
 * tensor is left behind.
 *
 * The result is `columns * w * scale + (columns + 1) * padding` pixels wide and
 * `rows * h * scale + (rows + 1) * padding` high, with `rows = ceil(n / columns)`; cells past the
 * last image are filled with the background.
 *
 * @param images - `[n, height, width, channels]` with 1 or 3 channels, values in `inputRange`.
 * @param options - Layout and value range; see {@link GridOptions}.
 * @returns The grid as 8-bit RGBA.
 * @throws {@link GanConfigError} when `images` is not a non-empty rank-4 tensor with 1 or 3 channels, or an option is invalid.
 *
 * @example
 * ```ts
 * const grid = imageGrid(generator.predict(z) as tf.Tensor4D, { columns: 8, scale: 2 });
 * ```
 */
export function imageGrid(images: tf.Tensor4D, options?: GridOptions): RgbaImage {
  const [n, h, w, c] = checkImages(images);
  const { columns, padding, scale, background, low, high } = resolveOptions(options, n);
  const rows = Math.ceil(n / columns);
  const tileW = w * scale;
  const tileH = h * scale;
  const width = columns * tileW + (columns + 1) * padding;
  const height = rows * tileH + (rows + 1) * padding;
  if (width * height > MAX_PIXELS) {
    throw new GanConfigError(
      'options',
      `the grid would be ${width}×${height} pixels, more than the limit of ${MAX_PIXELS}; use fewer images or a smaller scale`,
    );
  }

  const values = tf.tidy(() => tf.cast(images, 'float32').dataSync()) as Float32Array;

  const data = new Uint8Array(width * height * 4);
  if (background === 0) {
    for (let i = 3; i < data.length; i += 4) data[i] = 255;
  } else {
    for (let i = 0; i < data.length; i += 4) {
      data[i] = background;
      data[i + 1] = background;
      data[i + 2] = background;
      data[i + 3] = 255;
    }
  }

  const factor = 255 / (high - low);
  const toByte = (v: number): number => {
    const s = (v - low) * factor;
    // NaN fails both comparisons and ends at 0; ±Infinity clamp.
    if (!(s > 0)) return 0;
    if (s >= 255) return 255;
    return Math.round(s);
  };

  const rowPixel = new Uint8Array(tileW * 4);
  for (let i = 0; i < n; i++) {
    const x0 = padding + (i % columns) * (tileW + padding);
    const y0 = padding + Math.floor(i / columns) * (tileH + padding);
    const base = i * h * w * c;
    for (let y = 0; y < h; y++) {
      // Build one scaled row of the tile, then copy it `scale` times.
      for (let x = 0; x < w; x++) {
        const src = base + (y * w + x) * c;
        const r = toByte(values[src]);
        const g = c === 3 ? toByte(values[src + 1]) : r;
        const b = c === 3 ? toByte(values[src + 2]) : r;
        for (let sx = 0; sx < scale; sx++) {
          const o = (x * scale + sx) * 4;
          rowPixel[o] = r;
          rowPixel[o + 1] = g;
          rowPixel[o + 2] = b;
          rowPixel[o + 3] = 255;
        }
      }
      for (let sy = 0; sy < scale; sy++) {
        data.set(rowPixel, ((y0 + y * scale + sy) * width + x0) * 4);
      }
    }
  }
  return { width, height, data };
}

/** Checks that `image` is an {@link RgbaImage} whose data length matches its size. */
export function checkRgbaImage(image: RgbaImage): void {
  if (image === null || typeof image !== 'object') {
    throw new GanConfigError('image', `expected an RgbaImage { width, height, data }, got ${describe(image)}`);
  }
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new GanConfigError(
      'image',
      `expected a positive integer width and height, got ${describe(width)}×${describe(height)}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new GanConfigError('image.data', 'expected a Uint8Array of RGBA bytes');
  }
  if (data.length !== width * height * 4) {
    throw new GanConfigError(
      'image.data',
      `expected ${width * height * 4} bytes (${width}×${height}×4 RGBA), got ${data.length}`,
    );
  }
}
