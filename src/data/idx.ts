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
 * @packageDocumentation
 */

import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
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

/**
 * Parses the bytes of an (uncompressed) IDX file.
 *
 * uint8 and int8 data are returned as zero-copy views of `bytes`; wider types are decoded from
 * big-endian into new arrays.
 *
 * @param bytes - the whole file.
 * @param source - a file name or description used in error messages (default `"IDX data"`).
 * @returns the element type, the shape and the elements.
 * @throws {@link DataFormatError} when the data is shorter than a header, the magic number is not
 * two zero bytes, the type byte is unknown, the header is cut short, a dimension is zero, or the
 * data is not exactly `product(shape) * itemsize` bytes long.
 *
 * @example
 * ```ts
 * const { dtype, shape, data } = parseIdx(bytes, 't10k-labels-idx1-ubyte');
 * // 'uint8', [10000], Uint8Array(10000)
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length < 4) {
    throw new DataFormatError(`is ${bytes.length} bytes long; an IDX file needs at least a 4-byte header`, source);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError(
      `wrong magic number: the file starts with ${hex(bytes[0])} ${hex(bytes[1])}; an IDX file starts with two zero bytes (is it still gzip-compressed, or not an IDX file?)`,
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
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DataFormatError(
      `the IDX header declares ${rank} dimensions, which needs a ${headerSize}-byte header, but the file is only ${bytes.length} bytes long`,
      source,
    );
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, headerSize);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = header.getUint32(4 + 4 * d, false);
    if (dim === 0) {
      throw new DataFormatError(`dimension ${d} of the IDX shape is 0; expected every dimension to be positive`, source);
    }
    shape.push(dim);
    count *= dim;
  }
  const expected = count * info.size;
  const actual = bytes.length - headerSize;
  if (!Number.isSafeInteger(expected) || actual < expected) {
    throw new DataFormatError(
      `truncated IDX data: shape [${shape.join(', ')}] of ${info.dtype} needs ${expected} data bytes after the ${headerSize}-byte header, got ${actual}`,
      source,
    );
  }
  if (actual > expected) {
    throw new DataFormatError(
      `${actual - expected} trailing bytes after the IDX data: shape [${shape.join(', ')}] of ${info.dtype} needs ${expected} data bytes after the ${headerSize}-byte header, got ${actual}`,
      source,
    );
  }
  return { dtype: info.dtype, shape, data: decode(bytes, headerSize, count, info.dtype) };
}

const gunzipAsync = promisify(gunzip);

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads and parses an IDX file, gunzipping it first when it starts with the gzip magic bytes
 * (`0x1f 0x8b`), so both `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz` work.
 *
 * @param path - the file to read.
 * @returns the parsed array (see {@link parseIdx}).
 * @throws {@link DataFormatError} naming `path` when the file cannot be read, is a corrupt gzip
 * stream, or is not a valid IDX file.
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataFormatError(`cannot read the file: ${reason(err)}`, path);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (err) {
      throw new DataFormatError(`starts like a gzip file but cannot be decompressed: ${reason(err)}`, path);
    }
  }
  return parseIdx(bytes, path);
}
