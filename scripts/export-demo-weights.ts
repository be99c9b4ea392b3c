/**
 * Exports the generator of a trained CGAN checkpoint for the browser demo (examples/browser/):
 * a TensorFlow.js layers model (`model.json` + `weights.bin`) whose large weight matrices are
 * quantised, plus `source.json` saying where it came from. The generator is the checkpoint's
 * averaged one (`ema-generator/`, what `examples/cgan-mnist.ts` samples and `gankit eval`
 * measures) when it holds one, else G itself; `--generator raw` asks for G.
 *
 * Quantisation uses the weight-spec `quantization` field that tfjs-core's `io.decodeWeights`
 * reads, so `tf.loadLayersModel(url)` dequantises on load with no code of ours:
 *   - `uint8` (default): per tensor, affine: `w ≈ q · scale + min`, q in 0..255 (4× smaller);
 *   - `uint16`: the same with 65,536 levels (2× smaller);
 *   - `float16`: IEEE half floats (2× smaller).
 * Only tensors of at least `--min-size` values (the dense kernels) are quantised; biases, batch
 * norm parameters and statistics, and the label embedding stay float32 (a few dozen KB): a batch
 * norm variance rounded to 1/255 of its tensor's range would change the picture more than all the
 * kernels' rounding does.
 *
 * It checks what quantisation costs: the label accuracy of the float and of every quantised
 * generator on the same `--samples` samples, through the bundled MNIST classifier.
 *
 *   npx tsx scripts/export-demo-weights.ts [--checkpoint out/cgan-mnist/checkpoint] [--generator averaged|raw]
 *       [--out examples/browser/public/generator] [--format uint8|uint16|float16] [--samples 2000]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initBackend, loadGan, type GeneratorInfo, cli, layers, quality, training } from '../src/index';

type Format = 'uint8' | 'uint16' | 'float16';
const FORMATS: Format[] = ['uint8', 'uint16', 'float16'];

interface Artifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** A float32 → IEEE 754 half conversion (round to nearest even), as tfjs-core's decoder expects. */
function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
      } else {
        mant |= 0x800000;
        const shift = 14 - e;
        let half = mant >>> shift;
        const rest = mant & ((1 << shift) - 1);
        const halfway = 1 << (shift - 1);
        if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
        out[i] = sign | half;
      }
    } else {
      let half = (e << 10) | (mant >>> 13);
      const rest = mant & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
      out[i] = sign | half;
    }
  }
  return out;
}

/** Quantises one tensor's values; returns the bytes and the spec's `quantization` field. */
function quantise(
  values: Float32Array,
  format: Format,
): { bytes: Uint8Array; quantization: NonNullable<tf.io.WeightsManifestEntry['quantization']> } {
  if (format === 'float16') {
    const half = toFloat16(values);
    return { bytes: new Uint8Array(half.buffer), quantization: { dtype: 'float16' } };
  }
  const levels = format === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? (max - min) / levels : 1;
  const q = format === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype: format, min, scale } };
}

/** The float32 artifacts with every tensor of at least `minSize` values quantised to `format`. */
function quantiseArtifacts(float: Artifacts, format: Format, minSize: number): Artifacts {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of float.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32') throw new Error(`${spec.name}: expected float32 weights, got ${spec.dtype}`);
    const values = new Float32Array(float.weightData.slice(offset, offset + size * 4));
    offset += size * 4;
    if (size >= minSize) {
      const { bytes, quantization } = quantise(values, format);
      specs.push({ ...spec, quantization });
      chunks.push(bytes);
    } else {
      specs.push({ ...spec });
      chunks.push(new Uint8Array(values.buffer));
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { modelTopology: float.modelTopology, weightSpecs: specs, weightData: data.buffer };
}

/** The generator's topology, float32 weight specs and weights, as `model.save` hands them over. */
async function generatorArtifacts(generator: tfl.LayersModel): Promise<Artifacts> {
  let captured: Artifacts | null = null;
  await generator.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffer = data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]);
      captured = {
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: buffer,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (captured === null) throw new Error('the generator did not save');
  return captured;
}

/**
 * Label accuracy of `generator` on `count` samples (labels 0..9 in turn, fixed z), and the mean
 * absolute pixel difference (in [-1, 1] units) from `reference`'s images of the same z and labels.
 */
