/**
 * Streaming memory: writes an HDF5 file in the seed-003 CelebA layout (a group
 * `img_align_celeba` of `--count` uint8 datasets `0.jpg`, `1.jpg`, … of 218×178×3; 20,000 images
 * are 2.3 GB), then streams one shuffled epoch of batches from it with `openHdf5Images`, each
 * image centre-cropped and area-resized to `--side`, and prints the peak RSS: without the
 * decoded cache, and while building and then reading it. Each phase runs in a child process of
 * its own, so a peak belongs to that phase only. The set held in memory as an ImageDataset
 * would need the figures printed beside it.
 *
 * ```sh
 * npx tsx scripts/stream-memory.ts                          # 20,000 images in /tmp, deleted at the end
 * npx tsx scripts/stream-memory.ts --count 2000 --side 32 --batch 32 --keep
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, Rng, datasets } from '../src/index';
import { loadH5wasm } from '../src/data/hdf5';

const HEIGHT = 218;
const WIDTH = 178;
const CHANNELS = 3;
const GROUP = 'img_align_celeba';

interface Options {
  count: number;
  side: number;
  batch: number;
  file: string;
  keep: boolean;
  phase: 'all' | 'generate' | 'stream' | 'cache';
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '20000' },
      side: { type: 'string', default: '64' },
      batch: { type: 'string', default: '64' },
      file: { type: 'string', default: '/tmp/gankit-stream-memory/celeba-seed-layout.h5' },
      keep: { type: 'boolean', default: false },
      phase: { type: 'string', default: 'all' },
    },
  });
  return {
    count: Number(values.count),
    side: Number(values.side),
    batch: Number(values.batch),
    file: path.resolve(values.file as string),
    keep: values.keep as boolean,
    phase: values.phase as Options['phase'],
  };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
/** Peak resident set of this process so far (Node reports KiB). */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

interface Writable {
  create_dataset(args: { name: string; data: unknown; shape: number[]; dtype: string }): unknown;
  create_group(name: string): Writable;
  flush?(): void;
  close(): void;
}

/** Writes the seed layout: image i is a gradient shifted by i, so the images differ. */
async function generate(o: Options): Promise<void> {
  mkdirSync(path.dirname(o.file), { recursive: true });
  const h5 = await loadH5wasm();
  const started = Date.now();
  const root = new h5.File(o.file, 'w') as unknown as Writable;
  const group = root.create_group(GROUP);
  const image = new Uint8Array(HEIGHT * WIDTH * CHANNELS);
  for (let i = 0; i < o.count; i++) {
    for (let p = 0, k = 0; p < HEIGHT * WIDTH; p++) {
      const y = Math.floor(p / WIDTH);
      const x = p % WIDTH;
      image[k++] = (x + i) & 255;
      image[k++] = (y + 3 * i) & 255;
      image[k++] = (x + y + 7 * i) & 255;
    }
    group.create_dataset({ name: `${i}.jpg`, data: image, shape: [HEIGHT, WIDTH, CHANNELS], dtype: '<B' });
  }
  root.close();
  const size = statSync(o.file).size;
  console.log(
    JSON.stringify({ phase: 'generate', seconds: (Date.now() - started) / 1000, fileBytes: size, peakRss: peakRss() }),
  );
}

/** Streams one epoch; with `cache`, through the decoded cache (built first when missing). */
async function stream(o: Options, cache: boolean): Promise<void> {
  await initBackend({ log: null });
  const rssAtStart = process.memoryUsage().rss;
  const cacheFile = path.join(path.dirname(o.file), `cache-${o.side}.pixels`);
  const cacheExisted = cache && existsSync(cacheFile);
  const opened = Date.now();
  const source = await datasets.openHdf5Images(o.file, {
    images: GROUP,
    imageShape: [o.side, o.side, CHANNELS],
    cache: cache ? cacheFile : false,
  });
  const openSeconds = (Date.now() - opened) / 1000;
  const rssAfterOpen = process.memoryUsage().rss;
  let batches = 0;
  let peakSampled = rssAfterOpen;
  let checksum = 0;
  const started = Date.now();
  for (const batch of source.batches(o.batch, { rng: new Rng(1) })) {
    checksum += batch.images.shape[0];
    tf.dispose([batch.images, batch.labels ?? []]);
    batches++;
    peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
  }
  const seconds = (Date.now() - started) / 1000;
  source.close();
  console.log(
    JSON.stringify({
      phase: cache ? 'cache' : 'stream',
      cacheExisted,
      images: checksum,
      batches,
      openSeconds,
      epochSeconds: seconds,
      rssAtStart,
      rssAfterOpen,
      peakSampled,
      peakRss: peakRss(),
      numTensors: tf.memory().numTensors,
      cacheBytes: source.cacheFile === null ? 0 : statSync(source.cacheFile).size,
    }),
  );
}

/** Runs this script again for one phase and returns the JSON line it printed. */
function child(o: Options, phase: Options['phase']): Record<string, number | string | boolean> {
  const args = [
    ...process.execArgv,
    process.argv[1],
    `--phase=${phase}`,
    `--count=${o.count}`,
    `--side=${o.side}`,
    `--batch=${o.batch}`,
    `--file=${o.file}`,
  ];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`phase ${phase} failed (exit ${result.status}): ${result.stdout}`);
  const line = result.stdout.trim().split('\n').pop() as string;
  return JSON.parse(line) as Record<string, number | string | boolean>;
}

async function main(): Promise<void> {
  const o = options();
  if (o.phase === 'generate') return generate(o);
  if (o.phase === 'stream') return stream(o, false);
  if (o.phase === 'cache') return stream(o, true);
  const generated = !existsSync(o.file);
  try {
    if (generated) {
      const g = child(o, 'generate');
      console.log(
        `generated ${o.count} images of ${HEIGHT}×${WIDTH}×${CHANNELS}: ${mb(g.fileBytes as number)} in ${o.file} (${g.seconds} s)`,
      );
    } else {
      console.log(`using the existing ${o.file} (${mb(statSync(o.file).size)})`);
    }
    const perImageFull = HEIGHT * WIDTH * CHANNELS;
    console.log(
      `in memory as an ImageDataset (float32): ${mb(o.count * perImageFull * 4)} at ${HEIGHT}×${WIDTH}, ${mb(o.count * o.side * o.side * CHANNELS * 4)} at ${o.side}×${o.side}`,
    );
    for (const phase of ['stream', 'cache', 'cache'] as const) {
      const r = child(o, phase);
      const label = phase === 'stream' ? 'no cache' : r.cacheExisted === true ? 'cache read' : 'cache built at open';
      console.log(
        `${label.padEnd(20)} ${r.images} images in ${r.batches} batches of ${o.batch} → ${o.side}×${o.side}: open ${r.openSeconds} s, epoch ${r.epochSeconds} s; ` +
          `RSS at start ${mb(r.rssAtStart as number)}, after open ${mb(r.rssAfterOpen as number)}, peak ${mb(r.peakRss as number)}` +
          `${Number(r.cacheBytes) > 0 ? `; cache file ${mb(r.cacheBytes as number)}` : ''}; tensors left ${r.numTensors}`,
      );
    }
  } finally {
    if (!o.keep) {
      if (generated) rmSync(o.file, { force: true });
      rmSync(path.join(path.dirname(o.file), `cache-${o.side}.pixels`), { force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
