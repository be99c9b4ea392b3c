/**
 * loadHdf5Images: image sets in HDF5 files, written here with h5wasm itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DataFormatError, GanConfigError, GankitError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { loadHdf5Images, type Hdf5ImagesOptions } from '../../src/data/hdf5';
import { importOptionalEsm, loadH5wasm } from '../../src/data/hdf5';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('hdf5');

interface Writable {
  create_dataset(args: { name: string; data: unknown; shape: number[]; dtype: string }): unknown;
  create_group(name: string): Writable;
  close(): void;
}

type Spec = { data: ArrayLike<number> | bigint[] | string[]; shape: number[]; dtype: string };

/** Writes an HDF5 file with the given datasets ('group/name' paths make the groups). */
async function writeH5(name: string, datasets: Record<string, Spec>): Promise<string> {
  const h5 = await loadH5wasm();
  const file = path.join(tmp(), name);
  const root = new h5.File(file, 'w') as unknown as Writable;
  const groups = new Map<string, Writable>();
  for (const [key, spec] of Object.entries(datasets)) {
    const parts = key.split('/');
    let parent = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const groupPath = parts.slice(0, i + 1).join('/');
      if (!groups.has(groupPath)) groups.set(groupPath, parent.create_group(parts[i]));
      parent = groups.get(groupPath) as Writable;
    }
    const data = spec.dtype === '<q' ? BigInt64Array.from(spec.data as bigint[]) : spec.data;
    parent.create_dataset({ name: parts[parts.length - 1], data, shape: spec.shape, dtype: spec.dtype });
  }
  root.close();
  return file;
}

const N = 20;
const [H, W, C] = [6, 5, 3];
const pixels = Uint8Array.from({ length: N * H * W * C }, (_, i) => (i * 37 + 11) % 256);
const labels = Array.from({ length: N }, (_, i) => i % 4);

function expectClose(a: tf.Tensor, b: tf.Tensor, tolerance = 1e-6): void {
  expect(a.shape).toEqual(b.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  expect(diff).toBeLessThanOrEqual(tolerance);
}

async function expectFormatError(promise: Promise<unknown>, ...fragments: RegExp[]): Promise<DataFormatError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a DataFormatError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFormatError);
  for (const fragment of fragments) expect((error as Error).message).toMatch(fragment);
  return error as DataFormatError;
}

let standard = '';

beforeAll(async () => {
  await useDefaultBackend();
  standard = await writeH5('celeba-like.h5', {
    'train/images': { data: pixels, shape: [N, H, W, C], dtype: '<B' },
    'train/labels': { data: labels.map(BigInt), shape: [N], dtype: '<q' },
  });
});

