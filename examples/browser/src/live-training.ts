/// <reference lib="dom" />
/**
 * The live-training panel: a small MLP CGAN trained in the tab on a subset of MNIST, with a
 * start/stop button, a step counter, a loss plot and a sample grid that updates as it learns.
 *
 * `fit({ yieldEvery: 1 })` returns to the event loop after every step (the next animation frame),
 * so the browser repaints and handles clicks in between; on the wasm and cpu backends nothing else
 * in a step would let it. Training stops by `trainer.stopTraining()`,
 * which ends `fit` after the current step; the next start resumes where it stopped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conditioning, createCgan, datasets, pictures, training, type Gan, type StepLogs } from 'gankit';
import { drawImage, drawPlaceholder } from './draw';
import { loadMnistSubset } from './mnist-subset';
import { byId, reportError, state } from './state';

/** Redraw the loss plot every this many steps, and the sample grid every GRID_EVERY. */
const PLOT_EVERY = 5;
const GRID_EVERY = 20;
const BATCH_SIZE = 32;
const LATENT_DIM = 32;
const GRID_ROWS = 3;
const PLOT_SIZE = { width: 480, height: 240 };

function buildGan(): Gan {
  return createCgan({
    architecture: 'mlp',
    numClasses: 10,
    latentDim: LATENT_DIM,
    conditioning: conditioning.labelEmbedding({ dim: 10 }),
    // Narrow nets, so a step takes a few dozen milliseconds on wasm; the defaults add batch norm
    // to G's second layer and dropout to D's second.
    generator: { hiddenUnits: [128, 256] },
    discriminator: { hiddenUnits: [256, 128] },
    optimizer: { learningRate: 1e-3, beta1: 0.5 },
    seed: 1,
  });
}

/** Sets up the panel (the data and the nets are made at the first start). */
export function setupLiveTraining(dataUrl: string): void {
  const button = byId<HTMLButtonElement>('train-toggle');
  const stepLabel = byId('train-step');
  const lossLabel = byId('train-losses');
  const speedLabel = byId('train-speed');
  const plotCanvas = byId<HTMLCanvasElement>('loss-plot');
  const gridCanvas = byId<HTMLCanvasElement>('train-grid');
  byId('grid-every').textContent = String(GRID_EVERY);

  let gan: Gan | null = null;
  let data: datasets.ImageDataset | null = null;
  let gridZ: tf.Tensor2D | null = null;
  const rows: StepLogs[] = [];
  const gridLabels = Array.from({ length: 10 * GRID_ROWS }, (_, i) => i % 10);

  const drawPlot = (): void => {
    // From 5 steps on: over fewer, pictures.lossPlotImage's step ticks fall between integers and repeat
    // (0 0 0 1 1 1), so the panel shows a note until then.
    if (rows.length < PLOT_EVERY) {
      drawPlaceholder(
        plotCanvas,
        rows.length === 0 ? 'The losses appear here once training starts.' : 'Training…',
        '#fff',
        '#5d6677',
      );
    } else {
      drawImage(
        plotCanvas,
        pictures.lossPlotImage(rows, { ...PLOT_SIZE, smoothing: Math.max(1, Math.round(rows.length / 40)) }),
      );
    }
    state.draws.lossPlot++;
  };
  const drawGrid = (): void => {
    if (gan === null || gridZ === null) return;
    const images = gan.generate({ labels: gridLabels, z: gridZ });
    try {
      drawImage(gridCanvas, pictures.imageGrid(images, { columns: 10, scale: 2, padding: 2 }));
    } finally {
      images.dispose();
    }
    state.draws.trainGrid++;
  };
  drawPlot();
  drawPlaceholder(gridCanvas, 'Press “Start training”: the live generator’s digits appear here.');

  let speedFrom = { time: 0, step: 0 };
  const callback: training.TrainerCallback = {
    onBatchEnd(logs) {
      rows.push(logs);
      state.trainingSteps = logs.step;
      state.lastLosses = { dLoss: logs.dLoss, gLoss: logs.gLoss };
      stepLabel.textContent = logs.step.toLocaleString('en');
      lossLabel.textContent = `D ${logs.dLoss.toFixed(3)}, G ${logs.gLoss.toFixed(3)}`;
      if (logs.step % PLOT_EVERY === 0) drawPlot();
      if (logs.step === 1 || logs.step % GRID_EVERY === 0) drawGrid();
      const now = performance.now();
      if (now - speedFrom.time > 1000) {
        if (speedFrom.time > 0) {
          state.stepsPerSecond = ((logs.step - speedFrom.step) * 1000) / (now - speedFrom.time);
          speedLabel.textContent = `${state.stepsPerSecond.toFixed(1)} steps/s`;
        }
        speedFrom = { time: now, step: logs.step };
      }
    },
  };

  const run = async (): Promise<void> => {
    if (data === null) {
      button.textContent = 'Loading MNIST…';
      data = await loadMnistSubset(dataUrl);
      byId('train-info').textContent =
        `An MLP CGAN (z ${LATENT_DIM}, G 128-256, D 256-128) learning from ${data.size.toLocaleString('en')} MNIST images, ` +
        `trained here by TensorFlow.js on the ${state.backend} backend, ${BATCH_SIZE} images per step.`;
    }
    if (gan === null) {
      gan = buildGan();
      gridZ = tf.randomNormal([gridLabels.length, LATENT_DIM], 0, 1, 'float32', 5) as tf.Tensor2D;
      drawGrid();
    }
    state.training = true;
    button.textContent = 'Stop training';
    button.classList.add('running');
    speedFrom = { time: 0, step: gan.trainer.step };
    try {
      await gan.fit(data, {
        epochs: gan.trainer.epoch + 100_000,
        batchSize: BATCH_SIZE,
        callbacks: [callback],
        yieldEvery: 1,
      });
    } finally {
      state.training = false;
      button.textContent = 'Resume training';
      button.classList.remove('running');
      button.disabled = false;
      drawPlot();
      drawGrid();
    }
  };

  button.addEventListener('click', () => {
    if (state.training) {
      gan?.trainer.stopTraining();
      button.disabled = true; // until fit returns after this step
      return;
    }
    run().catch((error: unknown) => {
      button.disabled = false;
      reportError(error);
    });
  });
  button.disabled = false;
}
