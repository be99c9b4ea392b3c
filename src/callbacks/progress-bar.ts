/**
 * A progress bar for training any model: epoch, step, a bar, ETA, ms per step and the running
 * losses, redrawn in place on a terminal and printed as plain lines elsewhere (CI logs, pipes).
 *
 * @packageDocumentation
 */
import type { TrainingCallback, TrainingLogs } from '../train/callbacks';
import { logFormats, type NamedLogFormat } from '../train/log-format';

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
 * A callback that shows training progress for any model:
 * `epoch 2/3 [########------] 412/937  ETA 1m32s  182 ms/step  D 1.214 G 0.981`.
 * The ETA covers the whole run (all remaining epochs); the values on the right are the model's
 * losses (its `logFormat` says which, and their labels), as means over the last `window` steps.
 * Each epoch ends with a line of every logged value's epoch mean.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 3, callbacks: [progressBar()] });
 * await cycle.fit(mnist, fashion, { epochs: 2, callbacks: [progressBar()] }); // G+F, D_X, D_Y
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): TrainingCallback {
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
  let formats: NamedLogFormat[] = [];
  let losses: NamedLogFormat[] = [];
  const recent: number[][] = [];
  const valueOf = (logs: TrainingLogs, name: string): number => (logs as unknown as Record<string, number>)[name];

  const line = (epoch: number, step: number): string => {
    const done = step - firstStep;
    const elapsed = (Date.now() - started) / 1000;
    const perStep = done > 0 ? elapsed / done : NaN;
    const inEpoch = ((step - 1) % stepsPerEpoch) + 1;
    const width = 20;
    const filled = Math.round((inEpoch / stepsPerEpoch) * width);
    const means = losses
      .map((f, i) => `${f.label} ${(recent.reduce((a, r) => a + r[i], 0) / recent.length).toFixed(f.digits)}`)
      .join(' ');
    return (
      `epoch ${epoch + 1}/${epochs} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${inEpoch}/${stepsPerEpoch}` +
      `  ETA ${formatDuration(perStep * (totalSteps - done))}  ${(perStep * 1000).toFixed(0)} ms/step  ${means}`
    );
  };

  return {
    onTrainBegin(info) {
      epochs = info.epochs;
      stepsPerEpoch = info.stepsPerEpoch;
      const { state } = info.model;
      firstStep = state.step;
      totalSteps = Math.max(0, info.epochs - info.initialEpoch) * info.stepsPerEpoch - (state.progress?.steps ?? 0);
      formats = logFormats(info.model);
      losses = formats.filter((f) => f.loss);
      started = Date.now();
      recent.length = 0;
    },
    onBatchEnd(logs) {
      recent.push(losses.map((f) => valueOf(logs, f.name)));
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
      const values = formats.map((f) => `${f.label} ${valueOf(logs, f.name).toFixed(f.digits)}`).join(' ');
      stream.write(`epoch ${logs.epoch + 1}/${epochs}: ${values}  ${formatDuration(logs.seconds)}\n`);
    },
    onTrainEnd() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
