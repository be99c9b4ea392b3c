/**
 * A reader for the IDX file format, the format of the MNIST and Fashion-MNIST files.
 *
 * An IDX file is a header followed by the data:
 *
 * - two zero bytes (the "magic number"),
 * - one byte giving the element type (`0x08` uint8, `0x09` int8, `0x0B` int16, `0x0C` int32,
 *   `0x0D` float32, `0x0E` float64),
 * - one byte giving the number of dimensions,
 * - each dimension as a big-endian unsigned 32-bit integer,
 * - the elements, row-major, big-endian.
 *
 * The reader treats every file as untrusted: the header is checked against the number of bytes
 * actually there before anything is allocated, and a gzipped file is decompressed only up to the
 * size its IDX header declares, so a corrupt or hostile file ends in a {@link DataFormatError},
 * never in a huge allocation, a hang or an untyped error.
 *
 * @packageDocumentation
 */

import { readFile } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';
import { createGunzip } from 'node:zlib';
import { DataFormatError } from '../errors';

/** The element type of an {@link IdxArray}. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The contents of an IDX file: element type, shape and the decoded (native-endian) elements. */
export interface IdxArray {
  /** Element type, from the file's type byte. */
  dtype: IdxDtype;
  /** Dimensions, outermost first (e.g. `[10000, 28, 28]` for MNIST test images). */
  shape: number[];
  /** The elements in row-major order; `data.length` is the product of `shape`. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

interface DtypeInfo {
  dtype: IdxDtype;
  size: number;
}

const DTYPES: ReadonlyMap<number, DtypeInfo> = new Map<number, DtypeInfo>([
  [0x08, { dtype: 'uint8', size: 1 }],
  [0x09, { dtype: 'int8', size: 1 }],
  [0x0b, { dtype: 'int16', size: 2 }],
  [0x0c, { dtype: 'int32', size: 4 }],
  [0x0d, { dtype: 'float32', size: 4 }],
  [0x0e, { dtype: 'float64', size: 8 }],
]);

/**
 * The most bytes a gzipped IDX file may decompress to: 4 GiB (or less where a Buffer cannot be
 * that long). MNIST's largest file is 47 MB.
 */
const MAX_LENGTH = Math.min(bufferConstants.MAX_LENGTH, 2 ** 32);

const KNOWN_DTYPES = '0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64)';

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Multi-byte IDX element types: their array type, byte size and big-endian reader. */
const BIG_ENDIAN_READERS = {
  int16: { ArrayType: Int16Array, size: 2, read: (v: DataView, o: number) => v.getInt16(o, false) },
  int32: { ArrayType: Int32Array, size: 4, read: (v: DataView, o: number) => v.getInt32(o, false) },
  float32: { ArrayType: Float32Array, size: 4, read: (v: DataView, o: number) => v.getFloat32(o, false) },
  float64: { ArrayType: Float64Array, size: 8, read: (v: DataView, o: number) => v.getFloat64(o, false) },
} as const;

function decode(bytes: Uint8Array, offset: number, count: number, dtype: IdxDtype): IdxArray['data'] {
  if (dtype === 'uint8') return bytes.subarray(offset, offset + count);
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const { ArrayType, size, read } = BIG_ENDIAN_READERS[dtype];
  const out = new ArrayType(count);
  for (let i = 0; i < count; i++) out[i] = read(view, i * size);
  return out;
}

/** A checked IDX header: element type, shape, and the byte sizes it implies. */
interface IdxHeader {
  info: DtypeInfo;
  shape: number[];
  /** Bytes taken by the header: `4 + 4 * rank`. */
  headerSize: number;
  /** Number of elements (product of `shape`); may exceed `Number.MAX_SAFE_INTEGER` for a hostile header. */
  count: number;
  /** Data bytes the header declares (`count * itemsize`); not a safe integer for an absurd header. */
  dataBytes: number;
}

/** `n` bytes, exactly when it is a safe integer, else as "more than 2^53" (an absurd header). */
function byteCount(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  return Number.isFinite(n) ? `more than 2^53 (${n.toExponential(3)})` : 'more than 2^53 (the product overflows)';
}

/** How many dimensions of a shape messages list before eliding the rest. */
const SHOWN_DIMENSIONS = 8;

function describe(header: IdxHeader): string {
  const { shape } = header;
  const dims =
    shape.length <= SHOWN_DIMENSIONS
      ? shape.join(', ')
      : `${shape.slice(0, SHOWN_DIMENSIONS).join(', ')}, … (${shape.length} dimensions)`;
  return `shape [${dims}] of ${header.info.dtype}`;
}

/**
 * Checks the first four bytes of an IDX header (magic, type byte, rank), which are enough to
 * reject most files that are not IDX at all.
 */
function parseHeaderStart(bytes: Uint8Array, source: string): { info: DtypeInfo; rank: number } {
  if (bytes.length < 4) {
    throw new DataFormatError(
      `expected at least a 4-byte header (magic, type byte, rank), got ${bytes.length} bytes`,
      source,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError(
      `wrong magic number: expected an IDX file to start with two zero bytes, got ${hex(bytes[0])} ${hex(bytes[1])} (is it still gzip-compressed, or not an IDX file?)`,
      source,
    );
  }
  const info = DTYPES.get(bytes[2]);
  if (info === undefined) {
    throw new DataFormatError(`unknown IDX element type byte ${hex(bytes[2])}; expected ${KNOWN_DTYPES}`, source);
  }
  const rank = bytes[3];
  if (rank === 0) {
    throw new DataFormatError('the IDX header declares 0 dimensions; expected at least one', source);
  }
  return { info, rank };
}

/**
 * Reads and checks the whole IDX header at the start of `bytes`. It reads nothing past the
 * header and allocates nothing in proportion to the declared shape.
 *
 * @throws {@link DataFormatError} when the header is short, or its magic, type byte, rank or a
 * dimension is invalid.
 */
function parseHeader(bytes: Uint8Array, source: string): IdxHeader {
  const { info, rank } = parseHeaderStart(bytes, source);
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DataFormatError(
      `the IDX header declares ${rank} dimensions, which needs a ${headerSize}-byte header, but the file is only ${bytes.length} bytes long (truncated header, or a corrupt dimension count)`,
      source,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerSize);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    if (dim === 0) {
      throw new DataFormatError(
        `dimension ${d} of the IDX shape is 0; expected every dimension to be positive`,
        source,
      );
    }
    shape.push(dim);
    // A float product: it can lose exactness or reach Infinity for a hostile header, but it only
    // ever grows, so comparing it with the bytes available stays correct.
    count *= dim;
  }
  return { info, shape, headerSize, count, dataBytes: count * info.size };
}

/**
 * Parses the bytes of an (uncompressed) IDX file.
 *
 * uint8 and int8 data are returned as zero-copy views of `bytes`; wider types are decoded from
 * big-endian into new arrays. The declared shape is checked against `bytes.length` before
 * anything is allocated, so a corrupt header cannot cause a huge allocation.
 *
 * @param bytes - the whole file.
 * @param source - a file name or description used in error messages (default `"IDX data"`).
 * @returns the element type, the shape and the elements.
 * @throws {@link DataFormatError} when `bytes` is not a `Uint8Array`, is shorter than a header,
 * the magic number is not two zero bytes, the type byte is unknown, the rank is 0, the header is
 * cut short, a dimension is zero, or the data is not exactly `product(shape) * itemsize` bytes
 * long (including shapes whose size overflows).
 *
 * @example
 * ```ts
 * const { dtype, shape, data } = parseIdx(bytes, 't10k-labels-idx1-ubyte');
 * // 'uint8', [10000], Uint8Array(10000)
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (!types.isUint8Array(bytes)) {
    const got =
      bytes === null
        ? 'null'
        : typeof bytes === 'object'
          ? ((bytes as object).constructor?.name ?? 'an object')
          : typeof bytes;
    throw new DataFormatError(`expected the bytes of an IDX file as a Uint8Array (or Buffer), got ${got}`, source);
  }
  const header = parseHeader(bytes, source);
  const { headerSize, dataBytes } = header;
  const actual = bytes.length - headerSize;
  if (!(dataBytes <= actual)) {
    throw new DataFormatError(
      `truncated IDX data (or a corrupt header): ${describe(header)} needs ${byteCount(dataBytes)} data bytes after the ${headerSize}-byte header, got ${actual}`,
      source,
    );
  }
  if (actual > dataBytes) {
    throw new DataFormatError(
      `${actual - dataBytes} trailing bytes after the IDX data: ${describe(header)} needs ${dataBytes} data bytes after the ${headerSize}-byte header, got ${actual}`,
      source,
    );
  }
  return {
    dtype: header.info.dtype,
    shape: header.shape,
    data: decode(bytes, headerSize, header.count, header.info.dtype),
  };
}

/** An error's message; duck-typed, since errors from Node's internals may come from another realm (e.g. under jest). */
function reason(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

/** True when `bytes` starts with the gzip magic bytes `0x1f 0x8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The checked header of a partly decompressed IDX file, or `null` while `head` is too short to
 * hold it all. Throws the header's {@link DataFormatError} as soon as the bytes seen so far show
 * it is invalid (the first four bytes are checked before the dimensions arrive).
 */
function headerFromHead(head: Uint8Array, source: string): IdxHeader | null {
  if (head.length < 4) return null;
  const { rank } = parseHeaderStart(head, source);
  return head.length < 4 + 4 * rank ? null : parseHeader(head, source);
}

/**
 * Decompresses a gzipped IDX file, stopping as soon as its IDX header turns out invalid, declares
 * more than 4 GiB, or the output grows longer than the header declares; so a gzip bomb or a
 * corrupt header never inflates into memory.
 *
 * @param compressed - the gzip bytes.
 * @param source - the file (or URL) named in errors.
 * @returns the decompressed bytes, for {@link parseIdx} (which checks the rest).
 * @throws {@link DataFormatError} when the gzip stream is corrupt or truncated, when the IDX
 * header inside is invalid or declares more than 4 GiB, or when the decompressed data is longer
 * than the header declares.
 */
export function gunzipIdx(compressed: Uint8Array, source: string): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const stream = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let header: IdxHeader | null = null;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      stream.destroy();
      reject(
        error instanceof DataFormatError
          ? error
          : new DataFormatError(`starts like a gzip file but cannot be decompressed: ${reason(error)}`, source),
      );
    };
    const onChunk = (chunk: Buffer): void => {
      chunks.push(chunk);
      total += chunk.length;
      if (header === null) {
        // A header is at most 1,024 bytes, so this concatenates only while it is incomplete.
        header = headerFromHead(chunks.length === 1 ? chunk : Buffer.concat(chunks, total), source);
        if (header === null) return;
      }
      const limit = header.headerSize + header.dataBytes;
      if (!(limit <= MAX_LENGTH)) {
        throw new DataFormatError(
          `the IDX header declares ${describe(header)}, ${byteCount(header.dataBytes)} data bytes; expected at most ${MAX_LENGTH} bytes once decompressed (a corrupt header)`,
          source,
        );
      }
      if (total > limit) {
        throw new DataFormatError(
          `decompresses to more than the ${limit} bytes its IDX header declares (${describe(header)}); expected exactly ${limit} (trailing data, or a corrupt header)`,
          source,
        );
      }
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        onChunk(chunk);
      } catch (error) {
        fail(error);
      }
    });
    stream.on('error', fail);
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    stream.end(compressed);
  });
}

/**
 * Reads and parses an IDX file, gunzipping it first when it starts with the gzip magic bytes
 * (`0x1f 0x8b`), so both `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz` work.
 *
 * @param path - the file to read.
 * @returns the parsed array (see {@link parseIdx}).
 * @throws {@link DataFormatError} naming `path` when the file cannot be read, is a corrupt gzip
 * stream (or one that inflates past its IDX header's size), or is not a valid IDX file.
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataFormatError(`cannot read the file: ${reason(err)}`, path);
  }
  if (isGzip(bytes)) bytes = await gunzipIdx(bytes, path);
  return parseIdx(bytes, path);
}
