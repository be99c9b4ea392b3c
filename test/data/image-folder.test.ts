/**
 * openImageFolder: PNG and JPEG folders (class sub-folders or flat), streamed batches in the same
 * order as an ImageDataset, bad images, and the decoded cache. The images are written here.
 */
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DataFormatError, GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { Rng } from '../../src/random';
import { decodeImage } from '../../src/data/decode';
import { resizeImage } from '../../src/data/transforms';
import { openImageFolder } from '../../src/data/image-folder';
import { type DataBatch, type ImageSource } from '../../src/data/image-source';
import { thrownBy, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('image-folder');

beforeAll(async () => {
  await useDefaultBackend();
});

/** A PNG of `channels` (1 gray, 3 RGB, 4 RGBA) holding `pixels` (row-major, that many channels). */
function pngBytes(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = pixels[p * channels + (channels === 1 ? 0 : k)];
    rgba[p * 4 + 3] = channels === 4 ? pixels[p * 4 + 3] : 255;
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 });
}

function jpegBytes(rgb: Uint8Array, width: number, height: number, quality = 95): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width, height }, quality).data;
}

function pattern(count: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  });
}

async function write(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
}

const S = 6; // image side
const PER = S * S * 3;

/** A labelled folder: classes 'B' (3 images), 'a' (2), 'c' (4): code point order B < a < c. */
async function labelledFolder(name: string): Promise<{ root: string; pixels: Uint8Array; labels: number[] }> {
  const root = path.join(tmp(), name);
  const classes: Array<[string, number]> = [
    ['a', 2],
    ['B', 3],
    ['c', 4],
  ];
  const byClass = new Map<string, Uint8Array[]>();
  let seed = 1;
  for (const [cls, n] of classes) {
    const list: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const rgb = pattern(PER, seed++);
      list.push(rgb);
      // Nested one level for class 'c' image 3: images at any depth below a class folder count.
      const file =
        cls === 'c' && i === 3 ? path.join(root, cls, 'more', `img${i}.png`) : path.join(root, cls, `img${i}.png`);
      await write(file, pngBytes(rgb, S, S, 3));
    }
    byClass.set(cls, list);
  }
  await write(path.join(root, '.DS_Store'), 'not an image');
  await write(path.join(root, 'a', '.hidden.png'), 'not an image either');
  await write(path.join(root, '.thumbnails', 'x.png'), 'hidden folder');
  await write(path.join(root, 'c', 'notes.txt'), 'ignored');
  // Expected order: classes by code point (B, a, c), files by sorted path inside.
  const order = ['B', 'a', 'c'];
  const pixels: Uint8Array[] = [];
  const labels: number[] = [];
  order.forEach((cls, label) => {
    const list = byClass.get(cls)!;
    // 'c/img3' lives in 'c/more/', which sorts after 'c/img2.png'... and 'more' sorts after 'img*'.
    list.forEach((p) => {
      pixels.push(p);
      labels.push(label);
    });
  });
  const flat = new Uint8Array(pixels.length * PER);
  pixels.forEach((p, i) => flat.set(p, i * PER));
  return { root, pixels: flat, labels };
}

function drain(
  source: ImageSource,
  batchSize: number,
  seed: number,
  skip = 0,
): Array<{ images: number[]; labels: number[] | null }> {
  return [...source.batches(batchSize, { rng: new Rng(seed), skipBatches: skip })].map((b: DataBatch) => {
    const out = {
      images: Array.from(b.images.dataSync()),
      labels: b.labels === null ? null : Array.from(b.labels.dataSync()),
    };
    tf.dispose([b.images, b.labels ?? []]);
    return out;
  });
}

