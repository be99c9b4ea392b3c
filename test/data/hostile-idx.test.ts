/**
 * Hostile IDX input: every malformed file must end in a DataFormatError that names the file and
 * says what was expected — never a RangeError/TypeError, a huge allocation or a hang.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from '../../src/errors';
import { parseIdx, readIdxFile } from '../../src/data/idx';
import { loadFashionMnist, loadMnist } from '../../src/data/mnist';
import { Rng } from '../../src/random';
import { thrownBy, useTempDir, idxBytes as idx } from '../helpers';

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.nextInt(256));
}

/** Asserts `err` is a DataFormatError whose source is `source`, whose message starts with it and matches every fragment. */
function expectFormatError(err: unknown, source: string, fragments: RegExp[]): void {
  expect(err).toBeInstanceOf(DataFormatError);
  const e = err as DataFormatError;
  expect(e.source).toBe(source);
  expect(e.message.startsWith(`${source}: `)).toBe(true);
  for (const fragment of fragments) expect(e.message).toMatch(fragment);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the promise to reject');
    },
    (err: unknown) => err,
  );
}

const VALID_IMAGES = idx(0x08, [3, 28, 28], 3 * 784);
const MAX_U32 = 0xffffffff;

interface HostileCase {
  name: string;
  bytes: Uint8Array;
  /** What the message must say when the bytes are read raw. */
  raw: RegExp[];
  /** What it must say when the same bytes are gzipped (default: the same as raw). */
  gz?: RegExp[];
}

const HOSTILE: HostileCase[] = [
  { name: 'an empty file', bytes: new Uint8Array(0), raw: [/expected at least a 4-byte header/, /got 0 bytes/] },
  {
    name: 'a header cut after 3 bytes',
    bytes: VALID_IMAGES.subarray(0, 3),
    raw: [/expected at least a 4-byte header/, /got 3 bytes/],
  },
  {
    name: 'a header cut inside the dimensions',
    bytes: VALID_IMAGES.subarray(0, 10),
    raw: [/declares 3 dimensions/, /needs a 16-byte header/, /only 10 bytes long/],
  },
  {
    name: 'data cut short',
    bytes: VALID_IMAGES.subarray(0, 16 + 1000),
    raw: [
      /truncated IDX data/,
      /shape \[3, 28, 28\] of uint8 needs 2352 data bytes after the 16-byte header, got 1000/,
    ],
  },
  {
    name: 'int32 data cut mid-element',
    bytes: idx(0x0c, [2, 3], 23),
    raw: [/truncated IDX data/, /shape \[2, 3\] of int32 needs 24 data bytes/, /got 23/],
  },
  {
    name: 'random bytes',
    bytes: randomBytes(4096, 7),
    raw: [/wrong magic number/, /expected an IDX file to start with two zero bytes, got 0x[0-9A-F]{2} 0x[0-9A-F]{2}/],
  },
  {
    name: 'a first magic byte of 0x01',
    bytes: Uint8Array.from([1, ...VALID_IMAGES.subarray(1)]),
    raw: [/wrong magic number/, /got 0x01 0x00/],
  },
  {
    name: 'a second magic byte of 0x08 (a shifted header)',
    bytes: VALID_IMAGES.subarray(1),
    raw: [/wrong magic number/, /got 0x00 0x08/],
  },
  {
    name: 'an unknown dtype byte 0x0A',
    bytes: idx(0x0a, [4], 4),
    raw: [/unknown IDX element type byte 0x0A/, /expected 0x08 \(uint8\), 0x09 \(int8\)/],
  },
  { name: 'an unknown dtype byte 0xFF', bytes: idx(0xff, [4], 4), raw: [/unknown IDX element type byte 0xFF/] },
  { name: '0 dimensions', bytes: idx(0x08, [], 7), raw: [/declares 0 dimensions; expected at least one/] },
  {
    name: 'an absurd dimension count (255) in a short file',
    bytes: (() => {
      const b = idx(0x08, [100], 100);
      b[3] = 255;
      return b;
    })(),
    raw: [/declares 255 dimensions/, /needs a 1024-byte header/, /only 108 bytes long/],
  },
  {
    name: 'a zero dimension',
    bytes: idx(0x08, [3, 0, 2]),
    raw: [/dimension 1 of the IDX shape is 0; expected every dimension to be positive/],
  },
  {
    name: 'dimension sizes whose product overflows 2^53',
    bytes: idx(0x08, [MAX_U32, MAX_U32, MAX_U32], 8),
    raw: [/truncated IDX data/, /shape \[4294967295, 4294967295, 4294967295\] of uint8 needs more than 2\^53/, /got 8/],
    gz: [
      /declares shape \[4294967295, 4294967295, 4294967295\] of uint8/,
      /expected at most 4294967296 bytes once decompressed/,
    ],
  },
  {
    name: '255 dimensions of 2^32 - 1 (the product is Infinity)',
    bytes: idx(0x08, new Array<number>(255).fill(MAX_U32)),
    raw: [/needs more than 2\^53 \(the product overflows\)/, /\(255 dimensions\)/, /got 0/],
    gz: [/\(255 dimensions\)/, /expected at most 4294967296 bytes once decompressed/],
  },
  {
    // Allocating the declared float64 array first (16 GiB) would throw a RangeError or run out of memory.
    name: 'a float64 shape of 2^31 elements in a 24-byte file',
    bytes: idx(0x0e, [65536, 32768], 8),
    raw: [/shape \[65536, 32768\] of float64 needs 17179869184 data bytes after the 12-byte header, got 8/],
    gz: [/shape \[65536, 32768\] of float64/, /expected at most 4294967296 bytes once decompressed/],
  },
  {
    name: 'trailing bytes after the data',
    bytes: idx(0x08, [4, 4], 19),
    raw: [/3 trailing bytes after the IDX data/, /needs 16 data bytes/, /got 19/],
    gz: [
      /decompresses to more than the 28 bytes its IDX header declares \(shape \[4, 4\] of uint8\); expected exactly 28/,
    ],
  },
];

