import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, GanConfigError } from '../../src/errors';
import { imageGrid, RgbaImage } from '../../src/image/grid';
import { decodePng, encodePng, saveImageGrid } from '../../src/image/png';
import { thrownBy } from '../helpers';

/** The RGBA bytes of pixel (x, y). */
function px(img: RgbaImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(o, o + 4));
}

/** Two 2×2 grayscale images: image 0 all -1 (black), image 1 all +1 (white). */
function blackWhite(): tf.Tensor4D {
  return tf.tensor4d([-1, -1, -1, -1, 1, 1, 1, 1], [2, 2, 2, 1]);
}

function expectConfigError(fn: () => unknown, argument: string, messagePart: RegExp): void {
  const caught = thrownBy(fn);
  expect(caught).toBeInstanceOf(GanConfigError);
  const err = caught as GanConfigError;
  expect(err.argument).toBe(argument);
  expect(err.message).toContain(argument);
  expect(err.message).toMatch(messagePart);
}

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'gankit-grid-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('imageGrid', () => {
  test('lays out two grayscale tiles with padding and background', () => {
    const images = blackWhite();
    const img = imageGrid(images, { columns: 2, padding: 1, background: 100 });
    images.dispose();
    // 2 tiles of 2 px + 3 padding columns; 1 row of 2 px + 2 padding rows.
    expect(img.width).toBe(7);
    expect(img.height).toBe(4);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(img.data.length).toBe(7 * 4 * 4);
    const bg = [100, 100, 100, 255];
    const black = [0, 0, 0, 255];
    const white = [255, 255, 255, 255];
    // Full expected picture, row by row: P = padding, B = black tile, W = white tile.
    const layout = ['PPPPPPP', 'PBBPWWP', 'PBBPWWP', 'PPPPPPP'];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 7; x++) {
        const expected = { P: bg, B: black, W: white }[layout[y][x] as 'P' | 'B' | 'W'];
        expect({ x, y, rgba: px(img, x, y) }).toEqual({ x, y, rgba: expected });
      }
    }
  });

  test('defaults: columns ceil(sqrt(n)), padding 2, black background, row-major order', () => {
    // 5 images of 1×1 with values -1, -0.5, 0, 0.5, 1 → 3 columns, 2 rows.
    const images = tf.tensor4d([-1, -0.5, 0, 0.5, 1], [5, 1, 1, 1]);
    const img = imageGrid(images);
    images.dispose();
    expect(img.width).toBe(3 * 1 + 4 * 2);
    expect(img.height).toBe(2 * 1 + 3 * 2);
    const at = (i: number): number[] => px(img, 2 + (i % 3) * 3, 2 + Math.floor(i / 3) * 3);
    expect(at(0)).toEqual([0, 0, 0, 255]);
    expect(at(1)).toEqual([64, 64, 64, 255]); // 63.75 rounds to 64
    expect(at(2)).toEqual([128, 128, 128, 255]); // 127.5 rounds to 128
    expect(at(3)).toEqual([191, 191, 191, 255]); // 191.25
    expect(at(4)).toEqual([255, 255, 255, 255]);
    // The sixth cell (row 1, column 2) is empty: background.
    expect(px(img, 2 + 2 * 3, 2 + 3)).toEqual([0, 0, 0, 255]);
    // Padding is black, opaque.
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 255]);
  });

  test('scale 2 doubles each tile and repeats pixels', () => {
    // One 2×2 image with four distinct values.
    const images = tf.tensor4d([-1, 1, 0, -1], [1, 2, 2, 1]);
    const img1 = imageGrid(images, { padding: 1 });
    const img2 = imageGrid(images, { padding: 1, scale: 2 });
    images.dispose();
    expect([img1.width, img1.height]).toEqual([4, 4]);
    expect([img2.width, img2.height]).toEqual([6, 6]); // 2*2 + 2 padding (padding not scaled)
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        const v = px(img1, 1 + x, 1 + y);
        for (let sy = 0; sy < 2; sy++) {
          for (let sx = 0; sx < 2; sx++) {
            expect(px(img2, 1 + 2 * x + sx, 1 + 2 * y + sy)).toEqual(v);
          }
        }
      }
    }
    expect(px(img2, 1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(img2, 4, 2)).toEqual([255, 255, 255, 255]);
    expect(px(img2, 2, 3)).toEqual([128, 128, 128, 255]);
  });

  test('RGB input keeps its channels', () => {
    // 1 image, 1×2 pixels: pure red, then (blue-ish) [-1, 0, 1].
    const images = tf.tensor4d([1, -1, -1, -1, 0, 1], [1, 1, 2, 3]);
    const img = imageGrid(images, { padding: 0 });
    images.dispose();
    expect([img.width, img.height]).toEqual([2, 1]);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 255, 0, 128, 255, 255]);
  });

  test('values outside the range clamp, NaN becomes 0, infinities clamp', () => {
    const images = tf.tensor4d([-5, 7, NaN, Infinity, -Infinity, 1.0001], [1, 1, 6, 1]);
    const img = imageGrid(images, { padding: 0 });
    images.dispose();
    expect([0, 1, 2, 3, 4, 5].map((x) => px(img, x, 0)[0])).toEqual([0, 255, 0, 255, 0, 255]);
  });

  test('inputRange [0, 1] maps 0 → 0, 0.5 → 128, 1 → 255, and -1 clamps to 0', () => {
    const images = tf.tensor4d([0, 0.5, 1, -1], [1, 1, 4, 1]);
    const img = imageGrid(images, { padding: 0, inputRange: [0, 1] });
    images.dispose();
    expect([0, 1, 2, 3].map((x) => px(img, x, 0)[0])).toEqual([0, 128, 255, 0]);
  });

  test('accepts int32 tensors', () => {
    const images = tf.tensor4d([0, 255], [1, 1, 2, 1], 'int32');
    const img = imageGrid(images, { padding: 0, inputRange: [0, 255] });
    images.dispose();
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  test('leaves no tensor behind and does not dispose the input', () => {
    const images = blackWhite();
    const ints = tf.tensor4d([1, 2], [1, 1, 2, 1], 'int32');
    const before = tf.memory().numTensors;
    imageGrid(images, { columns: 2 });
    imageGrid(ints, { inputRange: [0, 2] });
    expect(tf.memory().numTensors).toBe(before);
    expect(images.isDisposed).toBe(false);
    // A failing call does not leak either.
    expect(() => imageGrid(images, { columns: 0 })).toThrow(GanConfigError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, ints]);
  });

  test('rejects bad inputs with a GanConfigError naming the argument', () => {
    const rank3 = tf.zeros([2, 2, 1]) as unknown as tf.Tensor4D;
    const twoChannels = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    const empty = tf.zeros([0, 2, 2, 1]) as tf.Tensor4D;
    const ok = blackWhite();
    expectConfigError(() => imageGrid(rank3), 'images', /rank-4.*rank 3/);
    expectConfigError(() => imageGrid(twoChannels), 'images', /1 \(grayscale\) or 3 \(RGB\) channels, got 2/);
    expectConfigError(() => imageGrid(empty), 'images', /at least one image/);
    expectConfigError(() => imageGrid(ok, { columns: 0 }), 'options.columns', /positive integer.*got 0/);
    expectConfigError(() => imageGrid(ok, { columns: 1.5 }), 'options.columns', /positive integer/);
    expectConfigError(() => imageGrid(ok, { padding: -1 }), 'options.padding', /non-negative integer/);
    expectConfigError(() => imageGrid(ok, { scale: 0 }), 'options.scale', /positive integer/);
    expectConfigError(() => imageGrid(ok, { background: 256 }), 'options.background', /\[0, 255\]/);
    expectConfigError(() => imageGrid(ok, { inputRange: [1, 1] }), 'options.inputRange', /low < high/);
    expectConfigError(() => imageGrid(ok, { inputRange: [0, NaN] }), 'options.inputRange', /low < high/);
    tf.dispose([rank3, twoChannels, empty, ok]);
    expectConfigError(() => imageGrid(ok), 'images', /disposed/);
  });
});

