/**
 * openHdf5Images: streamed HDF5 image sets, a 4-D dataset read a row at a time and the seed-003
 * CelebA layout (a group of per-image datasets), written here with h5wasm itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdir, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { DataFormatError, GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { Rng } from '../../src/random';
import { loadHdf5Images } from '../../src/data/hdf5';
import { openHdf5Images } from '../../src/data/hdf5-source';
import { transformImage } from '../../src/data/transforms';
import { type ImageSource } from '../../src/data/image-source';
import { loadH5wasm } from '../../src/data/hdf5';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('hdf5-source');

interface Writable {
  create_dataset(args: { name: string; data: unknown; shape: number[]; dtype: string }): unknown;
  create_group(name: string): Writable;
  close(): void;
}

const N = 12;
const [H, W, C] = [10, 8, 3];
const PER = H * W * C;
const pixels = Uint8Array.from({ length: N * PER }, (_, i) => (i * 53 + 7) % 256);
const labels = Array.from({ length: N }, (_, i) => (i * 5) % 3);
const image = (i: number): Uint8Array => pixels.subarray(i * PER, (i + 1) * PER);

/** The seed layout (group img_align_celeba, datasets 0.jpg … 11.jpg, written out of order), a 4-D copy and labels. */
async function writeFile(
  name: string,
  extra: (root: Writable, group: Writable) => void = () => undefined,
): Promise<string> {
  const h5 = await loadH5wasm();
  const file = path.join(tmp(), name);
  const root = new h5.File(file, 'w') as unknown as Writable;
  const group = root.create_group('img_align_celeba');
  for (const i of [3, 11, 0, 10, 1, 2, 9, 4, 5, 8, 6, 7]) {
    group.create_dataset({ name: `${i}.jpg`, data: image(i), shape: [H, W, C], dtype: '<B' });
  }
  root.create_dataset({ name: 'images', data: pixels, shape: [N, H, W, C], dtype: '<B' });
  root.create_dataset({ name: 'labels', data: Int32Array.from(labels), shape: [N], dtype: '<i' });
  extra(root, group);
  root.close();
  return file;
}

function drain(source: ImageSource, batchSize: number, seed: number, skip = 0): number[][] {
  return [...source.batches(batchSize, { rng: new Rng(seed), skipBatches: skip })].map((b) => {
    const values = [...Array.from(b.images.dataSync()), ...(b.labels === null ? [] : Array.from(b.labels.dataSync()))];
    tf.dispose([b.images, b.labels ?? []]);
    return values;
  });
}

let seedFile = '';
beforeAll(async () => {
  await useDefaultBackend();
  seedFile = await writeFile('celeba-seed.h5');
});

