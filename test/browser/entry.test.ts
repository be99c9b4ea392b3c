/**
 * The browser entry (src/browser.ts, package export condition "browser"): it must bundle for the
 * browser with no Node built-in reachable, and, without Node's services installed, the Node-only
 * calls must fail with a NodeOnlyError that says what to use instead, while everything else trains
 * and samples. This file imports src/browser.ts only, so it runs as a web page would (minus the DOM).
 */
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import * as path from 'node:path';
import {
  createCgan,
  datasets,
  GanConfigError,
  initBrowserBackend,
  NodeOnlyError,
  pictures,
  training,
  type Gan,
} from '../../src/browser';

const root = path.resolve(__dirname, '..', '..');

/** What the Node entry has and the browser entry must never reach. */
const NODE_ONLY_SOURCES = [
  'src/index.ts',
  'src/node-services.ts',
  'src/models/gan/load.ts',
  'src/models/cycle/',
  'src/backend.ts',
  'src/io/',
  'src/parallel/',
  'src/cli/',
  'src/data/idx.ts',
  'src/data/mnist.ts',
  'src/data/hdf5.ts',
  'src/image/png.ts',
  'src/callbacks/',
  'src/train/checkpoint.ts',
  'src/eval/',
  ...[
    'datasets-node',
    'training-node',
    'pictures-node',
    'quality-node',
    'callbacks',
    'io',
    'cli',
    'deprecated-node',
  ].map((m) => `src/api/${m}.ts`),
];

/** Node-only folders' modules that are pure tensor code, and so in the browser entry too. */
const BROWSER_SAFE_SOURCES = [
  'src/eval/metrics.ts',
  ...[
    'feature-statistics',
    'matrix-sqrt',
    'frechet-distance',
    'class-histogram',
    'label-accuracy',
    'classifier-score',
    'mode-collapse',
    'feature-matrix',
    'kernel-inception-distance',
    'precision-recall',
    'density-coverage',
    'per-class-metrics',
    'sample-set-metrics',
    'image-quality',
    'pairwise-distances',
    'manifold-metrics',
  ].map((m) => `src/eval/${m}.ts`),
];

const tiny = (): Gan =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 5,
  });

function dataset(count: number): datasets.ImageDataset {
  const pixels = Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37) % 256);
  return datasets.ImageDataset.fromPixels(
    pixels,
    [count, 4, 4, 1],
    Array.from({ length: count }, (_, i) => i % 3),
    { numClasses: 3 },
  );
}

