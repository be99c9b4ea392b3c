/**
 * A progress bar for training: epoch, step, a bar, ETA, ms per step and the running D and G
 * losses, redrawn in place on a terminal and printed as plain lines elsewhere (CI logs, pipes).
 *
 * @packageDocumentation
 */
import type { TrainerCallback } from '../train/trainer';

/** Where a progress bar writes: `process.stdout`, or anything with `write` (and, for a terminal, `isTTY`). */
export interface ProgressStream {
  /** Writes text. */
  write(text: string): unknown;
  /** True on a terminal: the bar is redrawn in place. */
  isTTY?: boolean;
  /** Terminal width in characters. */
  columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Where to write (default `process.stdout`); redrawn in place when it is a terminal. */
  stream?: ProgressStream;
  /** Steps averaged into the running losses (default 50). */
  window?: number;
  /** On a non-terminal, print a line every this many steps (default 100). */
  lineEvery?: number;
  /** Minimum milliseconds between redraws on a terminal (default 200). */
  redrawMs?: number;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * A callback that shows training progress:
 * `epoch 2/3 [########------] 412/937  ETA 1m32s  182 ms/step  D 1.214 G 0.981`.
 * The ETA covers the whole run (all remaining epochs); the losses are means over the last
 * `window` steps.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 3, callbacks: [progressBar()] });
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): TrainerCallback {
  const stream = options.stream ?? process.stdout;
  const window = options.window ?? 50;
  const lineEvery = options.lineEvery ?? 100;
  const redrawMs = options.redrawMs ?? 200;
  const tty = stream.isTTY === true;
  let epochs = 0;
  let stepsPerEpoch = 0;
  let firstStep = 0;
  let totalSteps = 0;
  let started = 0;
  let lastDraw = 0;
  let drawn = false;
  const recent: Array<[number, number]> = [];

  const line = (epoch: number, step: number): string => {
    const done = step - firstStep;
    const elapsed = (Date.now() - started) / 1000;
    const perStep = done > 0 ? elapsed / done : NaN;
    const inEpoch = ((step - 1) % stepsPerEpoch) + 1;
    const width = 20;
    const filled = Math.round((inEpoch / stepsPerEpoch) * width);
    const mean = (i: 0 | 1): string => (recent.reduce((a, r) => a + r[i], 0) / recent.length).toFixed(3);
    return (
      `epoch ${epoch + 1}/${epochs} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${inEpoch}/${stepsPerEpoch}` +
      `  ETA ${formatDuration(perStep * (totalSteps - done))}  ${(perStep * 1000).toFixed(0)} ms/step  D ${mean(0)} G ${mean(1)}`
    );
  };

  return {
    onTrainBegin(info) {
      epochs = info.epochs;
      stepsPerEpoch = info.stepsPerEpoch;
      firstStep = info.model.state.step;
      totalSteps = Math.max(0, info.epochs - info.initialEpoch) * info.stepsPerEpoch;
      started = Date.now();
      recent.length = 0;
    },
    onBatchEnd(logs) {
      recent.push([logs.dLoss, logs.gLoss]);
      if (recent.length > window) recent.shift();
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < redrawMs) return;
        lastDraw = now;
        const text = line(logs.epoch, logs.step);
        const columns = stream.columns ?? 120;
        stream.write(`\r${text.slice(0, columns - 1).padEnd(Math.min(columns - 1, text.length))}\x1b[K`);
        drawn = true;
      } else if ((logs.step - firstStep) % lineEvery === 0) {
        stream.write(`${line(logs.epoch, logs.step)}\n`);
      }
    },
    onEpochEnd(logs) {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
      stream.write(
        `epoch ${logs.epoch + 1}/${epochs}: D ${logs.dLoss.toFixed(3)} G ${logs.gLoss.toFixed(3)}  D(x) ${logs.dRealMean.toFixed(2)} D(G(z)) ${logs.dFakeMean.toFixed(2)}  ${formatDuration(logs.seconds)}\n`,
      );
    },
    onTrainEnd() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
