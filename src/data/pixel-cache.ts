/**
 * A decoded cache: one binary file of 8-bit pixels, `count` images of `imageShape` after the
 * transforms, so that later epochs read bytes at an offset instead of decoding JPEGs again.
 * Layout: the magic `GANKITPX`, a uint32 format version, a uint32 of zeros, the pixels, then a
 * JSON header (shape, count, the source's fingerprint, what was skipped) and its uint32 length,
 * last so that the pixels can be written as they are decoded. The file is written to a temporary
 * name and renamed when complete, and is used only when its header matches the source as it is
 * now and its size matches the header.
 *
 * @packageDocumentation
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  type PathLike,
} from 'node:fs';
import * as path from 'node:path';
import { DataFormatError } from '../errors';
import type { ImageShape } from './image-source';
import type { SkippedImage } from './streamed-source';
import type { ImageTransformOptions } from './transforms';

const MAGIC = 'GANKITPX';
const VERSION = 1;
/** Magic, version, reserved: the pixels start here. */
const PREFIX_BYTES = 16;

/** What a cache file's header records; a cache is used only when all of it matches. */
export interface PixelCacheHeader {
  /** Shape of each cached image. */
  imageShape: ImageShape;
  /** Number of images in the file. */
  count: number;
  /** A hash of the source as listed (names, sizes, modification times) and of the transforms. */
  fingerprint: string;
  /** The source's images left out (unreadable, skipped on request), in source order. */
  skipped: SkippedImage[];
}

/**
 * A hex SHA-256 of `parts` (JSON), for {@link PixelCacheHeader.fingerprint}.
 *
 * @example
 * ```ts
 * const fingerprint = fingerprintOf([files.map((f) => [f.name, f.size, f.mtimeMs]), transformOptions]);
 * ```
 */
export function fingerprintOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Where `cache: true` puts a source's decoded cache: a hidden file named after the shape and the
 * transforms, inside a folder source (`inside`; the folder scan skips hidden files) or beside a
 * file source.
 *
 * @example
 * ```ts
 * defaultCachePath('/data/celeba.h5', false, { imageShape: [64, 64, 3] }); // '/data/.celeba.h5.gankit-cache-64x64x3-….pixels'
 * ```
 */
export function defaultCachePath(location: string, inside: boolean, transform: ImageTransformOptions): string {
  const tag = fingerprintOf([transform.crop ?? 'aspect', transform.resize ?? 'area', transform.background ?? 'white']);
  const name = `.gankit-cache-${transform.imageShape.join('x')}-${tag.slice(0, 8)}.pixels`;
  return inside ? path.join(location, name) : path.join(path.dirname(location), `.${path.basename(location)}${name}`);
}

/** An open, validated cache file: reads image `i` by offset. */
export class PixelCacheFile {
  private fd: number | null;
  private readonly dataStart: number;
  private readonly imageBytes: number;

  private constructor(
    fd: number,
    dataStart: number,
    /** The header the file holds. */
    readonly header: PixelCacheHeader,
    /** Where the file is. */
    readonly file: string,
  ) {
    this.fd = fd;
    this.dataStart = dataStart;
    this.imageBytes = header.imageShape[0] * header.imageShape[1] * header.imageShape[2];
  }