describe('loadHdf5Images', () => {
  test('uint8 [n, h, w, c] with int64 labels: the same dataset as ImageDataset.fromPixels', async () => {
    const data = await loadHdf5Images(standard, { images: 'train/images', labels: '/train/labels', numClasses: 4 });
    const reference = ImageDataset.fromPixels(pixels, [N, H, W, C], labels, { numClasses: 4 });
    expect(data.size).toBe(N);
    expect(data.imageShape).toEqual([H, W, C]);
    expect(data.numClasses).toBe(4);
    expect(Array.from(data.labels ?? [])).toEqual(labels);
    expect(data.images.dataSync()).toEqual(reference.images.dataSync());
    data.dispose();
    reference.dispose();
  });

  test('limit takes the first images and labels; unlabelled sets have no labels', async () => {
    const data = await loadHdf5Images(standard, { images: 'train/images', labels: 'train/labels', limit: 7 });
    expect(data.size).toBe(7);
    expect(Array.from(data.labels ?? [])).toEqual(labels.slice(0, 7));
    expect(data.numClasses).toBe(4); // largest label + 1
    const first = ImageDataset.fromPixels(pixels.subarray(0, 7 * H * W * C), [7, H, W, C]);
    expect(data.images.dataSync()).toEqual(first.images.dataSync());
    const unlabelled = await loadHdf5Images(standard, { images: 'train/images', limit: 100 });
    expect(unlabelled.size).toBe(N);
    expect(unlabelled.labels).toBeNull();
    [data, first, unlabelled].forEach((d) => d.dispose());
  });

  test('[n, h, w] grey images get one channel; [n, 1] int32 labels and integral float labels work', async () => {
    const grey = pixels.subarray(0, N * H * W);
    const file = await writeH5('grey.h5', {
      x: { data: grey, shape: [N, H, W], dtype: '<B' },
      y: { data: labels, shape: [N, 1], dtype: '<i' },
      yf: { data: labels, shape: [N], dtype: '<d' },
    });
    const data = await loadHdf5Images(file, { images: 'x', labels: 'y' });
    expect(data.imageShape).toEqual([H, W, 1]);
    expect(Array.from(data.labels ?? [])).toEqual(labels);
    const viaFloat = await loadHdf5Images(file, { images: 'x', labels: 'yf' });
    expect(Array.from(viaFloat.labels ?? [])).toEqual(labels);
    [data, viaFloat].forEach((d) => d.dispose());
  });

  test('float images: [0, 1] and [-1, 1] told apart by sign, or an explicit range', async () => {
    const unit = Float32Array.from(pixels, (p) => p / 255);
    const signed = Float64Array.from(pixels, (p) => p / 127.5 - 1);
    const wide = Float32Array.from(pixels);
    const file = await writeH5('floats.h5', {
      unit: { data: unit, shape: [N, H, W, C], dtype: '<f' },
      signed: { data: signed, shape: [N, H, W, C], dtype: '<d' },
      wide: { data: wide, shape: [N, H, W, C], dtype: '<f' },
    });
    const reference = ImageDataset.fromPixels(pixels, [N, H, W, C]);
    for (const [name, options] of [
      ['unit', {}],
      ['signed', {}],
      ['wide', { range: [0, 255] }],
      ['unit', { range: [0, 1] }],
    ] as const) {
      const data = await loadHdf5Images(file, { images: name, ...(options as Partial<Hdf5ImagesOptions>) });
      expectClose(data.images, reference.images, 1e-5);
      data.dispose();
    }
    // An explicit range is taken at its word: [-1, 1] for data in [0, 1] means no rescaling.
    const asSigned = await loadHdf5Images(file, { images: 'unit', range: [-1, 1] });
    const asStored = tf.tensor4d(unit, [N, H, W, C]);
    expectClose(asSigned.images, asStored, 1e-6);
    asSigned.dispose();
    asStored.dispose();
    reference.dispose();
  });

  test('channels-first [n, c, h, w] is transposed with channelsFirst: true, and refused with a hint otherwise', async () => {
    const nchw = new Uint8Array(pixels.length);
    for (let i = 0; i < N; i++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let c = 0; c < C; c++) {
            nchw[((i * C + c) * H + y) * W + x] = pixels[((i * H + y) * W + x) * C + c];
          }
    const file = await writeH5('nchw.h5', { images: { data: nchw, shape: [N, C, H, W], dtype: '<B' } });
    const data = await loadHdf5Images(file, { images: 'images', channelsFirst: true });
    const reference = ImageDataset.fromPixels(pixels, [N, H, W, C]);
    expect(data.imageShape).toEqual([H, W, C]);
    expect(data.images.dataSync()).toEqual(reference.images.dataSync());
    await expectFormatError(
      loadHdf5Images(file, { images: 'images' }),
      /looks channels-first/,
      /channelsFirst: true/,
      /nchw\.h5, dataset 'images'/,
    );
    const asIs = await loadHdf5Images(file, { images: 'images', channelsFirst: false });
    expect(asIs.imageShape).toEqual([C, H, W]);
    [data, reference, asIs].forEach((d) => d.dispose());
  });

  test('a dataset trains a GAN batch like any other', async () => {
    const data = await loadHdf5Images(standard, { images: 'train/images', labels: 'train/labels' });
    const [batch] = data.batches(8, { shuffle: false });
    expect(batch.images.shape).toEqual([8, H, W, C]);
    expect(Array.from(batch.labels?.dataSync() ?? [])).toEqual(labels.slice(0, 8));
    tf.dispose([batch.images, batch.labels ?? []]);
    data.dispose();
  });
});