describe('openImageFolder: labels from a function', () => {
  test("a function of the image's path names its class; null leaves it out; classes in code point order", async () => {
    const root = path.join(tmp(), 'flat-named');
    const names = ['sun-1.png', 'moon-1.png', 'sun-2.png', 'skip-1.png', 'moon-2.png', 'sub/sun-3.png'];
    const pixels = new Map<string, Uint8Array>();
    for (const [i, name] of names.entries()) {
      const rgb = pattern(PER, 100 + i);
      pixels.set(name, rgb);
      await write(path.join(root, name), pngBytes(rgb, S, S, 3));
    }
    const seen: string[] = [];
    const source = await openImageFolder(root, {
      labels: (name) => {
        seen.push(name);
        const kind = path.posix.basename(name).split('-')[0];
        return kind === 'skip' ? null : kind;
      },
    });
    // Every image is asked about, by its '/'-separated path inside the root.
    expect(seen.sort()).toEqual([...names].sort());
    expect(source.classNames).toEqual(['moon', 'sun']);
    expect(source.size).toBe(5);
    // Listing order (sorted paths): moon-1, moon-2, sub/sun-3, sun-1, sun-2.
    expect(Array.from(source.labels ?? [])).toEqual([0, 0, 1, 1, 1]);
    const [batch] = drain(source, 5, 1);
    const expected = ['moon-1.png', 'moon-2.png', 'sub/sun-3.png', 'sun-1.png', 'sun-2.png'];
    // Batches are shuffled: match each image to its file by pixels, and its label to that file's class.
    const byPixels = new Map(expected.map((name, i) => [Array.from(pixels.get(name)!).join(), i]));
    for (let i = 0; i < 5; i++) {
      const image = batch.images.slice(i * PER, (i + 1) * PER).map((v) => Math.round((v + 1) * 127.5));
      const index = byPixels.get(image.join());
      expect(index).toBeDefined();
      expect(batch.labels?.[i]).toBe(expected[index!].startsWith('moon') ? 0 : 1);
    }
    source.close();
  });

  test('a function that returns something else than a name or null is refused, naming the image', async () => {
    const root = path.join(tmp(), 'flat-bad-label');
    await write(path.join(root, 'x.png'), pngBytes(pattern(PER, 1), S, S, 3));
    const error = await openImageFolder(root, { labels: () => 3 as unknown as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanConfigError);
    expect((error as Error).message).toMatch(/labels.*returned 3 for 'x\.png'/);
  });

  test('a function that names no image leaves an empty set, refused with the reason', async () => {
    const root = path.join(tmp(), 'flat-none-named');
    await write(path.join(root, 'x.png'), pngBytes(pattern(PER, 1), S, S, 3));
    const error = await openImageFolder(root, { labels: () => null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(/holds no image .* that the labels function names a class for/);
  });
});

describe('openImageFolder: layout and labels', () => {
  test('class sub-folders in code point order are the labels; hidden and non-image files are ignored', async () => {
    const { root, labels } = await labelledFolder('labelled');
    const source = await openImageFolder(root);
    expect(source.classNames).toEqual(['B', 'a', 'c']);
    expect(source.numClasses).toBe(3);
    expect(source.size).toBe(9);
    expect(Array.from(source.labels ?? [])).toEqual(labels);
    expect(source.imageShape).toEqual([S, S, 3]);
    expect(source.skipped).toEqual([]);
    source.close();
  });

  test('batches are the same as an ImageDataset of the same pixels: same seed, same order, exact resume', async () => {
    const { root, pixels, labels } = await labelledFolder('same-order');
    const source = await openImageFolder(root);
    const memory = ImageDataset.fromPixels(pixels, [9, S, S, 3], labels);
    const streamed = drain(source, 2, 42);
    expect(streamed).toHaveLength(4);
    expect(streamed).toEqual(drain(memory, 2, 42));
    expect(drain(source, 2, 42, 3)).toEqual(streamed.slice(3));
    expect(drain(source, 2, 43)).not.toEqual(streamed);
    // Every image once per epoch (without dropping the remainder).
    const all = [...source.batches(2, { shuffle: false, dropRemainder: false })];
    expect(all.map((b) => b.images.shape[0])).toEqual([2, 2, 2, 2, 1]);
    tf.dispose(all.flatMap((b) => [b.images, b.labels ?? []]));
    memory.dispose();
    source.close();
  });

  test('a flat folder is unlabelled; gray, RGB, RGBA PNG and JPEG of other sizes are brought to imageShape', async () => {
    const root = path.join(tmp(), 'flat');
    const gray = pattern(8 * 8, 3);
    const rgba = pattern(8 * 8 * 4, 4);
    const rgb = pattern(10 * 12 * 3, 5);
    await write(path.join(root, '1-gray.png'), pngBytes(gray, 8, 8, 1));
    await write(path.join(root, '2-rgba.png'), pngBytes(rgba, 8, 8, 4));
    await write(path.join(root, '3-photo.JPG'), jpegBytes(rgb, 12, 10));
    const source = await openImageFolder(root, { imageShape: [4, 4, 3], background: 'drop' });
    expect(source.labels).toBeNull();
    expect(source.numClasses).toBe(0);
    expect(source.classNames).toBeNull();
    expect(source.size).toBe(3);
    // Gray → RGB: the three channels equal, each the 2×2 mean of the gray image.
    const first = source.pixels(0);
    for (let p = 0; p < 16; p++) {
      const [y, x] = [Math.floor(p / 4), p % 4];
      const mean =
        (gray[2 * y * 8 + 2 * x] +
          gray[2 * y * 8 + 2 * x + 1] +
          gray[(2 * y + 1) * 8 + 2 * x] +
          gray[(2 * y + 1) * 8 + 2 * x + 1]) /
        4;
      expect(Array.from(first.subarray(p * 3, p * 3 + 3))).toEqual([
        Math.round(mean),
        Math.round(mean),
        Math.round(mean),
      ]);
    }
    // The JPEG: its 10×10 centre, shrunk, near the source pixels' means (JPEG is lossy).
    const decoded = decodeImage(await readFile(path.join(root, '3-photo.JPG')), 'photo');
    expect([decoded.height, decoded.width, decoded.channels]).toEqual([10, 12, 3]);
    const error = rgb.reduce((sum, v, i) => sum + Math.abs(v - decoded.data[i]), 0) / rgb.length;
    expect(error).toBeLessThan(12); // quality 95 on noise
    expect(source.pixels(2)).toEqual(resizeImage(decoded, { top: 0, left: 1, height: 10, width: 10 }, 4, 4, 'area'));
    const gray1 = await openImageFolder(root, { imageShape: [8, 8, 1], crop: 'none', limit: 1 });
    expect(gray1.pixels(0)).toEqual(gray);
    [source, gray1].forEach((s) => s.close());
  });

  test('images beside class folders, an empty folder and a missing one are DataFormatErrors naming the folder', async () => {
    const { root } = await labelledFolder('mixed');
    await write(path.join(root, 'stray.png'), pngBytes(pattern(PER, 1), S, S, 3));
    await expect(openImageFolder(root)).rejects.toThrow(
      /holds 1 image\(s\) \(e\.g\. 'stray\.png'\) beside the class folders 'B', 'a', 'c'/,
    );
    const flat = await openImageFolder(root, { labels: 'none' });
    expect(flat.size).toBe(10);
    expect(flat.labels).toBeNull();
    flat.close();
    const empty = path.join(tmp(), 'empty');
    await mkdir(empty, { recursive: true });
    await expect(openImageFolder(empty)).rejects.toThrow(/empty: holds no image/);
    await expect(openImageFolder(path.join(tmp(), 'nope'))).rejects.toBeInstanceOf(DataFormatError);
    await expect(openImageFolder(empty, { onBadImage: 'ignore' as 'skip' })).rejects.toBeInstanceOf(GanConfigError);
  });
});

describe('openImageFolder: unreadable and truncated images', () => {
  let root = '';
  beforeAll(async () => {
    root = path.join(tmp(), 'bad');
    const good = pngBytes(pattern(PER, 7), S, S, 3);
    await write(path.join(root, '0-good.png'), good);
    await write(path.join(root, '1-cut.png'), good.subarray(0, good.length - 20));
    const photo = jpegBytes(pattern(PER, 8), S, S);
    await write(path.join(root, '2-cut.jpg'), photo.subarray(0, Math.floor(photo.length / 2)));
    await write(path.join(root, '3-text.png'), 'hello, not a png');
    await write(path.join(root, '4-good.jpg'), photo);
    // A whole-looking JPEG (right start and end) whose data is garbage: found only by decoding.
    const garbage = Buffer.from(photo);
    garbage.fill(0x55, 200, garbage.length - 2);
    await write(path.join(root, '5-damaged.jpg'), garbage);
  });

  test("onBadImage 'error' (default): the first bad file, named, as a DataFormatError", async () => {
    const error = await openImageFolder(root).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as DataFormatError).source).toBe(path.join(root, '1-cut.png'));
    expect((error as Error).message).toMatch(/1-cut\.png: is a truncated PNG/);
  });

  test("onBadImage 'skip': header-level bad files are left out and listed; a decode failure surfaces when read", async () => {
    const source = await openImageFolder(root, { onBadImage: 'skip' });
    expect(source.size).toBe(3);
    expect(source.skipped.map((s) => path.basename(s.source))).toEqual(['1-cut.png', '2-cut.jpg', '3-text.png']);
    expect(source.skipped[1].reason).toMatch(/truncated JPEG/);
    expect(source.skipped[2].reason).toMatch(/not a PNG or JPEG/);
    const error = thrownBy(() => source.pixels(2));
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(/5-damaged\.jpg: cannot be decoded as JPEG/);
    source.close();
  });

  test("verify decodes everything at open: with 'skip' the damaged JPEG is left out too", async () => {
    const source = await openImageFolder(root, { onBadImage: 'skip', verify: true });
    expect(source.size).toBe(2);
    expect(source.skipped.map((s) => path.basename(s.source))).toEqual([
      '1-cut.png',
      '2-cut.jpg',
      '3-text.png',
      '5-damaged.jpg',
    ]);
    expect(drain(source, 2, 1)).toHaveLength(1);
    source.close();
  });
});

describe('openImageFolder: the decoded cache', () => {
  test('written atomically beside the data, read back on reopen, rebuilt when a file changes', async () => {
    const { root, pixels, labels } = await labelledFolder('cached');
    const first = await openImageFolder(root, { imageShape: [S, S, 3], cache: true });
    expect(first.cacheFile).not.toBeNull();
    const cacheFile = first.cacheFile as string;
    expect(path.dirname(cacheFile)).toBe(root);
    expect(path.basename(cacheFile)).toMatch(/^\.gankit-cache-6x6x3-[0-9a-f]{8}\.pixels$/);
    expect((await readdir(root)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const memory = ImageDataset.fromPixels(pixels, [9, S, S, 3], labels);
    expect(drain(first, 3, 5)).toEqual(drain(memory, 3, 5));
    first.close();

    const stamp = (await readFile(cacheFile)).length;
    await writeFile(path.join(root, 'a', 'img0.png'), 'x'.repeat(0)); // changes size and mtime: rebuild
    await expect(openImageFolder(root, { imageShape: [S, S, 3], cache: true })).rejects.toThrow(/img0\.png/);
    await writeFile(path.join(root, 'a', 'img0.png'), pngBytes(pixels.subarray(3 * PER, 4 * PER), S, S, 3));
    // A whole-millisecond modification time on one image, so that it can be put back exactly below.
    const victim = path.join(root, 'c', 'img1.png');
    const when = new Date('2020-01-01T00:00:00Z');
    await utimes(victim, when, when);
    const rebuilt = await openImageFolder(root, { imageShape: [S, S, 3], cache: true });
    expect(rebuilt.cacheFile).toBe(cacheFile);
    expect((await readFile(cacheFile)).length).toBe(stamp);
    rebuilt.close();
    // The listing is unchanged, so a reopen reads the cache and decodes nothing: prove it by
    // making an image undecodable without changing its size or modification time.
    const bytes = await readFile(victim);
    await writeFile(victim, Buffer.alloc(bytes.length, 0x41));
    await utimes(victim, when, when);
    const again = await openImageFolder(root, { imageShape: [S, S, 3], cache: true });
    expect(again.cacheFile).toBe(cacheFile);
    expect(drain(again, 3, 5)).toEqual(drain(memory, 3, 5));
    again.close();
    memory.dispose();
  });

  test('a file at the cache path that gankit did not write is left alone, with a DataFormatError', async () => {
    const { root } = await labelledFolder('foreign');
    const mine = path.join(tmp(), 'my-notes.pixels');
    await writeFile(mine, 'precious');
    await expect(openImageFolder(root, { cache: mine })).rejects.toThrow(/not a gankit pixel cache.*left alone/);
    expect(await readFile(mine, 'utf8')).toBe('precious');
    const cacheFile = path.join(tmp(), 'foreign.pixels');
    const source = await openImageFolder(root, { cache: cacheFile, imageShape: [3, 3, 1] });
    expect(source.cacheFile).toBe(cacheFile);
    expect(source.imageShape).toEqual([3, 3, 1]);
    expect((await readFile(cacheFile)).subarray(0, 8).toString('latin1')).toBe('GANKITPX');
    source.close();
    await rm(cacheFile);
  });

  test('streaming an epoch keeps tf.memory flat once each batch is disposed', async () => {
    const { root } = await labelledFolder('memory');
    const source = await openImageFolder(root, { imageShape: [4, 4, 3] });
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const batch of source.batches(2, { rng: new Rng(epoch) })) tf.dispose([batch.images, batch.labels ?? []]);
    }
    expect(tf.memory().numTensors).toBe(before);
    source.close();
  });
});
