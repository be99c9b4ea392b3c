/**
 * Fuzzing the IDX reader and the MNIST loader with deterministic mutations of small valid files:
 * bit flips, byte replacements, truncations, garbage extensions and header rewrites (rank, dtype,
 * dimension sizes). Every outcome must be either a correct load (consistent with the header and
 * the byte length) or a DataFormatError naming the file — never another error type or a hang.
 *
 * Set GANKIT_FUZZ_REPORT=1 to print the case and outcome counts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataFormatError } from '../../src/errors';
import { parseIdx, type IdxArray } from '../../src/data/idx';
import { loadMnist } from '../../src/data/mnist';
import { Rng } from '../../src/random';
import { useTempDir, idxBytes as idx } from '../helpers';

const SEED = 0x1d8f;
const PARSE_CASES_PER_BASE = 150;
const LOADER_CASES = 200;

/** Element byte sizes of the valid IDX type bytes. */
const ITEM_SIZE: ReadonlyMap<number, number> = new Map([
  [0x08, 1],
  [0x09, 1],
  [0x0b, 2],
  [0x0c, 4],
  [0x0d, 4],
  [0x0e, 8],
]);
const TYPE_BYTES = [...ITEM_SIZE.keys()];

function randomBytes(rng: Rng, n: number, below = 256): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.nextInt(below));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextInt(items.length)];
}

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

/** A header field rewritten to a value chosen to stress the parser. */
const rewriteHeader: Mutation = (bytes, rng) => {
  const out = Uint8Array.from(bytes);
  const rank = out.length >= 4 ? out[3] : 0;
  const field = rng.nextInt(4);
  if (field === 0 || out.length < 8) {
    out[3] = pick(rng, [0, 1, 2, 3, 4, rank + 1, Math.max(rank - 1, 0), 255, rng.nextInt(256)]);
  } else if (field === 1) {
    out[2] = rng.nextFloat() < 0.6 ? pick(rng, TYPE_BYTES) : rng.nextInt(256);
  } else if (field === 2) {
    out[rng.nextInt(2)] = 1 + rng.nextInt(255);
  } else {
    const dims = Math.max(1, Math.min(rank, Math.floor((out.length - 4) / 4)));
    const offset = 4 + 4 * rng.nextInt(dims);
    const view = new DataView(out.buffer, out.byteOffset, out.length);
    const old = view.getUint32(offset, false);
    const value = pick(rng, [
      0,
      1,
      old + 1,
      Math.max(old - 1, 0),
      old * 2,
      0xffffffff,
      0x80000000,
      60000,
      rng.nextUint32(),
    ]);
    view.setUint32(offset, value >>> 0, false);
  }
  return out;
};

const MUTATIONS: ReadonlyArray<[string, Mutation]> = [
  [
    'bit flips',
    (bytes, rng) => {
      const out = Uint8Array.from(bytes);
      for (let k = 1 + rng.nextInt(4); k > 0 && out.length > 0; k--)
        out[rng.nextInt(out.length)] ^= 1 << rng.nextInt(8);
      return out;
    },
  ],
  [
    'header bit flip',
    (bytes, rng) => {
      const out = Uint8Array.from(bytes);
      if (out.length > 0) out[rng.nextInt(Math.min(out.length, 16))] ^= 1 << rng.nextInt(8);
      return out;
    },
  ],
  [
    'byte replacements',
    (bytes, rng) => {
      const out = Uint8Array.from(bytes);
      for (let k = 1 + rng.nextInt(3); k > 0 && out.length > 0; k--) out[rng.nextInt(out.length)] = rng.nextInt(256);
      return out;
    },
  ],
  ['truncation', (bytes, rng) => bytes.slice(0, rng.nextInt(bytes.length))],
  [
    'extension',
    (bytes, rng) => {
      const out = new Uint8Array(bytes.length + 1 + rng.nextInt(16));
      out.set(bytes);
      out.set(randomBytes(rng, out.length - bytes.length), bytes.length);
      return out;
    },
  ],
  ['header rewrite', rewriteHeader],
  [
    'two mutations',
    (bytes, rng) => {
      const [, first] = pick(rng, MUTATIONS.slice(0, 6));
      const [, second] = pick(rng, MUTATIONS.slice(0, 6));
      return second(first(bytes, rng), rng);
    },
  ],
];