describe('loadHdf5Images on hostile input: typed errors naming the file and the dataset', () => {
  let hostile = '';
  beforeAll(async () => {
    hostile = await writeH5('hostile.h5', {
      images: { data: pixels, shape: [N, H, W, C], dtype: '<B' },
      flat: { data: pixels.subarray(0, N * 90), shape: [N, 90], dtype: '<B' },
      'group/inner': { data: [1, 2], shape: [2], dtype: '<i' },
      short: { data: labels.slice(0, 19), shape: [19], dtype: '<i' },
      negative: { data: labels.map((l) => l - 1), shape: [N], dtype: '<i' },
      fractional: { data: labels.map((l) => l + 0.5), shape: [N], dtype: '<f' },
      wideLabels: { data: pixels.subarray(0, N * 3), shape: [N, 3], dtype: '<B' },
      tooBright: { data: Float32Array.from(pixels, (p) => p / 100), shape: [N, H, W, C], dtype: '<f' },
      withNaN: {
        data: Float32Array.from(pixels, (p, i) => (i === 5 ? NaN : p / 255)),
        shape: [N, H, W, C],
        dtype: '<f',
      },
      wide16: { data: Uint16Array.from(pixels, (p) => p * 200), shape: [N, H, W, C], dtype: '<H' },
      names: { data: ['a', 'b'], shape: [2], dtype: 'S' },
    });
  });

  test('missing dataset path → DataFormatError listing what the file holds', async () => {
    const error = await expectFormatError(
      loadHdf5Images(hostile, { images: 'train/images' }),
      /hostile\.h5, dataset 'train\/images'/,
      /does not exist/,
      /'images'/,
    );
    expect(error.source).toContain('hostile.h5');
    await expectFormatError(
      loadHdf5Images(hostile, { images: 'images', labels: 'labels' }),
      /dataset 'labels'/,
      /does not exist/,
    );
    await expectFormatError(
      loadHdf5Images(hostile, { images: 'group' }),
      /dataset 'group'/,
      /is a group holding 'inner'/,
    );
  });

  test('wrong rank, wrong type, NaN and out-of-range values', async () => {
    await expectFormatError(loadHdf5Images(hostile, { images: 'flat' }), /dataset 'flat'/, /shape \[20, 90\]/);
    await expectFormatError(loadHdf5Images(hostile, { images: 'group/inner' }), /shape \[2\]/);
    await expectFormatError(loadHdf5Images(hostile, { images: 'names' }), /dataset 'names'/, /string values/);
    await expectFormatError(
      loadHdf5Images(hostile, { images: 'tooBright' }),
      /dataset 'tooBright'/,
      /outside \[0, 1\]/,
      /range/,
    );
    await expectFormatError(loadHdf5Images(hostile, { images: 'withNaN' }), /NaN/);
    await expectFormatError(loadHdf5Images(hostile, { images: 'wide16' }), /uint16 values in \[0, 51000\]/, /range/);
    const ok = await loadHdf5Images(hostile, { images: 'wide16', range: [0, 255 * 200], limit: 2 });
    expect(ok.size).toBe(2);
    ok.dispose();
  });

  test('labels: count ≠ image count, negative, fractional, [n, 3], ≥ numClasses', async () => {
    await expectFormatError(
      loadHdf5Images(hostile, { images: 'images', labels: 'short' }),
      /dataset 'short'/,
      /19 labels but 'images' has 20 images/,
    );
    await expectFormatError(loadHdf5Images(hostile, { images: 'images', labels: 'negative' }), /labels\[0\] is -1/);
    await expectFormatError(loadHdf5Images(hostile, { images: 'images', labels: 'fractional' }), /labels\[0\] is 0\.5/);
    await expectFormatError(loadHdf5Images(hostile, { images: 'images', labels: 'wideLabels' }), /shape \[20, 3\]/);
    await expectFormatError(
      loadHdf5Images(standard, { images: 'train/images', labels: 'train/labels', numClasses: 3 }),
      /labels\[3\] is 3/,
      /\[0, 3\)/,
    );
  });

  test('a file that is not HDF5, a damaged one, a missing one', async () => {
    const text = path.join(tmp(), 'not-hdf5.h5');
    await writeFile(text, 'images,labels\n1,2\n'.repeat(100));
    await expectFormatError(loadHdf5Images(text, { images: 'images' }), /not-hdf5\.h5/, /not an HDF5 file/);
    const cut = path.join(tmp(), 'cut.h5');
    await writeFile(cut, (await readFile(standard)).subarray(0, 1500));
    await expectFormatError(loadHdf5Images(cut, { images: 'train/images' }), /cut\.h5/, /cannot open it/);
    await expectFormatError(
      loadHdf5Images(path.join(tmp(), 'nope.h5'), { images: 'images' }),
      /nope\.h5/,
      /cannot read the file/,
    );
  });

  test('bad options are GanConfigErrors; a missing optional package is named with its install command', async () => {
    await expect(loadHdf5Images(standard, { images: '' })).rejects.toBeInstanceOf(GanConfigError);
    await expect(loadHdf5Images(standard, { images: 'train/images', limit: 0 })).rejects.toThrow(/limit/);
    await expect(loadHdf5Images(standard, { images: 'train/images', range: [1, 1] })).rejects.toThrow(/range/);
    const missing = importOptionalEsm(
      'gankit-no-such-package/node',
      'gankit-no-such-package',
      'index.js',
      'loadHdf5Images',
    );
    await expect(missing).rejects.toBeInstanceOf(GankitError);
    await expect(missing).rejects.toThrow(
      /needs the package 'gankit-no-such-package'.*npm install gankit-no-such-package/,
    );
  });
});