  /**
   * Opens `file` if it is a complete cache whose header matches `expected` (shape, fingerprint);
   * `null` when there is no file, or it is gankit's but stale or incomplete (the caller rebuilds it).
   *
   * @throws {@link DataFormatError} when a file at that path is not a gankit cache: it is left alone.
   */
  static open(file: string, expected: { imageShape: ImageShape; fingerprint: string }): PixelCacheFile | null {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return null;
    }
    let keep = false;
    try {
      const header = readHeader(fd, file);
      const fresh =
        header !== null &&
        header.fingerprint === expected.fingerprint &&
        header.imageShape.every((d, i) => d === expected.imageShape[i]);
      if (!fresh) return null;
      keep = true;
      return new PixelCacheFile(fd, PREFIX_BYTES, header, file);
    } finally {
      if (!keep) closeSync(fd);
    }
  }

  /**
   * Writes a cache of `images` (each one image's pixels of `imageShape`, or an image left out),
   * as they come, to a temporary name beside `file`, renamed over it only when complete, so an
   * interrupted build leaves no half cache. Returns the header written.
   *
   * @throws {@link DataFormatError} when a file at `file` exists and is not a gankit cache.
   */
  static write(
    file: string,
    meta: { imageShape: ImageShape; fingerprint: string },
    images: Iterable<Uint8Array | SkippedImage>,
  ): PixelCacheHeader {
    assertReplaceable(file);
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
    let fd: number;
    try {
      // A cache path in a run's output folder may come before the run has made the folder.
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(temp, 'wx');
    } catch (error) {
      throw new DataFormatError(
        `cannot write the decoded cache here (${error instanceof Error ? error.message : String(error)}); give the cache another path`,
        file,
      );
    }
    let done = false;
    try {
      const prefix = Buffer.alloc(PREFIX_BYTES);
      prefix.write(MAGIC, 0, 'latin1');
      prefix.writeUInt32LE(VERSION, MAGIC.length);
      writeAll(fd, prefix);
      const bytes = meta.imageShape[0] * meta.imageShape[1] * meta.imageShape[2];
      const perChunk = Math.max(1, Math.floor((8 << 20) / bytes));
      const chunk = new Uint8Array(perChunk * bytes);
      let filled = 0;
      let count = 0;
      const skipped: SkippedImage[] = [];
      for (const image of images) {
        if (!(image instanceof Uint8Array)) {
          skipped.push(image);
          continue;
        }
        if (image.length !== bytes)
          throw new DataFormatError(`image ${count} has ${image.length} bytes, not ${bytes}`, file);
        chunk.set(image, filled * bytes);
        count++;
        if (++filled === perChunk) {
          writeAll(fd, chunk);
          filled = 0;
        }
      }
      writeAll(fd, chunk.subarray(0, filled * bytes));
      const header: PixelCacheHeader = { ...meta, imageShape: [...meta.imageShape], count, skipped };
      const json = Buffer.from(JSON.stringify({ version: VERSION, ...header }), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(json.length, 0);
      writeAll(fd, json);
      writeAll(fd, length);
      closeSync(fd);
      renameSync(temp, file);
      done = true;
      return header;
    } finally {
      if (!done) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        rmSync(temp, { force: true });
      }
    }
  }

  /** Copies image `index` into `out` at `offset`. */
  read(index: number, out: Uint8Array, offset: number): void {
    if (this.fd === null) throw new DataFormatError('was closed', this.file);
    const position = this.dataStart + index * this.imageBytes;
    const got = readSync(this.fd, out, offset, this.imageBytes, position);
    if (got !== this.imageBytes) {
      throw new DataFormatError(
        `image ${index}: read ${got} of ${this.imageBytes} bytes (the file shrank?)`,
        this.file,
      );
    }
  }

  /** Closes the file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * The header of gankit cache `fd`, or `null` when it is gankit's but of another version or
 * incomplete (sizes disagree).
 */
function readHeader(fd: number, file: PathLike): PixelCacheHeader | null {
  const prefix = Buffer.alloc(PREFIX_BYTES);
  const got = readSync(fd, prefix, 0, PREFIX_BYTES, 0);
  if (got < MAGIC.length || prefix.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new DataFormatError(
      `is not a gankit pixel cache (no '${MAGIC}' at its start); it is left alone: move it, or give the cache another path`,
      String(file),
    );
  }
  const size = fstatSync(fd).size;
  if (got < PREFIX_BYTES || prefix.readUInt32LE(MAGIC.length) !== VERSION || size < PREFIX_BYTES + 4) return null;
  const tail = Buffer.alloc(4);
  readSync(fd, tail, 0, 4, size - 4);
  const length = tail.readUInt32LE(0);
  if (length > size - PREFIX_BYTES - 4) return null;
  const json = Buffer.alloc(length);
  readSync(fd, json, 0, length, size - 4 - length);
  let header: PixelCacheHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as PixelCacheHeader;
  } catch {
    return null;
  }
  const shape = header.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !Number.isInteger(header.count)) return null;
  const bytes = shape[0] * shape[1] * shape[2];
  return size === PREFIX_BYTES + header.count * bytes + length + 4 ? header : null;
}

/** Throws unless `file` is absent or a gankit cache (never overwrite what gankit did not write). */
function assertReplaceable(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  try {
    readHeader(fd, file);
  } finally {
    closeSync(fd);
  }
}
