/**
 * The per-step losses as a CSV file, kept across resumed runs.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/file-system';
import { saveLossPlot } from '../image/png';
import type { EpochLogs, StepLogs } from '../train/callbacks';
import type { TrainerCallback } from '../train/trainer';

/** The CSV header {@link lossLog} writes (followed by one column per metric when callbacks add {@link EpochLogs.metrics}). */
export const LOSS_LOG_HEADER = 'epoch,step,d_loss,g_loss,d_real,d_fake';

/** Options of {@link lossLog}. */
export interface LossLogOptions {
  /** The CSV file (its folder is created if missing). */
  file: string;
  /** Also draw the losses as a PNG chart here, with the equilibrium lines (see {@link lossPlotImage}). */
  plot?: string;
}

/** One row of a loss log: a step's logs, plus the epoch's metrics on the last step of an epoch that has them. */
export interface LossLogRow extends StepLogs {
  /** The metrics of the epoch this step ended (see {@link EpochLogs.metrics}); absent on other rows. */
  metrics?: Record<string, number>;
}

const BASE_COLUMNS = LOSS_LOG_HEADER.split(',').length;

/** A metric name as a CSV column name: no separators or quotes. */
function columnName(key: string): string {
  return key.replace(/[,"\r\n]/g, '_');
}

/**
 * Parses a CSV written by {@link lossLog}; rows that do not parse are skipped. Files with metric
 * columns after the six standard ones (see {@link EpochLogs.metrics}) give those rows a `metrics`
 * record with the non-empty cells; files without them (older logs) parse as before.
 */
export function parseLossLog(text: string): LossLogRow[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(',');
  const metricNames = header.slice(0, BASE_COLUMNS).join(',') === LOSS_LOG_HEADER ? header.slice(BASE_COLUMNS) : [];
  const rows: LossLogRow[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(',');
    if (cells.length !== BASE_COLUMNS && cells.length !== BASE_COLUMNS + metricNames.length) continue;
    const base = cells.slice(0, BASE_COLUMNS).map(Number);
    if (base.some((c) => !Number.isFinite(c))) continue;
    const [epoch, step, dLoss, gLoss, dRealMean, dFakeMean] = base;
    const row: LossLogRow = { epoch, step, dLoss, gLoss, dRealMean, dFakeMean };
    cells.slice(BASE_COLUMNS).forEach((cell, i) => {
      const value = Number(cell);
      if (cell === '' || (Number.isNaN(value) && cell !== 'NaN')) return;
      row.metrics = { ...row.metrics, [metricNames[i]]: value };
    });
    rows.push(row);
  }
  return rows;
}

/** A row being logged: the step's logs and, on an epoch's last step, that epoch's logs (whose metrics later callbacks may still add). */
interface PendingRow {
  row: LossLogRow;
  epochLogs?: EpochLogs;
}

function rowMetrics(r: PendingRow): Record<string, number> | undefined {
  return r.epochLogs?.metrics ?? r.row.metrics;
}

/** The CSV text of `rows`: the standard columns, then one per metric name seen, in order of appearance. */
function formatLossLog(rows: readonly PendingRow[]): string {
  const names: string[] = [];
  for (const r of rows) for (const key of Object.keys(rowMetrics(r) ?? {})) if (!names.includes(key)) names.push(key);
  const header = [LOSS_LOG_HEADER, ...names.map(columnName)].join(',');
  const lines = rows.map((r) => {
    const { epoch, step, dLoss, gLoss, dRealMean, dFakeMean } = r.row;
    const metrics = rowMetrics(r);
    return [
      epoch,
      step,
      dLoss,
      gLoss,
      dRealMean,
      dFakeMean,
      ...names.map((n) => (metrics?.[n] === undefined ? '' : String(metrics[n]))),
    ].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

/**
 * A callback that logs every step's losses and D's mean outputs to a CSV file
 * (`epoch,step,d_loss,g_loss,d_real,d_fake`), rewritten atomically after every epoch and at the
 * end. When a resumed run starts at step s, the file's rows up to step s are kept, so the log
 * of an interrupted and resumed run reads as one run. With `plot`, a chart of the losses is
 * redrawn each time too.
 *
 * When callbacks add {@link EpochLogs.metrics} (e.g. {@link evaluation}), each metric becomes a
 * further column, filled on the last step of each epoch that has it and empty elsewhere. Put such
 * callbacks before `lossLog` so that an epoch's metrics are written with that epoch; placed after
 * it, they are written at the next rewrite (the next epoch's end, or the end of training).
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 3, callbacks: [lossLog({ file: 'out/losses.csv' })] });
 * ```
 */
export function lossLog(options: LossLogOptions): TrainerCallback {
  const rows: PendingRow[] = [];
  const flush = async (): Promise<void> => {
    await fs.mkdir(path.dirname(path.resolve(options.file)), { recursive: true });
    await writeFileAtomic(options.file, formatLossLog(rows));
    if (options.plot !== undefined)
      await saveLossPlot(
        options.plot,
        rows.map((r) => r.row),
      );
  };
  return {
    async onTrainBegin(info) {
      rows.length = 0;
      if (info.model.state.step === 0) return;
      try {
        const earlier = parseLossLog(await fs.readFile(options.file, 'utf8')).filter(
          (r) => r.step <= info.model.state.step,
        );
        rows.push(...earlier.map((row) => ({ row })));
      } catch {
        // no earlier log: start a new one
      }
    },
    onBatchEnd(logs) {
      rows.push({ row: { ...logs } });
    },
    async onEpochEnd(logs) {
      // The epoch's last step; its metrics are read when the file is written, so callbacks that
      // run after this one still reach the CSV (at the next rewrite).
      for (let i = rows.length - 1; i >= 0; i--) {
        if (rows[i].row.step === logs.step) {
          rows[i].epochLogs = logs;
          break;
        }
      }
      await flush();
    },
    onTrainEnd: flush,
  };
}
