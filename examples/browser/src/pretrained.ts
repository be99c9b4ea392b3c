/// <reference lib="dom" />
/**
 * The pretrained panels: a batch of the chosen digit, latent sliders, and an interpolation strip,
 * all drawn by the CGAN generator that `scripts/export-demo-weights.ts` exported (quantised).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, latent, layers, pictures, training, type GeneratorInfo } from 'gankit';
import { coalesce, drawImage } from './draw';
import { byId, reportError, state } from './state';

/** What `generator/source.json` says (written by the export script). */
interface SourceInfo {
  step: number;
  epoch: number;
  config: { latentDim: number; numClasses: number; outputActivation: 'tanh' | 'sigmoid' };
  weights: { format: string; float32Bytes: number; shippedBytes: number };
  labelAccuracy: { samples: number; float32: number } & Record<string, number>;
}

const GRID_COLUMNS = 8;
const GRID_COUNT = 64;
const STRIP_STEPS = 10;
const SLIDERS = 6;
/**
 * How far one slider unit moves z. |z| is about √latentDim = 10 ± 0.7; a slider's end (±3 units,
 * ±4.5 along its direction) moves |z| to about 11, still a typical z, so the digit changes style
 * without falling apart.
 */
const SLIDER_REACH = 1.5;

/** Six orthonormal directions of R^dim (Gram–Schmidt on seeded Gaussian vectors). */
function directions(dim: number, count: number, seed: number): Float32Array[] {
  const out: Float32Array[] = [];
  const rng = new Rng(seed);
  while (out.length < count) {
    // Box–Muller from the seeded stream.
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      const u = Math.max(rng.nextFloat(), 1e-12);
      v[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
    }
    for (const d of out) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += v[i] * d[i];
      for (let i = 0; i < dim; i++) v[i] -= dot * d[i];
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    for (let i = 0; i < dim; i++) v[i] /= norm;
    out.push(v);
  }
  return out;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** Loads the generator, builds the panels and draws the first digit. */
export async function startPretrained(base: string): Promise<void> {
  layers.registerGankitLayers();
  const loadStart = performance.now();
  const [model, source] = await Promise.all([
    tfl.loadLayersModel(`${base}model.json`),
    fetch(`${base}source.json`)
      .then((r) => (r.ok ? (r.json() as Promise<SourceInfo>) : null))
      .catch(() => null),
  ]);
  state.modelLoadMs = performance.now() - loadStart;
  const latentDim = model.inputs[0].shape[1] as number;
  const info: GeneratorInfo = {
    latentDim,
    numClasses: source?.config.numClasses ?? 10,
    outputActivation: source?.config.outputActivation ?? 'tanh',
  };
  if (source !== null) {
    const acc = source.labelAccuracy[source.weights.format] ?? source.labelAccuracy.float32;
    byId('model-info').textContent =
      `MLP CGAN generator after ${source.epoch} epochs (${source.step.toLocaleString('en')} steps) on MNIST; ` +
      `weights ${source.weights.format}, ${kib(source.weights.shippedBytes)} (float32: ${kib(source.weights.float32Bytes)}); ` +
      `the bundled classifier reads ${(acc * 100).toFixed(1)}% of its samples as the digit asked for.`;
  } else {
    byId('model-info').textContent = 'MLP CGAN generator trained on MNIST.';
  }

  let batchSeed = 1;
  let zBatch = tf.randomNormal([GRID_COUNT, latentDim], 0, 1, 'float32', batchSeed) as tf.Tensor2D;
  const dirs = tf.tensor2d(
    directions(latentDim, SLIDERS, 7).flatMap((d) => Array.from(d)),
    [SLIDERS, latentDim],
  );
  let endpointSeed = 200;
  let zA = tf.randomNormal([latentDim], 0, 1, 'float32', endpointSeed);
  let zB = tf.randomNormal([latentDim], 0, 1, 'float32', endpointSeed + 1);
  state.sliders = new Array<number>(SLIDERS).fill(0);

  const digitCanvas = byId<HTMLCanvasElement>('digit-grid');
  const sliderCanvas = byId<HTMLCanvasElement>('slider-sample');
  const stripCanvas = byId<HTMLCanvasElement>('interp-strip');

  const drawBatch = (): void => {
    const images = training.generateImages(model, info, {
      labels: new Array<number>(GRID_COUNT).fill(state.digit),
      z: zBatch,
    });
    try {
      drawImage(digitCanvas, pictures.imageGrid(images, { columns: GRID_COLUMNS, scale: 2, padding: 2 }));
    } finally {
      images.dispose();
    }
    state.draws.digitGrid++;
  };
  const drawSlider = (): void => {
    // The batch's first sample (top left), moved along the directions.
    const z = tf.tidy(
      () =>
        tf.add(
          tf.slice(zBatch, [0, 0], [1, latentDim]),
          tf.matMul(tf.tensor2d(state.sliders, [1, SLIDERS]), tf.mul(dirs, SLIDER_REACH)),
        ) as tf.Tensor2D,
    );
    const images = training.generateImages(model, info, { labels: [state.digit], z });
    try {
      drawImage(sliderCanvas, pictures.imageGrid(images, { columns: 1, scale: 8, padding: 0 }));
    } finally {
      tf.dispose([z, images]);
    }
    state.draws.sliderSample++;
  };
  const drawStrip = (): void => {
    const z = latent.interpolateLatents(zA, zB, STRIP_STEPS);
    const images = training.generateImages(model, info, {
      labels: new Array<number>(STRIP_STEPS).fill(state.digit),
      z,
    });
    try {
      drawImage(stripCanvas, pictures.imageGrid(images, { columns: STRIP_STEPS, scale: 2, padding: 2 }));
    } finally {
      tf.dispose([z, images]);
    }
    state.draws.interpolation++;
  };
  const guarded = (draw: () => void) => (): void => {
    try {
      draw();
    } catch (error) {
      reportError(error);
    }
  };
  const drawAll = (): void => {
    drawBatch();
    drawSlider();
    drawStrip();
  };

  // Digit picker.
  const picker = byId('digits');
  const buttons: HTMLButtonElement[] = [];
  for (let d = 0; d < info.numClasses; d++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = String(d);
    b.dataset.digit = String(d);
    b.setAttribute('aria-pressed', String(d === state.digit));
    b.addEventListener(
      'click',
      guarded(() => {
        state.digit = d;
        for (const other of buttons) other.setAttribute('aria-pressed', String(other === b));
        drawAll();
      }),
    );
    buttons.push(b);
    picker.append(b);
  }
  byId<HTMLButtonElement>('new-batch').addEventListener(
    'click',
    guarded(() => {
      zBatch.dispose();
      zBatch = tf.randomNormal([GRID_COUNT, latentDim], 0, 1, 'float32', ++batchSeed) as tf.Tensor2D;
      drawBatch();
      drawSlider();
    }),
  );

  // Sliders.
  const sliderBox = byId('sliders');
  const scheduleSlider = coalesce(guarded(drawSlider));
  const inputs: HTMLInputElement[] = [];
  for (let i = 0; i < SLIDERS; i++) {
    const label = document.createElement('label');
    label.htmlFor = `slider-${i}`;
    label.textContent = `direction ${i + 1}`;
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', id: `slider-${i}`, min: '-3', max: '3', step: '0.05', value: '0' });
    const output = document.createElement('output');
    output.htmlFor.add(input.id);
    output.value = '0.00';
    input.addEventListener('input', () => {
      state.sliders[i] = Number(input.value);
      output.value = Number(input.value).toFixed(2);
      scheduleSlider();
    });
    inputs.push(input);
    sliderBox.append(label, input, output);
  }
  byId<HTMLButtonElement>('reset-sliders').addEventListener('click', () => {
    for (const [i, input] of inputs.entries()) {
      input.value = '0';
      input.dispatchEvent(new Event('input'));
      state.sliders[i] = 0;
    }
  });

  // Interpolation.
  byId<HTMLButtonElement>('new-endpoints').addEventListener(
    'click',
    guarded(() => {
      tf.dispose([zA, zB]);
      endpointSeed += 2;
      zA = tf.randomNormal([latentDim], 0, 1, 'float32', endpointSeed);
      zB = tf.randomNormal([latentDim], 0, 1, 'float32', endpointSeed + 1);
      drawStrip();
    }),
  );

  drawBatch();
  state.firstDigitMs = performance.now();
  drawSlider();
  drawStrip();
  for (const id of ['new-batch', 'reset-sliders', 'new-endpoints']) byId<HTMLButtonElement>(id).disabled = false;
  state.ready = true;
}