describe('PNG encoding', () => {
  test('encodePng → decodePng round-trips the exact bytes', () => {
    const data = new Uint8Array(3 * 2 * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const image: RgbaImage = { width: 3, height: 2, data };
    const bytes = encodePng(image);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = decodePng(bytes);
    expect(back.width).toBe(3);
    expect(back.height).toBe(2);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  test('encodePng rejects a data length that does not match the size', () => {
    expectConfigError(
      () => encodePng({ width: 2, height: 2, data: new Uint8Array(15) }),
      'image.data',
      /expected 16 bytes/,
    );
    expectConfigError(
      () => encodePng({ width: 0, height: 2, data: new Uint8Array(0) }),
      'image',
      /positive integer width/,
    );
  });

  test('decodePng rejects bytes that are not a PNG with a DataFormatError', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(DataFormatError);
  });
});

describe('saveImageGrid', () => {
  test('writes a PNG identical to imageGrid, creating the directory, leaving no temp file', async () => {
    const images = tf.tensor4d(
      Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.sin(i) * 1.2),
      [3, 3, 2, 3],
    );
    const options = { columns: 2, padding: 1, scale: 3, background: 40 };
    const expected = imageGrid(images, options);
    const outDir = join(dir, 'nested', 'samples');
    const file = join(outDir, 'grid.png');
    await saveImageGrid(file, images, options);
    images.dispose();

    const decoded = decodePng(await readFile(file));
    expect(decoded.width).toBe(expected.width);
    expect(decoded.height).toBe(expected.height);
    expect(Buffer.from(decoded.data).equals(Buffer.from(expected.data))).toBe(true);
    expect(await readdir(outDir)).toEqual(['grid.png']);
  });

  test('replaces an existing grid it wrote atomically and leaves no temp file', async () => {
    const file = join(dir, 'replace.png');
    const earlier = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    await saveImageGrid(file, earlier, { columns: 1 });
    earlier.dispose();
    const images = blackWhite();
    await saveImageGrid(file, images, { columns: 1 });
    const expected = imageGrid(images, { columns: 1 });
    images.dispose();
    const decoded = decodePng(await readFile(file));
    expect([decoded.width, decoded.height]).toEqual([2 + 2 * 2, 2 * 2 + 3 * 2]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(expected.data))).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('rejects bad arguments without writing anything', async () => {
    const images = blackWhite();
    const file = join(dir, 'bad', 'grid.png');
    await expect(saveImageGrid(file, images, { columns: 0 })).rejects.toThrow(GanConfigError);
    await expect(saveImageGrid('', images)).rejects.toMatchObject({ argument: 'path' });
    images.dispose();
    expect((await readdir(dir)).includes('bad')).toBe(false);
  });

  test('leaves no tensor behind', async () => {
    const images = blackWhite();
    const before = tf.memory().numTensors;
    await saveImageGrid(join(dir, 'mem.png'), images);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
