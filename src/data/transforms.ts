/**
 * Bringing a decoded image to the model's shape: channel conversion (gray ↔ RGB, alpha dropped
 * or composited on a background), a centre crop and a resize (area or bilinear), all on 8-bit
 * pixels. Pure functions with no Node dependency; {@link pixelsToImages} then scales a batch to
 * [-1, 1].
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import type { ImageShape } from './image-source';

/** A decoded image: 8-bit pixels, row-major `[height, width, channels]` (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). */
export interface RawImage {
  /** Pixels, `height · width · channels` values in 0–255. */
  data: Uint8Array;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels per pixel: 1, 2, 3 or 4. */
  channels: number;
}

/** How an image is resampled: `area` averages each output pixel's footprint; `bilinear` interpolates. */
export type ResizeMethod = 'area' | 'bilinear';

/**
 * How an image is brought to the model's shape (the options of {@link transformImage}).
 *
 * @example
 * ```ts
 * // CelebA 218×178 faces → 64×64 RGB: centre square crop, then an area resize.
 * const faces: ImageTransformOptions = { imageShape: [64, 64, 3] };
 * // Emoji 64×64 RGBA → 32×32 RGB on white.
 * const emoji: ImageTransformOptions = { imageShape: [32, 32, 3], background: [255, 255, 255] };
 * ```
 */
export interface ImageTransformOptions {
  /** The output shape `[height, width, channels]`; channels 1 (gray), 3 (RGB) or 4 (RGBA). */
  imageShape: ImageShape;
  /**
   * The centre window cut out before resizing: `'aspect'` (default) the largest centred window
   * with the output's aspect ratio (a square for a square output, so faces are not squashed);
   * `[height, width]` a window of that size (e.g. `[108, 108]`, DCGAN's CelebA crop; it may not
   * exceed the image); `'none'` the whole image, stretched to the output's aspect ratio.
   */
  crop?: 'aspect' | 'none' | [number, number];
  /**
   * `'area'` (default): each output pixel is the mean of the source pixels it covers, weighted
   * by overlap (as OpenCV's `INTER_AREA` and `tf.image.resize(…, 'area')`); the filter for
   * shrinking, since it does not alias. `'bilinear'`: half-pixel-centred bilinear interpolation
   * (`align_corners = false`, as PIL and TensorFlow 2), which skips pixels when shrinking by
   * more than 2×.
   */
  resize?: ResizeMethod;
  /**
   * What happens to an alpha channel when the output has none: `[r, g, b]` (0–255) composites
   * the image onto that background colour (default white, `[255, 255, 255]`: the colour under a
   * transparent pixel is arbitrary, often black); `'drop'` discards alpha and keeps the colour
   * as stored (what PIL's `convert('RGB')`, hence torchvision, does).
   */
  background?: [number, number, number] | 'drop';
}

const WHITE: [number, number, number] = [255, 255, 255];

/** ITU-R BT.601 luma, as PIL's `convert('L')`. */
function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * Checks transform options before any image is read.
 *
 * @example
 * ```ts
 * checkTransformOptions({ imageShape: [64, 64, 3], crop: [108, 108] });
 * ```
 * @throws {@link GanConfigError} naming the option.
 */
export function checkTransformOptions(options: ImageTransformOptions): void {
  const shape = options?.imageShape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isInteger(d) && d > 0) ||
    ![1, 3, 4].includes(shape[2])
  ) {
    throw new GanConfigError(
      'imageShape',
      `expected [height, width, channels] with positive integer sides and 1, 3 or 4 channels, got ${JSON.stringify(shape)}`,
    );
  }
  const crop = options.crop ?? 'aspect';
  if (
    crop !== 'aspect' &&
    crop !== 'none' &&
    !(Array.isArray(crop) && crop.length === 2 && crop.every((d) => Number.isInteger(d) && d > 0))
  ) {
    throw new GanConfigError('crop', `expected 'aspect', 'none' or [height, width], got ${JSON.stringify(crop)}`);
  }
  const resize = options.resize ?? 'area';
  if (resize !== 'area' && resize !== 'bilinear') {
    throw new GanConfigError('resize', `expected 'area' or 'bilinear', got ${JSON.stringify(resize)}`);
  }
  const bg = options.background ?? WHITE;
  if (
    bg !== 'drop' &&
    !(Array.isArray(bg) && bg.length === 3 && bg.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
  ) {
    throw new GanConfigError('background', `expected [r, g, b] in 0–255 or 'drop', got ${JSON.stringify(bg)}`);
  }
}