async function accuracyOf(
  generator: tfl.LayersModel,
  info: GeneratorInfo,
  classifier: quality.MnistClassifier,
  count: number,
  seed: number,
  reference?: tfl.LayersModel,
): Promise<{ accuracy: number; pixelDiff: number }> {
  const labels = Array.from({ length: count }, (_, i) => i % info.numClasses);
  const z = tf.randomNormal([count, info.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
  const images = training.generateImages(generator, info, { labels, z });
  const others = reference === undefined ? null : training.generateImages(reference, info, { labels, z });
  try {
    const accuracy = quality.labelAccuracy(await classifier.predictClasses(images), labels, info.numClasses);
    const pixelDiff = others === null ? 0 : tf.tidy(() => tf.mean(tf.abs(tf.sub(images, others))).dataSync()[0]);
    return { accuracy, pixelDiff };
  } finally {
    tf.dispose([z, images, others ?? []]);
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const program = new Command('export-demo-weights')
    .description("Export a trained CGAN's generator, quantised, for the browser demo.")
    .option('--checkpoint <dir>', 'a CGAN checkpoint (or a folder of step-* checkpoints)', 'out/cgan-mnist/checkpoint')
    .addOption(
      new Option('--generator <which>', "the checkpoint's averaged G (when it holds one) or G itself")
        .choices(['averaged', 'raw'])
        .default('averaged'),
    )
    .option('--out <dir>', 'output folder', 'examples/browser/public/generator')
    .addOption(new Option('--format <name>', 'how the large tensors are stored').choices(FORMATS).default('uint8'))
    .option('--min-size <n>', 'quantise only tensors of at least this many values', Number, 4096)
    .option('--samples <n>', 'samples for the label-accuracy check', Number, 2000)
    .option('--seed <n>', "seed of the samples' z", Number, 7)
    .parse();
  const o = program.opts<{
    checkpoint: string;
    generator: 'averaged' | 'raw';
    out: string;
    format: Format;
    minSize: number;
    samples: number;
    seed: number;
  }>();
  await initBackend({ log: null });
  layers.registerGankitLayers();
  const gan = await loadGan(o.checkpoint);
  if (gan.numClasses === 0) throw new Error(`${o.checkpoint} holds an unconditional GAN; the demo needs a CGAN`);
  const info: GeneratorInfo = {
    latentDim: gan.config.latentDim,
    numClasses: gan.numClasses,
    outputActivation: gan.config.outputActivation,
  };
  const averaged = o.generator === 'averaged' ? (gan.averaged?.shadow ?? null) : null;
  const generator = averaged ?? gan.generator;
  const which = averaged === null ? 'G itself (generator/)' : 'the averaged G (ema-generator/)';
  const float = await generatorArtifacts(generator);
  const classifier = await quality.loadMnistClassifier();

  const floatAccuracy = (await accuracyOf(generator, info, classifier, o.samples, o.seed)).accuracy;
  console.log(
    `checkpoint ${o.checkpoint}: step ${gan.trainer.step}, epoch ${gan.trainer.epoch}; exporting ${which}, ${float.weightSpecs.length} weight tensors`,
  );
  const rawAccuracy =
    averaged === null ? null : (await accuracyOf(gan.generator, info, classifier, o.samples, o.seed)).accuracy;
  if (rawAccuracy !== null)
    console.log(`  (G itself, float32, for comparison: label accuracy ${rawAccuracy.toFixed(4)})`);
  console.log(
    `${o.samples} samples with the same z and labels for each: label accuracy (bundled classifier), mean |pixel - float32 pixel| on [-1, 1]`,
  );
  console.log(`  float32   ${kb(float.weightData.byteLength).padStart(11)}  ${floatAccuracy.toFixed(4)}`);
  const results: Record<string, { bytes: number; labelAccuracy: number; pixelDiff: number }> = {};
  let chosen: Artifacts | null = null;
  for (const format of FORMATS) {
    const q = quantiseArtifacts(float, format, o.minSize);
    // Through tfjs-core's own decoder, as the page loads it.
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: q.modelTopology, weightSpecs: q.weightSpecs, weightData: q.weightData }),
    );
    const { accuracy, pixelDiff } = await accuracyOf(model, info, classifier, o.samples, o.seed, generator);
    model.dispose();
    results[format] = { bytes: q.weightData.byteLength, labelAccuracy: accuracy, pixelDiff };
    console.log(
      `  ${format.padEnd(8)}  ${kb(q.weightData.byteLength).padStart(11)}  ${accuracy.toFixed(4)}  ${pixelDiff.toExponential(2)}${format === o.format ? '   <- shipped' : ''}`,
    );
    if (format === o.format) chosen = q;
  }
  if (chosen === null) throw new Error(`unknown format ${o.format}`);

  await fs.mkdir(o.out, { recursive: true });
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: `gankit scripts/export-demo-weights.ts (${o.format}, tensors of >= ${o.minSize} values)`,
    modelTopology: chosen.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: chosen.weightSpecs }],
  };
  await fs.writeFile(path.join(o.out, 'model.json'), JSON.stringify(modelJson));
  await fs.writeFile(path.join(o.out, 'weights.bin'), new Uint8Array(chosen.weightData));
  const source = {
    checkpoint: o.checkpoint,
    generator: averaged === null ? 'generator' : 'ema-generator',
    ...(averaged === null ? {} : { averagedGenerator: gan.averaged?.options }),
    step: gan.trainer.step,
    epoch: gan.trainer.epoch,
    config: {
      latentDim: info.latentDim,
      numClasses: info.numClasses,
      outputActivation: info.outputActivation,
      architecture: gan.config.architecture,
      conditioning: gan.config.conditioning,
    },
    weights: {
      format: o.format,
      quantisedTensorsOfAtLeast: o.minSize,
      float32Bytes: float.weightData.byteLength,
      shippedBytes: chosen.weightData.byteLength,
    },
    labelAccuracy: {
      samples: o.samples,
      seed: o.seed,
      classifier: 'assets/mnist-classifier',
      float32: floatAccuracy,
      ...(rawAccuracy === null ? {} : { rawGeneratorFloat32: rawAccuracy }),
      ...Object.fromEntries(FORMATS.map((f) => [f, results[f].labelAccuracy])),
    },
    meanPixelDifferenceFromFloat32: Object.fromEntries(
      FORMATS.map((f) => [f, Number(results[f].pixelDiff.toPrecision(3))]),
    ),
    exportedAt: new Date().toISOString(),
    tfjsVersion: tf.version_core,
  };
  await fs.writeFile(path.join(o.out, 'source.json'), `${JSON.stringify(source, null, 2)}\n`);
  const modelBytes = (await fs.stat(path.join(o.out, 'model.json'))).size;
  console.log(
    `wrote ${o.out}/model.json (${kb(modelBytes)}), weights.bin (${kb(chosen.weightData.byteLength)}; float32 would be ${kb(float.weightData.byteLength)}), source.json`,
  );
  classifier.dispose();
  gan.dispose();
}

cli.runScript(main);