describe('openHdf5Images: the seed-003 layout (one dataset per image)', () => {
  test('images in index order (0.jpg, 1.jpg, …, 10.jpg), batches equal to an ImageDataset of the same pixels', async () => {
    const source = await openHdf5Images(seedFile, { images: 'img_align_celeba', labels: 'labels' });
    expect(source.size).toBe(N);
    expect(source.imageShape).toEqual([H, W, C]);
    expect(Array.from(source.labels ?? [])).toEqual(labels);
    expect(source.numClasses).toBe(3);
    for (const i of [0, 2, 10, 11]) expect(source.pixels(i)).toEqual(image(i));
    const memory = ImageDataset.fromPixels(pixels, [N, H, W, C], labels);
    const full = drain(source, 4, 9);
    expect(full).toHaveLength(3);
    expect(full).toEqual(drain(memory, 4, 9));
    expect(drain(source, 4, 9, 2)).toEqual(full.slice(2));
    memory.dispose();
    source.close();
  });

  test('transforms to the model size: each image as transformImage makes it', async () => {
    const source = await openHdf5Images(seedFile, { images: 'img_align_celeba', imageShape: [4, 4, 1], limit: 5 });
    expect(source.size).toBe(5);
    expect(source.labels).toBeNull();
    for (let i = 0; i < 5; i++) {
      const expected = transformImage({ data: image(i), height: H, width: W, channels: C }, { imageShape: [4, 4, 1] });
      expect(source.pixels(i)).toEqual(expected);
    }
    source.close();
  });

  test("bad members: named when read; left out with onBadImage 'skip' and verify", async () => {
    const file = await writeFile('bad-members.h5', (_root, group) => {
      group.create_dataset({ name: '12.jpg', data: new Float32Array(PER), shape: [H, W, C], dtype: '<f' });
      group.create_dataset({ name: '13.jpg', data: new Uint8Array(H * W * 5), shape: [H, W, 5], dtype: '<B' });
    });
    const lenient = await openHdf5Images(file, { images: 'img_align_celeba' });
    expect(lenient.size).toBe(14);
    expect(() => lenient.pixels(12)).toThrow(
      /bad-members\.h5, dataset 'img_align_celeba\/12\.jpg': holds float32 values/,
    );
    expect(() => lenient.pixels(13)).toThrow(/13\.jpg'.*shape \[10, 8, 5\]/);
    lenient.close();
    await expect(openHdf5Images(file, { images: 'img_align_celeba', verify: true })).rejects.toThrow(/12\.jpg/);
    const skipping = await openHdf5Images(file, { images: 'img_align_celeba', verify: true, onBadImage: 'skip' });
    expect(skipping.size).toBe(12);
    expect(skipping.skipped.map((s) => s.source)).toEqual([
      `${file}, dataset 'img_align_celeba/12.jpg'`,
      `${file}, dataset 'img_align_celeba/13.jpg'`,
    ]);
    expect(drain(skipping, 4, 1)).toHaveLength(3);
    skipping.close();
  });
});

describe('openHdf5Images: a 4-D dataset read a row at a time', () => {
  test('the same batches as loadHdf5Images (in memory) for the same seed', async () => {
    const source = await openHdf5Images(seedFile, { images: 'images', labels: 'labels', numClasses: 4 });
    expect(source.numClasses).toBe(4);
    const memory = await loadHdf5Images(seedFile, { images: 'images', labels: 'labels', numClasses: 4 });
    expect(drain(source, 5, 3)).toEqual(drain(memory, 5, 3));
    memory.dispose();
    source.close();
  });

  test('not uint8, a missing path, bad options: typed errors naming the file and dataset', async () => {
    const file = await writeFile('floats.h5', (root) => {
      root.create_dataset({ name: 'floats', data: new Float32Array(N * PER), shape: [N, H, W, C], dtype: '<f' });
      root.create_dataset({ name: 'nchw', data: pixels, shape: [N, C, H, W], dtype: '<B' });
    });
    await expect(openHdf5Images(file, { images: 'floats' })).rejects.toThrow(
      /floats\.h5, dataset 'floats': holds float32 values; the streamed source reads uint8 images \(loadHdf5Images/,
    );
    await expect(openHdf5Images(file, { images: 'nchw' })).rejects.toThrow(/shape \[12, 3, 10, 8\].*channels-first/);
    await expect(openHdf5Images(file, { images: 'nope' })).rejects.toThrow(
      /dataset 'nope': does not exist.*'img_align_celeba'/,
    );
    await expect(openHdf5Images(file, { images: 'images', labels: 'floats' })).rejects.toBeInstanceOf(DataFormatError);
    await expect(openHdf5Images(file, { images: '' })).rejects.toBeInstanceOf(GanConfigError);
    await expect(openHdf5Images(file, { images: 'images', limit: 0 })).rejects.toThrow(/limit/);
  });
});

describe('openHdf5Images: the decoded cache', () => {
  test('written beside the file, used on reopen, rebuilt when the file changes', async () => {
    const file = await writeFile('cached.h5');
    const first = await openHdf5Images(file, { images: 'img_align_celeba', imageShape: [4, 4, 3], cache: true });
    const cacheFile = first.cacheFile as string;
    expect(path.dirname(cacheFile)).toBe(tmp());
    expect(path.basename(cacheFile)).toMatch(/^\.cached\.h5\.gankit-cache-4x4x3-[0-9a-f]{8}\.pixels$/);
    expect((await stat(cacheFile)).size).toBeGreaterThan(N * 4 * 4 * 3);
    const reference = await openHdf5Images(file, { images: 'img_align_celeba', imageShape: [4, 4, 3] });
    expect(reference.cacheFile).toBeNull();
    expect(drain(first, 4, 2)).toEqual(drain(reference, 4, 2));
    first.close();
    const written = (await stat(cacheFile)).mtimeMs;
    const again = await openHdf5Images(file, { images: 'img_align_celeba', imageShape: [4, 4, 3], cache: true });
    expect((await stat(cacheFile)).mtimeMs).toBe(written); // read, not rewritten
    expect(drain(again, 4, 2)).toEqual(drain(reference, 4, 2));
    again.close();
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    const rebuilt = await openHdf5Images(file, { images: 'img_align_celeba', imageShape: [4, 4, 3], cache: true });
    expect((await stat(cacheFile)).mtimeMs).not.toBe(written);
    expect((await readdir(tmp())).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    [rebuilt, reference].forEach((s) => s.close());
  });

  test('an epoch of streamed batches leaves tf.memory flat', async () => {
    const source = await openHdf5Images(seedFile, {
      images: 'img_align_celeba',
      labels: 'labels',
      imageShape: [8, 8, 3],
    });
    const before = tf.memory().numTensors;
    for (const batch of source.batches(3, { rng: new Rng(4) })) tf.dispose([batch.images, batch.labels ?? []]);
    expect(tf.memory().numTensors).toBe(before);
    source.close();
  });
});