/**
 * Converts an image to `channels` (1 gray, 3 RGB, 4 RGBA): gray is replicated to RGB, RGB
 * becomes gray by BT.601 luma (`0.299 R + 0.587 G + 0.114 B`), and an alpha channel the output
 * lacks is composited onto `background` (`c·a + bg·(1 − a)`) or dropped.
 *
 * @example
 * ```ts
 * const rgb = convertChannels({ data: rgba, height: 64, width: 64, channels: 4 }, 3, [255, 255, 255]);
 * ```
 * @throws {@link GanConfigError} for a channel count outside 1–4 (input) or 1, 3, 4 (output).
 */
export function convertChannels(
  image: RawImage,
  channels: number,
  background: [number, number, number] | 'drop' = WHITE,
): RawImage {
  const from = image.channels;
  if (![1, 2, 3, 4].includes(from)) throw new GanConfigError('image.channels', `expected 1–4, got ${from}`);
  if (![1, 3, 4].includes(channels)) throw new GanConfigError('channels', `expected 1, 3 or 4, got ${channels}`);
  if (from === channels) return image;
  const n = image.height * image.width;
  const src = image.data;
  const out = new Uint8Array(n * channels);
  const hasAlpha = from === 2 || from === 4;
  const composite = hasAlpha && channels !== 4 && background !== 'drop';
  const [br, bgG, bb] = background === 'drop' ? WHITE : background;
  for (let p = 0; p < n; p++) {
    const s = p * from;
    let r: number;
    let g: number;
    let b: number;
    if (from <= 2) r = g = b = src[s];
    else [r, g, b] = [src[s], src[s + 1], src[s + 2]];
    const a = hasAlpha ? src[s + from - 1] : 255;
    if (composite && a !== 255) {
      const t = a / 255;
      r = r * t + br * (1 - t);
      g = g * t + bgG * (1 - t);
      b = b * t + bb * (1 - t);
    }
    const o = p * channels;
    if (channels === 1) {
      out[o] = Math.round(from <= 2 && !composite ? r : luma(r, g, b));
    } else {
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
      if (channels === 4) out[o + 3] = a;
    }
  }
  return { data: out, height: image.height, width: image.width, channels };
}

/** A rectangle of an image, in pixels. */
export interface CropWindow {
  /** First row. */
  top: number;
  /** First column. */
  left: number;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
}

/** The centre window of a `height × width` image for `crop` and an output of `outHeight × outWidth`. */
export function cropWindow(
  height: number,
  width: number,
  crop: ImageTransformOptions['crop'],
  outHeight: number,
  outWidth: number,
): CropWindow {
  let h = height;
  let w = width;
  if (Array.isArray(crop)) {
    if (crop[0] > height || crop[1] > width) {
      throw new GanConfigError('crop', `[${crop.join(', ')}] is larger than the image (${height}×${width})`);
    }
    [h, w] = crop;
  } else if ((crop ?? 'aspect') === 'aspect') {
    // The largest window with the output's aspect ratio (rounded to whole pixels).
    if (width * outHeight > height * outWidth) w = Math.max(1, Math.round((height * outWidth) / outHeight));
    else h = Math.max(1, Math.round((width * outHeight) / outWidth));
  }
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Per output index, the source indices and weights along one axis (window `[start, start + size)` → `out`). */
function axisWeights(
  start: number,
  size: number,
  out: number,
  method: ResizeMethod,
): { index: Int32Array; weight: Float32Array; offsets: Int32Array } {
  const scale = size / out;
  const index: number[] = [];
  const weight: number[] = [];
  const offsets = new Int32Array(out + 1);
  for (let o = 0; o < out; o++) {
    offsets[o] = index.length;
    if (method === 'area') {
      const lo = o * scale;
      const hi = (o + 1) * scale;
      for (let s = Math.floor(lo); s < Math.min(size, Math.ceil(hi)); s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap > 1e-9) {
          index.push(start + s);
          weight.push(overlap / scale);
        }
      }
    } else {
      const centre = Math.min(size - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const s0 = Math.floor(centre);
      const s1 = Math.min(size - 1, s0 + 1);
      const f = centre - s0;
      index.push(start + s0, start + s1);
      weight.push(1 - f, f);
    }
  }
  offsets[out] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), offsets };
}

