/**
 * A chart of D's and G's losses over the steps, with the BCE equilibrium lines, as an RGBA image.
 *
 * @packageDocumentation
 */
import type { TrainingLogs } from '../train/callbacks';
import { Canvas, type Rgb } from './canvas';
import type { RgbaImage } from './grid';

/** One line of the loss chart: which logged value, and its legend label. */
export interface LossPlotSeries {
  /** The log name of the value (e.g. `dLoss`, `cycleLoss`). */
  name: string;
  /** Its label in the legend (e.g. `D`, `cyc`). */
  label: string;
}

/** Options of {@link pictures.lossPlotImage}. */
export interface LossPlotOptions {
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 360). */
  height?: number;
  /** Steps in the moving average drawn over the raw losses (default: 1% of the steps, at least 1). */
  smoothing?: number;
  /** Highest loss shown (default: the 99th percentile of the losses, at least 2 ln 2 + 0.2). */
  maxLoss?: number;
  /** Lowest loss shown (default 0, or below the 1st percentile when losses go negative, as WGAN's do). */
  minLoss?: number;
  /**
   * Draw the BCE equilibrium lines ln 2 and 2 ln 2 (default: for a GAN's D and G series when no
   * loss is negative, i.e. for log losses).
   */
  equilibriumLines?: boolean;
  /** The logged values drawn, in order, with their legend labels (default a GAN's: `dLoss` as D, `gLoss` as G). */
  series?: ReadonlyArray<LossPlotSeries>;
}

const GAN_SERIES = [
  { name: 'dLoss', label: 'D' },
  { name: 'gLoss', label: 'G' },
];

const D_COLOR: Rgb = [31, 119, 180];
const G_COLOR: Rgb = [214, 39, 40];
/** Colors of the series after D's and G's (a CycleGAN's D_X, D_Y, …). */
const MORE_COLORS: Rgb[] = [
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
  [140, 86, 75],
];
const AXIS: Rgb = [60, 60, 60];
const GRID: Rgb = [225, 225, 225];

function movingAverage(values: number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Draws losses against the step (by default a GAN's: D's loss blue, G's red; `series` picks any
 * logged values, e.g. a CycleGAN's): the raw values faint, a moving
 * average solid, and dashed reference lines at the BCE equilibrium, where D cannot tell real from
 * fake (D(x) = 0.5): `ln 2 ≈ 0.693` for G's loss and `2 ln 2 ≈ 1.386` for D's (the sum of its real
 * and fake terms).
 */
export function lossPlotImage<R extends TrainingLogs>(rows: readonly R[], options: LossPlotOptions = {}): RgbaImage {
  const series = options.series ?? GAN_SERIES;
  const isGan = series.length === 2 && series[0].name === 'dLoss' && series[1].name === 'gLoss';
  const colors = [D_COLOR, G_COLOR, ...MORE_COLORS];
  const valueOf = (r: TrainingLogs, name: string): number => (r as unknown as Record<string, number>)[name];
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const canvas = new Canvas(width, height);
  const left = 56;
  const right = width - 12;
  const top = 28;
  const bottom = height - 34;
  const steps = rows.map((r) => r.step);
  const firstStep = steps.length > 0 ? Math.min(...steps) : 0;
  const lastStep = steps.length > 0 ? Math.max(firstStep + 1, Math.max(...steps)) : 1;
  const all = rows
    .flatMap((r) => series.map((s) => valueOf(r, s.name)))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const p99 = all.length > 0 ? all[Math.min(all.length - 1, Math.floor(all.length * 0.99))] : 2;
  const maxLoss = options.maxLoss ?? Math.max(2 * Math.LN2 + 0.2, p99 * 1.05);
  const p1 = all.length > 0 ? all[Math.floor(all.length * 0.01)] : 0;
  const minLoss = Math.min(options.minLoss ?? (p1 < 0 ? p1 * 1.05 : 0), maxLoss - 1e-6);
  const x = (step: number): number => left + ((step - firstStep) / (lastStep - firstStep)) * (right - left);
  const y = (loss: number): number =>
    bottom - ((Math.min(Math.max(loss, minLoss), maxLoss) - minLoss) / (maxLoss - minLoss)) * (bottom - top);

  // Grid and y ticks.
  const yStep = niceStep(maxLoss - minLoss, 5);
  for (let v = Math.ceil(minLoss / yStep) * yStep; v <= maxLoss + 1e-9; v += yStep) {
    canvas.line(left, y(v), right, y(v), GRID);
    const label = v.toFixed(yStep < 1 ? (yStep < 0.1 ? 2 : 1) : 0);
    canvas.text(left - 6 - Canvas.textWidth(label), y(v) - 5, label, AXIS);
  }
  // x ticks.
  const xStep = Math.max(1, niceStep(lastStep - firstStep, 6)); // steps are whole numbers: no tick between two
  for (let s = Math.ceil(firstStep / xStep) * xStep; s <= lastStep; s += xStep) {
    canvas.line(x(s), bottom, x(s), bottom + 4, AXIS);
    const label = String(Math.round(s));
    canvas.text(x(s) - Canvas.textWidth(label) / 2, bottom + 8, label, AXIS);
  }
  canvas.text(right - Canvas.textWidth('step'), bottom + 20, 'step', AXIS);
  canvas.line(left, top, left, bottom, AXIS);
  canvas.line(left, bottom, right, bottom, AXIS);

  // Equilibrium lines (of log losses such as BCE: meaningless for WGAN's scores).
  if (options.equilibriumLines ?? (isGan && minLoss >= 0)) {
    canvas.dashed(left, right, y(Math.LN2), G_COLOR);
    canvas.dashed(left, right, y(2 * Math.LN2), D_COLOR);
    canvas.text(right - Canvas.textWidth('ln2'), y(Math.LN2) - 13, 'ln2', G_COLOR);
    canvas.text(right - Canvas.textWidth('2ln2'), y(2 * Math.LN2) - 13, '2ln2', D_COLOR);
  }

  // Curves: raw faint, smoothed solid.
  const window = options.smoothing ?? Math.max(1, Math.round(rows.length / 100));
  for (const [k, { name }] of series.entries()) {
    const color = colors[k % colors.length];
    const values = rows.map((r) => valueOf(r, name));
    for (let i = 1; i < rows.length; i++)
      canvas.line(x(steps[i - 1]), y(values[i - 1]), x(steps[i]), y(values[i]), color, 0.15);
    const smooth = movingAverage(values, window);
    for (let i = 1; i < rows.length; i++)
      canvas.line(x(steps[i - 1]), y(smooth[i - 1]), x(steps[i]), y(smooth[i]), color);
  }

  // Legend.
  let at = left + 8;
  for (const [k, { label }] of series.entries()) {
    const color = colors[k % colors.length];
    canvas.rect(at, 10, 14, 3, color);
    canvas.text(at + 18, 6, label, color);
    at += Math.max(40, 26 + Canvas.textWidth(label) + 8);
  }
  return canvas.image;
}
