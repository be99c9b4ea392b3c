/**
 * PNG and JPEG files to 8-bit pixels, with pure-JS decoders that install from the registry with
 * no native build: `pngjs` (already gankit's PNG writer) and `jpeg-js` (no dependencies, baseline
 * and progressive JPEG, typed, with resolution and memory limits that stop a hostile file from
 * allocating gigabytes). {@link probeImage} reads only a file's header and tail, so a folder of
 * many thousands can be checked for unreadable and truncated files before training.
 *
 * @packageDocumentation
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataFormatError } from '../errors';
import type { RawImage } from './transforms';

/** The image formats {@link decodeImage} reads. */
export type ImageFormat = 'png' | 'jpeg';

/** What {@link probeImage} learns from an image file's header. */
export interface ImageProbe {
  /** `png` or `jpeg`. */
  format: ImageFormat;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels as stored: 1 gray, 2 gray + alpha, 3 colour, 4 colour + alpha. */
  channels: number;
}

/** Bytes of a file's start that hold its header (a JPEG's frame header may follow large EXIF data). */
export const PROBE_HEAD_BYTES = 256 * 1024;
/** Bytes of a file's end checked for the end marker. */
export const PROBE_TAIL_BYTES = 32;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
/** Channels per PNG colour type (3 palette: colour; its transparency is read as alpha by pngjs, but rarely used). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };
/** Images larger than this many megapixels are refused before decoding (jpeg-js's default is 100). */
const MAX_MEGAPIXELS = 100;

/** The format a file's first bytes announce, or `null`. */
export function sniffFormat(head: Uint8Array): ImageFormat | null {
  if (PNG_SIGNATURE.every((b, i) => head[i] === b)) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Reads an image file's size and channels from its header, and checks that it ends as a whole
 * file does (PNG's `IEND` chunk, JPEG's end-of-image marker), which catches a truncated copy
 * without decoding it.
 *
 * @param head - the file's first bytes (at least its header; {@link PROBE_HEAD_BYTES} suffice for almost all files).
 * @param tail - the file's last bytes (at least 12; the whole file will do).
 * @param source - the file's name, for the error.
 * @example
 * ```ts
 * const bytes = await readFile('cat.png');
 * const { width, height, channels } = probeImage(bytes, bytes, 'cat.png');
 * ```
 * @throws {@link DataFormatError} naming `source` when the file is not a PNG or JPEG, its header
 * is damaged, the image is empty or over 100 megapixels, or the file is truncated.
 */
export function probeImage(head: Uint8Array, tail: Uint8Array, source: string): ImageProbe {
  const format = sniffFormat(head);
  if (format === null) {
    throw new DataFormatError(
      `is not a PNG or JPEG image (it starts with ${Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing'})`,
      source,
    );
  }
  const probe = format === 'png' ? probePng(head, source) : probeJpeg(head, source);
  if (probe.width <= 0 || probe.height <= 0) {
    throw new DataFormatError(`has an empty ${format.toUpperCase()} image (${probe.width}×${probe.height})`, source);
  }
  if (probe.width * probe.height > MAX_MEGAPIXELS * 1e6) {
    throw new DataFormatError(`is ${probe.width}×${probe.height}, over ${MAX_MEGAPIXELS} megapixels`, source);
  }
  if (format === 'png') {
    const end = tail.subarray(tail.length - PNG_IEND.length);
    if (!(end.length === PNG_IEND.length && PNG_IEND.every((b, i) => end[i] === b))) {
      throw new DataFormatError('is a truncated PNG (it does not end with the IEND chunk)', source);
    }
  } else {
    // Some writers pad a JPEG after its end marker with zeros; the marker must come before them.
    let last = tail.length - 1;
    while (last > 0 && tail[last] === 0) last--;
    if (!(last >= 1 && tail[last - 1] === 0xff && tail[last] === 0xd9)) {
      throw new DataFormatError('is a truncated JPEG (it does not end with the end-of-image marker FF D9)', source);
    }
  }
  return probe;
}

function probePng(head: Uint8Array, source: string): ImageProbe {
  const isIhdr = head[12] === 0x49 && head[13] === 0x48 && head[14] === 0x44 && head[15] === 0x52;
  if (head.length < 29 || !isIhdr) throw new DataFormatError('is a PNG whose header (IHDR) is missing or cut', source);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const channels = PNG_CHANNELS[head[25]];
  if (channels === undefined) throw new DataFormatError(`is a PNG of unknown colour type ${head[25]}`, source);
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), channels };
}

function probeJpeg(head: Uint8Array, source: string): ImageProbe {
  // Walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC).
  let i = 2;
  while (i + 4 <= head.length) {
    if (head[i] !== 0xff) throw new DataFormatError(`is a JPEG with a damaged header (no marker at byte ${i})`, source);
    const marker = head[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const length = (head[i + 2] << 8) | head[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > head.length) break;
      const height = (head[i + 5] << 8) | head[i + 6];
      const width = (head[i + 7] << 8) | head[i + 8];
      const components = head[i + 9];
      if (components !== 1 && components !== 3) {
        throw new DataFormatError(
          `is a JPEG with ${components} colour components; expected 1 (gray) or 3 (colour)`,
          source,
        );
      }
      return { format: 'jpeg', width, height, channels: components };
    }
    if (marker === 0xda || marker === 0xd9) break; // image data or end before any frame header
    i += 2 + length;
  }
  throw new DataFormatError('is a JPEG whose frame header (SOF) is missing or cut', source);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes a PNG (any bit depth and colour type; 16-bit is scaled to 8) or a JPEG (gray or
 * colour, baseline or progressive) to 8-bit pixels. PNGs come back RGBA (4 channels), JPEGs RGB
 * (3), whatever they store: {@link convertChannels} brings them to the model's channels.
 *
 * @example
 * ```ts
 * const image = decodeImage(await readFile('cat.jpg'), 'cat.jpg'); // { data, height, width, channels: 3 }
 * ```
 * @throws {@link DataFormatError} naming `source` when the bytes are not a PNG or JPEG, or do not decode
 * (truncated or damaged data; a JPEG is decoded strictly, not filled in).
 */
export function decodeImage(bytes: Uint8Array, source: string): RawImage {
  const format = sniffFormat(bytes);
  if (format === 'png') {
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw new DataFormatError(`cannot be decoded as PNG (${reason(error)})`, source);
    }
    const data = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
    return { data, height: png.height, width: png.width, channels: 4 };
  }
  if (format === 'jpeg') {
    let image: { data: Uint8Array; width: number; height: number };
    try {
      image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_MEGAPIXELS,
        maxMemoryUsageInMB: 1024,
      });
    } catch (error) {
      throw new DataFormatError(`cannot be decoded as JPEG (${reason(error)})`, source);
    }
    if (image.data.length !== image.width * image.height * 3) {
      throw new DataFormatError(`decoded to ${image.data.length} values for ${image.width}×${image.height}×3`, source);
    }
    return { data: image.data, height: image.height, width: image.width, channels: 3 };
  }
  throw new DataFormatError('is not a PNG or JPEG image', source);
}