/**
 * Resamples the `window` of `image` to `outHeight × outWidth` (same channels), separably: rows
 * first, then columns, in float, rounded once at the end.
 *
 * @example
 * ```ts
 * const small = resizeImage(image, { top: 20, left: 0, height: 178, width: 178 }, 64, 64, 'area');
 * ```
 */
export function resizeImage(
  image: RawImage,
  window: CropWindow,
  outHeight: number,
  outWidth: number,
  method: ResizeMethod = 'area',
  out: Uint8Array = new Uint8Array(outHeight * outWidth * image.channels),
  offset = 0,
): Uint8Array {
  const c = image.channels;
  const src = image.data;
  const cols = axisWeights(window.left, window.width, outWidth, method);
  const rows = axisWeights(window.top, window.height, outHeight, method);
  // Horizontal pass over the window's rows: [window.height, outWidth, c].
  const mid = new Float32Array(window.height * outWidth * c);
  for (let y = 0; y < window.height; y++) {
    const rowStart = (window.top + y) * image.width;
    for (let x = 0; x < outWidth; x++) {
      const m = (y * outWidth + x) * c;
      for (let k = cols.offsets[x]; k < cols.offsets[x + 1]; k++) {
        const s = (rowStart + cols.index[k]) * c;
        const wgt = cols.weight[k];
        for (let ch = 0; ch < c; ch++) mid[m + ch] += src[s + ch] * wgt;
      }
    }
  }
  // Vertical pass.
  const acc = new Float32Array(c);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      acc.fill(0);
      for (let k = rows.offsets[y]; k < rows.offsets[y + 1]; k++) {
        const m = ((rows.index[k] - window.top) * outWidth + x) * c;
        const wgt = rows.weight[k];
        for (let ch = 0; ch < c; ch++) acc[ch] += mid[m + ch] * wgt;
      }
      const o = offset + (y * outWidth + x) * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = Math.min(255, Math.max(0, Math.round(acc[ch])));
    }
  }
  return out;
}

/**
 * Brings one decoded image to `options.imageShape`: channel conversion, centre crop, resize.
 * Writes into `out` at `offset` when given (a batch buffer), else into a new array.
 *
 * @example
 * ```ts
 * const pixels = transformImage(decoded, { imageShape: [64, 64, 3] }); // 64·64·3 bytes
 * ```
 * @throws {@link GanConfigError} for bad options or a crop larger than the image.
 */
export function transformImage(
  image: RawImage,
  options: ImageTransformOptions,
  out?: Uint8Array,
  offset = 0,
): Uint8Array {
  const [h, w, c] = options.imageShape;
  const converted = convertChannels(image, c, options.background ?? WHITE);
  const window = cropWindow(image.height, image.width, options.crop, h, w);
  const target = out ?? new Uint8Array(h * w * c);
  if (window.height === h && window.width === w) {
    // Same size: a plain copy of the window's rows.
    for (let y = 0; y < h; y++) {
      const s = ((window.top + y) * image.width + window.left) * c;
      target.set(converted.data.subarray(s, s + w * c), offset + y * w * c);
    }
    return target;
  }
  return resizeImage(converted, window, h, w, options.resize ?? 'area', target, offset);
}