/** Checks a successful parse against the header and length it came from; returns a complaint or null. */
function inconsistency(bytes: Uint8Array, parsed: IdxArray): string | null {
  const size = ITEM_SIZE.get(bytes[2]);
  if (bytes[0] !== 0 || bytes[1] !== 0 || size === undefined) return 'loaded a file with a bad magic or type byte';
  const rank = bytes[3];
  if (parsed.shape.length !== rank) return `rank ${parsed.shape.length}, header says ${rank}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    if (parsed.shape[d] !== dim) return `dimension ${d} is ${parsed.shape[d]}, header says ${dim}`;
    count *= dim;
  }
  if (parsed.data.length !== count) return `${parsed.data.length} elements for shape [${parsed.shape.join(', ')}]`;
  const headerSize = 4 + 4 * rank;
  if (headerSize + count * size !== bytes.length)
    return `shape [${parsed.shape.join(', ')}] × ${size} bytes does not fill the ${bytes.length}-byte file`;
  const readers: Record<number, (o: number) => number> = {
    0x08: (o) => view.getUint8(o),
    0x09: (o) => view.getInt8(o),
    0x0b: (o) => view.getInt16(o, false),
    0x0c: (o) => view.getInt32(o, false),
    0x0d: (o) => view.getFloat32(o, false),
    0x0e: (o) => view.getFloat64(o, false),
  };
  for (let i = 0; i < count; i++) {
    const expected = readers[bytes[2]](headerSize + i * size);
    if (!Object.is(parsed.data[i], expected)) return `element ${i} is ${parsed.data[i]}, the file holds ${expected}`;
  }
  return null;
}

interface Tally {
  cases: number;
  loads: number;
  errors: number;
  failures: string[];
  /** DataFormatErrors by kind: the message without its source, numbers and shapes. */
  kinds: Map<string, number>;
}

const newTally = (): Tally => ({ cases: 0, loads: 0, errors: 0, failures: [], kinds: new Map() });

function kindOf(error: DataFormatError): string {
  return error.message
    .slice(`${error.source}: `.length)
    .replace(/\[[^\]]*\]/g, '[…]')
    .replace(/0x[0-9A-F]{2}|\d+(\.\d+)?(e[+-]\d+)?/g, 'N')
    .slice(0, 70);
}

function report(label: string, tally: Tally): void {
  if (process.env.GANKIT_FUZZ_REPORT === '1') {
    const kinds = [...tally.kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(4)}  ${k}`);
    console.log(
      `fuzz ${label}: ${tally.cases} cases, ${tally.loads} loads, ${tally.errors} DataFormatErrors, ${tally.failures.length} failures\n${kinds.join('\n')}`,
    );
  }
}

/** Counts a thrown error: a DataFormatError naming one of `sources` is fine, anything else a failure. */
function countError(tally: Tally, error: unknown, sources: readonly string[], what: string): void {
  if (
    error instanceof DataFormatError &&
    error.source !== undefined &&
    sources.includes(error.source) &&
    error.message.startsWith(`${error.source}: `)
  ) {
    tally.errors++;
    const kind = kindOf(error);
    tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1);
  } else {
    const name = error instanceof Error ? error.constructor.name : typeof error;
    tally.failures.push(`${what}: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

describe('fuzzing parseIdx', () => {
  const rng = new Rng(SEED);
  const bases: Array<[string, Uint8Array]> = [
    ['uint8 images [3, 4, 5]', idx(0x08, [3, 4, 5], randomBytes(rng, 60))],
    ['uint8 labels [6]', idx(0x08, [6], randomBytes(rng, 6, 10))],
    ['int16 [5]', idx(0x0b, [5], randomBytes(rng, 10))],
    ['float32 [2, 3]', idx(0x0d, [2, 3], randomBytes(rng, 24))],
  ];
  const tally = newTally();

  afterAll(() => report('parseIdx', tally));

  it.each(bases)('%s: every mutation loads consistently or throws a DataFormatError', (name, base) => {
    expect(inconsistency(base, parseIdx(base))).toBeNull();
    for (let i = 0; i < PARSE_CASES_PER_BASE; i++) {
      const [mutationName, mutate] = MUTATIONS[i % MUTATIONS.length];
      const bytes = mutate(base, rng);
      const what = `${name} #${i} (${mutationName}, ${bytes.length} bytes)`;
      tally.cases++;
      try {
        const complaint = inconsistency(bytes, parseIdx(bytes, 'fuzz.idx'));
        if (complaint === null) tally.loads++;
        else tally.failures.push(`${what}: ${complaint}`);
      } catch (error) {
        countError(tally, error, ['fuzz.idx'], what);
      }
    }
    expect(tally.failures).toEqual([]);
  });

  it('produced both loads and typed errors', () => {
    expect(tally.cases).toBe(bases.length * PARSE_CASES_PER_BASE);
    expect(tally.loads).toBeGreaterThan(0);
    expect(tally.errors).toBeGreaterThan(0);
  });
});

