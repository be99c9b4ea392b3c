/**
 * Memory of a large `generate()`: builds the default CGAN (MNIST-sized, 28×28×1, G 128-256-512-1024)
 * and generates `--count` images in one call, printing TensorFlow.js's peak bytes during the
 * call (`tf.profile`), the output's bytes, the process's peak RSS, and the limit past which
 * `generate` refuses (MAX_GENERATE_BYTES). Requests over GENERATE_BATCH images run through G in
 * batches, so the peak is about twice the output (the batches and their concatenation) plus one
 * batch's activations, not the whole request's.
 *
 * ```sh
 * npx tsx scripts/generate-memory.ts                 # 100,000 images on the default backend
 * npx tsx scripts/generate-memory.ts --count 20000 --backend cpu
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { createCgan, initBackend, training } from '../src/index';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, backend: { type: 'string' } },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) throw new Error(`--count: expected a positive integer, got ${values.count}`);

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const backend = await initBackend({
    log: null,
    ...(values.backend === undefined ? {} : { backend: values.backend as 'cpu' | 'wasm' }),
  });
  const gan = createCgan({ seed: 1 });
  const labels = Array.from({ length: count }, (_, i) => i % 10);
  const started = Date.now();
  let images: tf.Tensor4D | null = null;
  const profile = await tf.profile(() => {
    images = gan.generate({ labels, seed: 1 });
    return images;
  });
  const seconds = (Date.now() - started) / 1000;
  const output = images as unknown as tf.Tensor4D;
  const result = {
    backend: backend.name,
    count,
    batch: training.GENERATE_BATCH,
    seconds,
    outputBytes: output.size * 4,
    peakBytes: profile.peakBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    limitBytes: training.MAX_GENERATE_BYTES,
  };
  output.dispose();
  gan.dispose();
  console.log(
    `${count} images on ${result.backend} in ${seconds.toFixed(1)} s: output ${mib(result.outputBytes)}, tf peak ${mib(result.peakBytes)}, process peak RSS ${mib(result.peakRssBytes)} (generate refuses outputs over ${mib(training.MAX_GENERATE_BYTES)})`,
  );
  console.log(JSON.stringify(result));
}

void main();
