/**
 * The per-step losses as a CSV file, kept across resumed runs.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/file-system';
import { saveLossPlot } from '../image/loss-plot';
import type { StepLogs, TrainerCallback } from '../train/callbacks';

/** The CSV header {@link lossLog} writes. */
export const LOSS_LOG_HEADER = 'epoch,step,d_loss,g_loss,d_real,d_fake';

/** Options of {@link lossLog}. */
export interface LossLogOptions {
  /** The CSV file (its folder is created if missing). */
  file: string;
  /** Also draw the losses as a PNG chart here, with the equilibrium lines (see {@link lossPlotImage}). */
  plot?: string;
}

/** Parses a CSV written by {@link lossLog}; rows that do not parse are skipped. */
export function parseLossLog(text: string): StepLogs[] {
  const rows: StepLogs[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cells = line.split(',').map(Number);
    if (cells.length !== 6 || cells.some((c) => !Number.isFinite(c))) continue;
    const [epoch, step, dLoss, gLoss, dRealMean, dFakeMean] = cells;
    rows.push({ epoch, step, dLoss, gLoss, dRealMean, dFakeMean });
  }
  return rows;
}

/**
 * A callback that logs every step's losses and D's mean outputs to a CSV file
 * (`epoch,step,d_loss,g_loss,d_real,d_fake`), rewritten atomically after every epoch and at the
 * end. When a resumed run starts at step s, the file's rows up to step s are kept, so the log
 * of an interrupted and resumed run reads as one run. With `plot`, a chart of the losses is
 * redrawn each time too.
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 3, callbacks: [lossLog({ file: 'out/losses.csv' })] });
 * ```
 */
export function lossLog(options: LossLogOptions): TrainerCallback {
  const rows: StepLogs[] = [];
  const flush = async (): Promise<void> => {
    const text = [LOSS_LOG_HEADER, ...rows.map((r) => [r.epoch, r.step, r.dLoss, r.gLoss, r.dRealMean, r.dFakeMean].join(','))].join('\n') + '\n';
    await fs.mkdir(path.dirname(path.resolve(options.file)), { recursive: true });
    await writeFileAtomic(options.file, text);
    if (options.plot !== undefined) await saveLossPlot(options.plot, rows);
  };
  return {
    async onTrainBegin(info) {
      rows.length = 0;
      if (info.trainer.step === 0) return;
      try {
        rows.push(...parseLossLog(await fs.readFile(options.file, 'utf8')).filter((r) => r.step <= info.trainer.step));
      } catch {
        // no earlier log: start a new one
      }
    },
    onBatchEnd(logs) {
      rows.push({ ...logs });
    },
    onEpochEnd: flush,
    onTrainEnd: flush,
  };
}
