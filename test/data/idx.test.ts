import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from '../../src/errors';
import { parseIdx, readIdxFile } from '../../src/data/idx';
import { thrownBy } from '../helpers';

/** Builds an IDX header for `typeByte` and `shape`, followed by `payload`. */
function idx(typeByte: number, shape: number[], payload: number[] | Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = typeByte;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

function expectFormatError(fn: () => unknown, ...fragments: RegExp[]): DataFormatError {
  const caught = thrownBy(fn);
  expect(caught).toBeInstanceOf(DataFormatError);
  const err = caught as DataFormatError;
  for (const fragment of fragments) expect(err.message).toMatch(fragment);
  return err;
}

describe('parseIdx', () => {
  it('parses uint8 with its shape, as a view of the input', () => {
    const bytes = idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
    const parsed = parseIdx(bytes);
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.shape).toEqual([2, 3]);
    expect(parsed.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(parsed.data.buffer).toBe(bytes.buffer);
  });

  it('parses int8 as signed values', () => {
    const parsed = parseIdx(idx(0x09, [4], [0x00, 0x7f, 0x80, 0xff]));
    expect(parsed.dtype).toBe('int8');
    expect(parsed.data).toBeInstanceOf(Int8Array);
    expect(Array.from(parsed.data)).toEqual([0, 127, -128, -1]);
  });

  it('decodes int16 big-endian', () => {
    const parsed = parseIdx(idx(0x0b, [3], [0x01, 0x02, 0xff, 0xfe, 0x80, 0x00]));
    expect(parsed.dtype).toBe('int16');
    expect(parsed.data).toBeInstanceOf(Int16Array);
    expect(Array.from(parsed.data)).toEqual([0x0102, -2, -32768]);
  });

  it('decodes int32 big-endian (0x01020304)', () => {
    const parsed = parseIdx(idx(0x0c, [1, 2], [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd]));
    expect(parsed.dtype).toBe('int32');
    expect(parsed.shape).toEqual([1, 2]);
    expect(parsed.data).toBeInstanceOf(Int32Array);
    expect(Array.from(parsed.data)).toEqual([0x01020304, -3]);
  });

  it('decodes float32 big-endian', () => {
    // 1.5 = 0x3FC00000, -2 = 0xC0000000
    const parsed = parseIdx(idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]));
    expect(parsed.dtype).toBe('float32');
    expect(parsed.data).toBeInstanceOf(Float32Array);
    expect(Array.from(parsed.data)).toEqual([1.5, -2]);
  });

  it('decodes float64 big-endian', () => {
    const payload = new Uint8Array(16);
    const view = new DataView(payload.buffer);
    view.setFloat64(0, Math.PI, false);
    view.setFloat64(8, -1e300, false);
    const parsed = parseIdx(idx(0x0e, [2, 1], payload));
    expect(parsed.dtype).toBe('float64');
    expect(parsed.shape).toEqual([2, 1]);
    expect(parsed.data).toBeInstanceOf(Float64Array);
    expect(Array.from(parsed.data)).toEqual([Math.PI, -1e300]);
  });

  it('decodes multi-byte data from an unaligned view of a larger buffer', () => {
    const inner = idx(0x0c, [1], [0x01, 0x02, 0x03, 0x04]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    const parsed = parseIdx(outer.subarray(3));
    expect(Array.from(parsed.data)).toEqual([0x01020304]);
  });

  it('rejects a wrong magic number, naming the source', () => {
    const bytes = idx(0x08, [1], [5]);
    bytes[1] = 0x01;
    const err = expectFormatError(() => parseIdx(bytes, 'foo.idx'), /wrong magic number/, /^foo\.idx: /);
    expect(err.source).toBe('foo.idx');
  });

  it('rejects gzip bytes with a wrong magic number message', () => {
    expectFormatError(() => parseIdx(gzipSync(idx(0x08, [1], [5]))), /wrong magic number/, /0x1F 0x8B/);
  });

  it('rejects data shorter than a header', () => {
    expectFormatError(() => parseIdx(new Uint8Array([0, 0, 8])), /3 bytes/, /at least a 4-byte header/);
  });

  it('rejects an unknown dtype byte', () => {
    expectFormatError(() => parseIdx(idx(0x0a, [1], [1])), /unknown IDX element type byte 0x0A/, /0x08 \(uint8\)/);
  });

  it('rejects a header cut short', () => {
    const bytes = idx(0x08, [2, 2], [1, 2, 3, 4]).subarray(0, 9);
    expectFormatError(() => parseIdx(bytes), /2 dimensions/, /12-byte header/, /only 9 bytes/);
  });

  it('rejects truncated data, saying how many bytes were expected and found', () => {
    const bytes = idx(0x0c, [2, 3], new Uint8Array(23));
    expectFormatError(() => parseIdx(bytes, 'short.idx'), /truncated/, /needs 24 data bytes/, /got 23/);
  });

  it('rejects trailing bytes', () => {
    const bytes = idx(0x08, [2, 2], [1, 2, 3, 4, 5]);
    expectFormatError(() => parseIdx(bytes), /1 trailing bytes/, /needs 4 data bytes/, /got 5/);
  });

  it('rejects a zero dimension', () => {
    expectFormatError(() => parseIdx(idx(0x08, [3, 0, 2], [])), /dimension 1/, /is 0/, /positive/);
  });

  it('rejects zero dimensions', () => {
    expectFormatError(() => parseIdx(idx(0x08, [], [7])), /0 dimensions/);
  });
});

describe('readIdxFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gankit-idx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a gzipped file to the same contents as the raw one', async () => {
    const payload = new Uint8Array(4 * 6);
    const view = new DataView(payload.buffer);
    for (let i = 0; i < 6; i++) view.setInt32(4 * i, (i - 3) * 1_000_003, false);
    const raw = idx(0x0c, [2, 3], payload);
    const rawPath = path.join(dir, 'a-idx2-int');
    const gzPath = path.join(dir, 'a-idx2-int.gz');
    await writeFile(rawPath, raw);
    await writeFile(gzPath, gzipSync(raw));
    const fromRaw = await readIdxFile(rawPath);
    const fromGz = await readIdxFile(gzPath);
    expect(fromRaw.dtype).toBe('int32');
    expect(fromRaw.shape).toEqual([2, 3]);
    expect(Array.from(fromRaw.data)).toEqual([-3, -2, -1, 0, 1, 2].map((k) => k * 1_000_003));
    expect(fromGz).toEqual(fromRaw);
  });

  it('names the path in a format error', async () => {
    const file = path.join(dir, 'bad-dims');
    await writeFile(file, idx(0x08, [2], [1]));
    await expect(readIdxFile(file)).rejects.toThrow(DataFormatError);
    await expect(readIdxFile(file)).rejects.toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated`),
    );
  });

  it('rejects a corrupt gzip file with DataFormatError naming the path', async () => {
    const file = path.join(dir, 'corrupt.gz');
    const gz = gzipSync(idx(0x08, [64], new Uint8Array(64).fill(9)));
    const corrupt = gz.subarray(0, gz.length - 12);
    await writeFile(file, corrupt);
    const err = await readIdxFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).source).toBe(file);
    expect((err as Error).message).toMatch(/cannot be decompressed/);
  });

  it('rejects a missing file with DataFormatError naming the path', async () => {
    const file = path.join(dir, 'nope');
    const err = await readIdxFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).source).toBe(file);
    expect((err as Error).message).toMatch(/cannot read the file/);
  });
});