describe('fuzzing the MNIST loader (image and label files in a directory, raw or gzipped)', () => {
  const tmp = useTempDir('fuzz-mnist');
  const tally = newTally();
  const IMAGES = 'train-images-idx3-ubyte';
  const LABELS = 'train-labels-idx1-ubyte';

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
  });
  afterAll(() => report('loadMnist', tally));

  /** Checks a loaded dataset against the files it came from; returns a complaint or null. */
  function datasetInconsistency(
    data: { size: number; images: tf.Tensor; labels: Int32Array | null },
    images: Uint8Array,
    labels: Uint8Array,
  ): string | null {
    const parsedImages = parseIdx(images);
    const parsedLabels = parseIdx(labels);
    const [count, h, w] = parsedImages.shape;
    if (data.size !== count) return `${data.size} images, the file declares ${count}`;
    if (h !== 28 || w !== 28 || data.images.shape.join() !== `${count},28,28,1`)
      return `images of shape [${data.images.shape.join(', ')}]`;
    if (parsedLabels.shape.join() !== `${count}`)
      return `labels of shape [${parsedLabels.shape.join(', ')}] accepted for ${count} images`;
    const got = Array.from(data.labels ?? []);
    if (got.join() !== Array.from(parsedLabels.data).join() || got.some((l) => l >= 10))
      return `labels [${got.join(', ')}] do not match the file`;
    return null;
  }

  it(`${LOADER_CASES} mutated file pairs load consistently or throw a DataFormatError naming a file`, async () => {
    const rng = new Rng(SEED + 1);
    const baseImages = idx(0x08, [3, 28, 28], randomBytes(rng, 3 * 784));
    const baseLabels = idx(0x08, [3], Uint8Array.from([4, 0, 9]));
    for (let i = 0; i < LOADER_CASES; i++) {
      const [mutationName, mutate] = MUTATIONS[i % MUTATIONS.length];
      const target = rng.nextInt(2) === 0 ? 'images' : 'labels';
      // 0: raw file; 1: gzip of the mutated bytes; 2: the mutation applied to the gzipped bytes.
      const form = rng.nextInt(3);
      const original = target === 'images' ? baseImages : baseLabels;
      const mutated = form === 2 ? original : mutate(original, rng);
      const fileBytes = form === 0 ? mutated : form === 1 ? gzipSync(mutated) : mutate(gzipSync(original), rng);
      const dir = await mkdtemp(path.join(tmp(), 'case-'));
      const names = { images: IMAGES, labels: LABELS };
      if (form > 0) names[target] += '.gz';
      await writeFile(path.join(dir, names.images), target === 'images' ? fileBytes : baseImages);
      await writeFile(path.join(dir, names.labels), target === 'labels' ? fileBytes : baseLabels);
      const what = `case #${i} (${target}, ${mutationName}, ${['raw', 'gzip of mutated', 'mutated gzip'][form]})`;
      tally.cases++;
      try {
        const data = await loadMnist({ dir, download: false });
        try {
          // A mutated gzip stream that loaded is compared with what it decompresses to.
          const content = form === 2 ? gunzipSync(fileBytes) : mutated;
          const complaint = datasetInconsistency(
            data,
            target === 'images' ? content : baseImages,
            target === 'labels' ? content : baseLabels,
          );
          if (complaint === null) tally.loads++;
          else tally.failures.push(`${what}: ${complaint}`);
        } finally {
          data.dispose();
        }
      } catch (error) {
        countError(tally, error, [path.join(dir, names.images), path.join(dir, names.labels)], what);
      }
    }
    expect(tally.failures).toEqual([]);
    expect(tally.loads).toBeGreaterThan(0);
    expect(tally.errors).toBeGreaterThan(0);
  });
});
