import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkpoints, saveOnInterrupt } from '../../src/callbacks/checkpoints';
import { createCgan, createGan } from '../../src/models/gan/create';
import { decodePng } from '../../src/image/png';
import { formatDuration, progressBar } from '../../src/callbacks/progress-bar';
import { loadGan } from '../../src/models/gan/load';
import { LOSS_LOG_HEADER, lossLog, parseLossLog } from '../../src/callbacks/loss-log';
import { lossPlotImage } from '../../src/image/loss-plot';
import { sampleGrids } from '../../src/callbacks/sample-grids';
import { type StepLogs } from '../../src/train/callbacks';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('callbacks');
beforeAll(async () => {
  await useDefaultBackend();
});

const tiny = () =>
  createCgan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    generator: { hiddenUnits: [16] },
    discriminator: { hiddenUnits: [16], dropout: 0 },
    seed: 7,
  });

class Sink {
  text = '';
  isTTY: boolean;
  columns = 200;
  constructor(tty: boolean) {
    this.isTTY = tty;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

test('formatDuration', () => {
  expect([formatDuration(42.4), formatDuration(185), formatDuration(3725), formatDuration(NaN)]).toEqual([
    '42s',
    '3m05s',
    '1h02m',
    '?',
  ]);
});

test('progressBar prints epoch, step, ETA, ms/step and running losses; lines when not a terminal', async () => {
  const data = randomDataset(80);
  const gan = tiny();
  const sink = new Sink(false);
  await gan.fit(data, {
    epochs: 2,
    batchSize: 10,
    callbacks: [progressBar({ stream: sink as unknown as NodeJS.WritableStream, lineEvery: 4 })],
  });
  const lines = sink.text.trim().split('\n');
  // Steps 4, 8, 12, 16 and two epoch summaries.
  expect(lines.filter((l) => l.includes('ETA'))).toHaveLength(4);
  expect(lines[0]).toMatch(/^epoch 1\/2 \[#{10}-{10}\] 4\/8 {2}ETA \d+s {2}\d+ ms\/step {2}D \d\.\d{3} G \d\.\d{3}$/);
  expect(lines.filter((l) => /^epoch \d\/2: D \d\.\d{3} G \d\.\d{3}/.test(l))).toHaveLength(2);
  expect(sink.text).not.toContain('\r');
  const tty = new Sink(true);
  await gan.fit(data, {
    epochs: 3,
    batchSize: 10,
    callbacks: [progressBar({ stream: tty as unknown as NodeJS.WritableStream, redrawMs: 0 })],
  });
  expect(tty.text).toMatch(/\repoch 3\/3 \[#+-*\] \d\/8/);
  gan.dispose();
  data.dispose();
});

test('sampleGrids writes one PNG per epoch, one row per class, from the same z', async () => {
  const data = randomDataset(40);
  const gan = tiny();
  const out = path.join(tempDir(), 'grids');
  await gan.fit(data, {
    epochs: 2,
    batchSize: 10,
    stepsPerEpoch: 1,
    callbacks: [sampleGrids({ dir: out, columns: 4, scale: 1 })],
  });
  expect((await fs.readdir(out)).sort()).toEqual(['epoch-001.png', 'epoch-002.png']);
  const png = decodePng(await fs.readFile(path.join(out, 'epoch-002.png')));
  // 10 rows (classes) × 4 columns of 8×8 tiles with 2-pixel padding.
  expect([png.width, png.height]).toEqual([4 * 8 + 5 * 2, 10 * 8 + 11 * 2]);
  expect(() => sampleGrids({ dir: out, columns: 0 })).toThrow(/options.columns: expected a positive integer/);
  gan.dispose();
  data.dispose();
});

test('lossLog writes every step to CSV (and a chart), and a resumed run keeps the rows before it', async () => {
  const data = randomDataset(40);
  const gan = tiny();
  const file = path.join(tempDir(), 'log', 'losses.csv');
  const plot = path.join(tempDir(), 'log', 'losses.png');
  await gan.fit(data, { epochs: 2, batchSize: 10, callbacks: [lossLog({ file, plot })] });
  const text = await fs.readFile(file, 'utf8');
  expect(text.split('\n')[0]).toBe(LOSS_LOG_HEADER);
  const rows = parseLossLog(text);
  expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(rows.map((r) => r.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  expect(decodePng(await fs.readFile(plot)).width).toBe(640);
  // A later fit of the same trainer (a resume) keeps steps 1–8 and appends 9–12.
  await gan.fit(data, { epochs: 3, batchSize: 10, callbacks: [lossLog({ file })] });
  expect(parseLossLog(await fs.readFile(file, 'utf8')).map((r) => r.step)).toEqual([
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ]);
  gan.dispose();
  data.dispose();
});

test('lossPlotImage draws the equilibrium lines where ln 2 and 2 ln 2 fall', () => {
  const rows: StepLogs[] = Array.from({ length: 200 }, (_, i) => ({
    epoch: 0,
    step: i + 1,
    dLoss: 1.2 + 0.1 * Math.sin(i),
    gLoss: 0.8,
    dRealMean: 0.5,
    dFakeMean: 0.5,
  }));
  const img = lossPlotImage(rows, { width: 400, height: 300, maxLoss: 2 });
  expect([img.width, img.height]).toEqual([400, 300]);
  // Plot area: top 28, bottom 266; y(v) = 266 - v / 2 * 238.
  const rowOf = (v: number): number => Math.round(266 - (v / 2) * 238);
  const reddish = (y: number): number => {
    let n = 0;
    for (let x = 60; x < 380; x++) {
      const i = (y * 400 + x) * 4;
      if (img.data[i] > 150 && img.data[i + 1] < 120 && img.data[i + 2] < 120) n++;
    }
    return n;
  };
  expect(reddish(rowOf(Math.LN2))).toBeGreaterThan(100); // G's dashed line
  expect(reddish(rowOf(0.8))).toBeGreaterThan(250); // G's (constant) loss curve
  expect(reddish(rowOf(1.5))).toBe(0);
});

test('lossPlotImage puts x ticks on whole steps only, however few steps there are', () => {
  // Tick marks hang 1-4 px below the x axis (bottom = height - 34) in the axis colour.
  const ticks = (stepCount: number): number => {
    const rows: StepLogs[] = Array.from({ length: stepCount }, (_, i) => ({
      epoch: 0,
      step: i + 1,
      dLoss: 1,
      gLoss: 1,
      dRealMean: 0.5,
      dFakeMean: 0.5,
    }));
    const img = lossPlotImage(rows, { width: 400, height: 300 });
    const y = 300 - 34 + 3;
    let count = 0;
    for (let x = 50; x < 400; x++) {
      const i = (y * 400 + x) * 4;
      const isAxis = img.data[i] === 60 && img.data[i + 1] === 60 && img.data[i + 2] === 60;
      const before = (y * 400 + x - 1) * 4;
      if (isAxis && !(img.data[before] === 60 && img.data[before + 1] === 60)) count++;
    }
    return count;
  };
  expect(ticks(3)).toBe(3); // steps 1, 2, 3 (a fractional step put 5 ticks labelled 1 2 2 3 3)
  expect(ticks(2)).toBe(2);
  expect(ticks(61)).toBe(6); // 10, 20, ..., 60
});

test('lossPlotImage shows negative losses (WGAN) on an axis that reaches them, without the BCE lines', () => {
  // G's loss constant at -2, D's at -0.5: the axis must go below 0 for both to be drawn.
  const rows: StepLogs[] = Array.from({ length: 100 }, (_, i) => ({
    epoch: 0,
    step: i + 1,
    dLoss: -0.5,
    gLoss: -2,
    dRealMean: 0.5,
    dFakeMean: 0.5,
  }));
  const img = lossPlotImage(rows, { width: 400, height: 300, maxLoss: 2, minLoss: -3 });
  // y(v) = 266 - (v + 3) / 5 * 238.
  const rowOf = (v: number): number => Math.round(266 - ((v + 3) / 5) * 238);
  const count = (y: number, test: (r: number, g: number, b: number) => boolean): number => {
    let n = 0;
    for (let x = 60; x < 380; x++) {
      const i = (y * 400 + x) * 4;
      if (test(img.data[i], img.data[i + 1], img.data[i + 2])) n++;
    }
    return n;
  };
  const red = (r: number, g: number, b: number): boolean => r > 150 && g < 120 && b < 120;
  const blue = (r: number, g: number, b: number): boolean => b > 130 && r < 100;
  expect(count(rowOf(-2), red)).toBeGreaterThan(250);
  expect(count(rowOf(-0.5), blue)).toBeGreaterThan(250);
  expect(count(rowOf(Math.LN2), red)).toBe(0); // no equilibrium line for scores
  // Left to itself, the axis reaches below the lowest loss: G's curve (-2) is drawn well below D's (-0.5).
  const auto = lossPlotImage(rows, { width: 400, height: 300 });
  const densest = (test: (r: number, g: number, b: number) => boolean): number => {
    let best = -1;
    let bestCount = 0;
    for (let y = 28; y <= 266; y++) {
      let n = 0;
      for (let x = 60; x < 380; x++) {
        const i = (y * 400 + x) * 4;
        if (test(auto.data[i], auto.data[i + 1], auto.data[i + 2])) n++;
      }
      if (n > bestCount) [best, bestCount] = [y, n];
    }
    return bestCount > 250 ? best : -1;
  };
  const gRow = densest(red);
  const dRow = densest(blue);
  expect(gRow).toBeGreaterThan(0);
  expect(dRow).toBeGreaterThan(0);
  expect(gRow - dRow).toBeGreaterThan(40);
});

test('checkpoints saves after every epoch; loadGan continues from it', async () => {
  const data = randomDataset(40);
  const gan = tiny();
  const ckpt = path.join(tempDir(), 'ckpt-every');
  const saved: number[] = [];
  await gan.fit(data, {
    epochs: 2,
    batchSize: 10,
    callbacks: [checkpoints(gan, { dir: ckpt, onSave: (_d, e) => void saved.push(e) })],
  });
  expect(saved).toEqual([1, 2]);
  const resumed = await loadGan(ckpt);
  expect([resumed.trainer.epoch, resumed.trainer.step]).toEqual([2, 8]);
  gan.dispose();
  resumed.dispose();
  data.dispose();
});

test('saveOnInterrupt: SIGINT stops after the current step and saves; the handler is gone afterwards', async () => {
  const data = randomDataset(100);
  const gan = createGan({
    latentDim: 8,
    imageShape: [8, 8, 1],
    generator: { hiddenUnits: [16] },
    discriminator: { hiddenUnits: [16] },
    seed: 3,
  });
  const ckpt = path.join(tempDir(), 'ckpt-interrupt');
  const messages: string[] = [];
  const listeners = process.listenerCount('SIGINT');
  const history = await gan.fit(data, {
    epochs: 5,
    batchSize: 10,
    callbacks: [
      saveOnInterrupt(gan, { dir: ckpt, log: (m) => void messages.push(m) }),
      { onBatchEnd: (l) => void (l.step === 13 && process.emit('SIGINT', 'SIGINT')) },
    ],
  });
  expect(history).toHaveLength(1); // epoch 1 completed; epoch 2 stopped at step 13
  expect(gan.trainer.step).toBe(13);
  expect((await loadGan(ckpt)).trainer.step).toBe(13);
  expect(messages[0]).toMatch(/SIGINT: stopping after this step/);
  expect(process.listenerCount('SIGINT')).toBe(listeners);
  gan.dispose();
  data.dispose();
});