describe('browser entry', () => {
  beforeAll(async () => {
    tf.env().set('PROD', true);
    const choice = await initBrowserBackend({ prefer: ['webgl', 'cpu'], log: null });
    expect(choice.name).toBe('cpu');
    // webgl is not registered in Node: the reason says so, and how to register it.
    expect(choice.reason).toMatch(/webgl: not registered \(import '@tensorflow\/tfjs-backend-webgl'\); cpu started/);
  });

  test('bundles for the browser, reaching no Node-only module', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'src/browser.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const sources = Object.keys(result.metafile.inputs).filter((file) => file.startsWith('src/'));
    expect(sources).toContain('src/models/gan/gan.ts');
    expect(sources).toContain('src/train/trainer.ts');
    expect(sources).toContain('src/eval/image-quality.ts');
    expect(sources).toContain('src/eval/kernel-inception-distance.ts');
    expect(sources).toContain('src/models/image-to-image/create-pix2pix.ts');
    expect(
      sources.filter(
        (file) =>
          NODE_ONLY_SOURCES.some((nodeOnly) => file.startsWith(nodeOnly)) && !BROWSER_SAFE_SOURCES.includes(file),
      ),
    ).toEqual([]);
  });

  test('the same build refuses a Node built-in (the check above can fail)', async () => {
    await expect(
      build({
        stdin: { contents: "import { readFile } from 'node:fs'; console.log(readFile);", resolveDir: root },
        bundle: true,
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/node:fs/);
  });

  test('trains and generates without Node services', async () => {
    const gan = tiny();
    try {
      const history = await gan.fit(dataset(12), { epochs: 1, batchSize: 4 });
      expect(history).toHaveLength(1);
      expect(Number.isFinite(history[0].dLoss)).toBe(true);
      const images = gan.generate({ labels: [0, 1, 2], seed: 1 });
      expect(images.shape).toEqual([3, 4, 4, 1]);
      images.dispose();
    } finally {
      gan.dispose();
    }
  });

  test('Node-only calls throw NodeOnlyError naming the call and what to use instead', async () => {
    const gan = tiny();
    try {
      const save = gan.save('some/folder');
      await expect(save).rejects.toBeInstanceOf(NodeOnlyError);
      await expect(save).rejects.toThrow(
        /^Gan\.save needs Node\.js .*gan\.generator\.save\('indexeddb:\/\/my-generator'\)/,
      );
      await expect(gan.restore('some/folder')).rejects.toMatchObject({ name: 'NodeOnlyError', feature: 'Gan.restore' });
      await expect(gan.fit(dataset(12), { epochs: 1, batchSize: 4, workers: 2 })).rejects.toMatchObject({
        name: 'NodeOnlyError',
        feature: 'fit({ workers })',
      });
      // Nothing was trained by the refused call.
      expect(gan.trainer.step).toBe(0);
    } finally {
      gan.dispose();
    }
  });

  test('EmaGenerator saves through any tfjs IO handler, and refuses folders and unknown URLs', async () => {
    const gan = tiny();
    const ema = training.emaGenerator(gan, { decay: 0.5 });
    try {
      let saved: tf.io.ModelArtifacts | undefined;
      const memory: tf.io.IOHandler = {
        save: async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        },
        load: async () => saved as tf.io.ModelArtifacts,
      };
      await ema.save(memory);
      expect(saved?.weightSpecs?.length).toBe(gan.generator.weights.length);
      const before = ema.generate({ labels: [1], seed: 2 });
      await gan.fit(dataset(12), { epochs: 1, batchSize: 4, callbacks: [ema] });
      const moved = ema.generate({ labels: [1], seed: 2 });
      await ema.restore(memory);
      const restored = ema.generate({ labels: [1], seed: 2 });
      expect(tf.max(tf.abs(tf.sub(moved, before))).dataSync()[0]).toBeGreaterThan(0);
      expect(Array.from(restored.dataSync())).toEqual(Array.from(before.dataSync()));
      tf.dispose([before, moved, restored]);

      await expect(ema.save('out/ema')).rejects.toMatchObject({
        name: 'NodeOnlyError',
        feature: 'EmaGenerator.save(folder)',
      });
      await expect(ema.save('indexeddb://ema')).rejects.toThrow(GanConfigError);
      await expect(ema.save('indexeddb://ema')).rejects.toThrow(
        /no TensorFlow\.js IO handler can save 'indexeddb:\/\/ema' here/,
      );
    } finally {
      ema.dispose();
      gan.dispose();
    }
  });

  test('toImageData wraps a grid without copying, and says when there is no DOM', () => {
    const images = tf.fill([2, 4, 4, 1], 1) as tf.Tensor4D;
    const grid = pictures.imageGrid(images, { padding: 0 });
    images.dispose();
    expect(() => pictures.toImageData(grid)).toThrow(/toImageData needs the DOM class ImageData/);
    class FakeImageData {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    }
    (globalThis as { ImageData?: unknown }).ImageData = FakeImageData;
    try {
      const wrapped = pictures.toImageData(grid) as unknown as FakeImageData;
      expect([wrapped.width, wrapped.height]).toEqual([grid.width, grid.height]);
      expect(wrapped.data.buffer).toBe(grid.data.buffer);
      expect(wrapped.data[0]).toBe(255);
      expect(() => pictures.toImageData({ width: 3, height: 3, data: new Uint8Array(5) })).toThrow(
        /image\.data: expected 36 bytes/,
      );
      const plot = pictures.lossPlotImage([
        { step: 1, epoch: 0, dLoss: 1, gLoss: 2, dRealMean: 0.5, dFakeMean: 0.5 },
        { step: 2, epoch: 0, dLoss: 0.5, gLoss: 1.5, dRealMean: 0.6, dFakeMean: 0.4 },
      ]);
      expect((pictures.toImageData(plot) as unknown as FakeImageData).width).toBe(plot.width);
    } finally {
      delete (globalThis as { ImageData?: unknown }).ImageData;
    }
  });

  test('initBrowserBackend refuses unknown backends and keeps its first choice', async () => {
    expect(() => initBrowserBackend({ prefer: ['webgl', 'metal' as 'cpu'] })).toThrow(
      /prefer: expected backends among webgpu, webgl, wasm, cpu, got 'metal'/,
    );
    expect(() => initBrowserBackend({ prefer: [] })).toThrow(GanConfigError);
    await expect(initBrowserBackend({ prefer: ['wasm'], log: null })).resolves.toMatchObject({ name: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });
});