describe('parseIdx on hostile bytes', () => {
  it.each(HOSTILE.map((c) => [c.name, c] as const))('%s: DataFormatError naming the source', (_name, c) => {
    expectFormatError(
      thrownBy(() => parseIdx(c.bytes, 'hostile.idx')),
      'hostile.idx',
      c.raw,
    );
  });

  it('rejects input that is not a Uint8Array', () => {
    expectFormatError(
      thrownBy(() => parseIdx('IDX' as unknown as Uint8Array, 'text')),
      'text',
      [/expected the bytes of an IDX file as a Uint8Array/, /got string/],
    );
    expectFormatError(
      thrownBy(() => parseIdx(new ArrayBuffer(8) as unknown as Uint8Array, 'ab')),
      'ab',
      [/got ArrayBuffer/],
    );
    expectFormatError(
      thrownBy(() => parseIdx(null as unknown as Uint8Array, 'nothing')),
      'nothing',
      [/got null/],
    );
  });

  it('still parses the valid file the hostile cases are cut from', () => {
    expect(parseIdx(VALID_IMAGES).shape).toEqual([3, 28, 28]);
  });
});

describe('readIdxFile on hostile files', () => {
  const tmp = useTempDir('hostile-idx');
  let counter = 0;
  async function fileWith(bytes: Uint8Array, suffix = ''): Promise<string> {
    const file = path.join(tmp(), `case-${counter++}-idx${suffix}`);
    await writeFile(file, bytes);
    return file;
  }

  it.each(HOSTILE.map((c) => [c.name, c] as const))('%s, raw: DataFormatError naming the file', async (_name, c) => {
    const file = await fileWith(c.bytes);
    expectFormatError(await rejectionOf(readIdxFile(file)), file, c.raw);
  });

  it.each(HOSTILE.map((c) => [c.name, c] as const))(
    '%s, gzipped: DataFormatError naming the file',
    async (_name, c) => {
      const file = await fileWith(gzipSync(c.bytes), '.gz');
      expectFormatError(await rejectionOf(readIdxFile(file)), file, c.gz ?? c.raw);
    },
  );

  const gz = gzipSync(VALID_IMAGES);
  const corruptGzip: Array<[string, Uint8Array, RegExp[]]> = [
    [
      'a gzip stream cut short',
      gz.subarray(0, gz.length - 12),
      [/starts like a gzip file but cannot be decompressed/, /unexpected end of file/],
    ],
    [
      'only the gzip magic bytes',
      Uint8Array.from([0x1f, 0x8b]),
      [/starts like a gzip file but cannot be decompressed/],
    ],
    [
      'a flipped byte in the deflate data',
      (() => {
        const b = Uint8Array.from(gz);
        b[Math.floor(b.length / 2)] ^= 0xff;
        return b;
      })(),
      [/starts like a gzip file but cannot be decompressed/],
    ],
    [
      'a damaged CRC',
      (() => {
        const b = Uint8Array.from(gz);
        b[b.length - 6] ^= 0x01;
        return b;
      })(),
      [/cannot be decompressed/, /incorrect data check/],
    ],
    ['gzipped random bytes', gzipSync(randomBytes(1000, 11)), [/wrong magic number/]],
  ];

  it.each(corruptGzip)('%s: DataFormatError naming the file', async (_name, bytes, fragments) => {
    const file = await fileWith(bytes, '.gz');
    expectFormatError(await rejectionOf(readIdxFile(file)), file, fragments);
  });

  it('stops inflating a gzip bomb at the size its IDX header declares', async () => {
    // A 16-byte image whose gzip stream inflates to 32 MiB of zeros after the header.
    const bomb = gzipSync(idx(0x08, [4, 4], 32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const file = await fileWith(bomb, '.gz');
    expectFormatError(await rejectionOf(readIdxFile(file)), file, [
      /decompresses to more than the 28 bytes its IDX header declares/,
    ]);
  });

  it('rejects a gzip bomb behind an absurd header before inflating it', async () => {
    const file = await fileWith(gzipSync(idx(0x08, [MAX_U32, MAX_U32], 8 * 1024 * 1024)), '.gz');
    expectFormatError(await rejectionOf(readIdxFile(file)), file, [
      /declares shape \[4294967295, 4294967295\] of uint8/,
      /expected at most 4294967296 bytes once decompressed/,
    ]);
  });

  it('reads a valid gzipped file (the bounded gunzip keeps every byte)', async () => {
    const file = await fileWith(gz, '.gz');
    const parsed = await readIdxFile(file);
    expect(parsed.shape).toEqual([3, 28, 28]);
    expect(parsed.data.length).toBe(3 * 784);
  });

  it('rejects a directory given as the file', async () => {
    expectFormatError(await rejectionOf(readIdxFile(tmp())), tmp(), [/cannot read the file/]);
  });
});

describe('loadMnist / loadFashionMnist on hostile file pairs', () => {
  const tmp = useTempDir('hostile-mnist');
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
  });

  const IMAGES = 'train-images-idx3-ubyte';
  const LABELS = 'train-labels-idx1-ubyte';
  const goodImages = (n: number): Uint8Array => idx(0x08, [n, 28, 28], randomBytes(n * 784, n));
  const goodLabels = (values: number[]): Uint8Array => idx(0x08, [values.length], values);

  /** Writes the pair into a fresh directory; returns it. */
  async function pairDir(
    images: Uint8Array,
    labels: Uint8Array,
    names = { images: IMAGES, labels: LABELS },
  ): Promise<string> {
    const dir = await mkdtemp(path.join(tmp(), 'pair-'));
    await writeFile(path.join(dir, names.images), images);
    await writeFile(path.join(dir, names.labels), labels);
    return dir;
  }

  const cases: Array<{
    name: string;
    images: Uint8Array;
    labels: Uint8Array;
    culprit: 'images' | 'labels';
    fragments: RegExp[];
    limit?: number;
  }> = [
    {
      name: 'image count ≠ label count',
      images: goodImages(3),
      labels: goodLabels([0, 1]),
      culprit: 'labels',
      fragments: [/holds 2 labels but .*train-images-idx3-ubyte holds 3 images; expected one label per image/],
    },
    {
      name: 'a label of 10',
      images: goodImages(3),
      labels: goodLabels([0, 10, 1]),
      culprit: 'labels',
      fragments: [/label 1 is 10; expected a class index in \[0, 10\)/],
    },
    {
      name: 'a label of 255',
      images: goodImages(2),
      labels: goodLabels([255, 1]),
      culprit: 'labels',
      fragments: [/label 0 is 255; expected a class index in \[0, 10\)/],
    },
    {
      name: 'a bad label beyond the limit (the file is corrupt)',
      images: goodImages(4),
      labels: goodLabels([0, 1, 2, 42]),
      culprit: 'labels',
      limit: 2,
      fragments: [/label 3 is 42/],
    },
    {
      name: '3-D images that are not 28×28',
      images: idx(0x08, [2, 27, 28], 2 * 27 * 28),
      labels: goodLabels([0, 1]),
      culprit: 'images',
      fragments: [
        /expected uint8 images of shape \[count, 28, 28\] \(MNIST images are 28×28\), got 27×28 images of shape \[2, 27, 28\]/,
      ],
    },
    {
      name: '4-D images [n, 28, 28, 1]',
      images: idx(0x08, [2, 28, 28, 1], 2 * 784),
      labels: goodLabels([0, 1]),
      culprit: 'images',
      fragments: [/expected uint8 images of shape \[count, 28, 28\], got uint8 of shape \[2, 28, 28, 1\]/],
    },
    {
      name: 'float32 images',
      images: idx(0x0d, [1, 28, 28], 4 * 784),
      labels: goodLabels([0]),
      culprit: 'images',
      fragments: [/expected uint8 images of shape \[count, 28, 28\], got float32 of shape \[1, 28, 28\]/],
    },
    {
      name: 'a 2-D labels file',
      images: goodImages(2),
      labels: idx(0x08, [2, 1], [0, 1]),
      culprit: 'labels',
      fragments: [/expected uint8 labels of shape \[count\], got uint8 of shape \[2, 1\]/],
    },
    {
      name: 'int32 labels',
      images: goodImages(2),
      labels: idx(0x0c, [2], 8),
      culprit: 'labels',
      fragments: [/expected uint8 labels of shape \[count\], got int32 of shape \[2\]/],
    },
    {
      name: 'a truncated images file',
      images: goodImages(3).subarray(0, 16 + 784 + 5),
      labels: goodLabels([0, 1, 2]),
      culprit: 'images',
      fragments: [/truncated IDX data/, /needs 2352 data bytes/, /got 789/],
    },
    {
      name: 'random bytes as the images file',
      images: randomBytes(2000, 3),
      labels: goodLabels([0]),
      culprit: 'images',
      fragments: [/wrong magic number/],
    },
    {
      name: 'the labels file under the images name (files swapped)',
      images: goodLabels([0, 1]),
      labels: goodImages(2),
      culprit: 'images',
      fragments: [/expected uint8 images of shape \[count, 28, 28\], got uint8 of shape \[2\]/],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s: DataFormatError naming the file at fault', async (_name, c) => {
    const dir = await pairDir(c.images, c.labels);
    const file = path.join(dir, c.culprit === 'images' ? IMAGES : LABELS);
    expectFormatError(await rejectionOf(loadMnist({ dir, limit: c.limit })), file, c.fragments);
  });

  it('a corrupt gzipped labels file: DataFormatError naming it', async () => {
    const gz = gzipSync(goodLabels([0, 1]));
    const dir = await pairDir(goodImages(2), gz.subarray(0, gz.length - 5), { images: IMAGES, labels: `${LABELS}.gz` });
    expectFormatError(await rejectionOf(loadMnist({ dir })), path.join(dir, `${LABELS}.gz`), [
      /cannot be decompressed/,
    ]);
  });

  it('Fashion-MNIST checks the image size the same way', async () => {
    const dir = await pairDir(idx(0x08, [2, 28, 14], 2 * 28 * 14), goodLabels([0, 1]));
    expectFormatError(await rejectionOf(loadFashionMnist({ dir })), path.join(dir, IMAGES), [
      /\(Fashion-MNIST images are 28×28\), got 28×14 images/,
    ]);
  });

  it('loads the valid pair the hostile cases are made from', async () => {
    const data = await loadMnist({ dir: await pairDir(goodImages(3), goodLabels([7, 0, 9])) });
    try {
      expect(data.images.shape).toEqual([3, 28, 28, 1]);
      expect(Array.from(data.labels as Int32Array)).toEqual([7, 0, 9]);
    } finally {
      data.dispose();
    }
  });
});
