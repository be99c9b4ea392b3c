/**
 * The per-step losses as a CSV file, kept across resumed runs.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/file-system';
import { checkPngTarget, saveLossPlot } from '../image/png';
import { checkReplaceableFile } from '../io/output-path';
import type { StepLogs, TrainingCallback, TrainingEpochLogs, TrainingLogs } from '../train/callbacks';
import { GAN_LOG_FORMAT, logFormats, type FormattedModel, type NamedLogFormat } from '../train/log-format';

/** The CSV header {@link callbacks.lossLog} writes for a GAN (followed by one column per metric when callbacks add {@link EpochLogs.metrics}). */
export const LOSS_LOG_HEADER = 'epoch,step,d_loss,g_loss,d_real,d_fake';

/** Options of {@link callbacks.lossLog}. */
export interface LossLogOptions {
  /**
   * The CSV file (its folder is created if missing). An existing file is kept and extended only
   * when it is a loss log of the same model's columns; anything else is refused when training
   * begins (an {@link OutputPathError}).
   */
  file: string;
  /** Also draw the losses as a PNG chart here, with the equilibrium lines (see {@link pictures.lossPlotImage}). */
  plot?: string;
}

/** One row of a GAN's loss log: a step's logs, plus the epoch's metrics on the last step of an epoch that has them. */
export interface LossLogRow extends StepLogs {
  /** The metrics of the epoch this step ended (see {@link EpochLogs.metrics}); absent on other rows. */
  metrics?: Record<string, number>;
}

/** A row of any model's log: epoch, step and the logged values by name. */
type LogRow = Record<string, number> & { metrics?: Record<string, number> };

/** A metric name as a CSV column name: no separators or quotes. */
function columnName(key: string): string {
  return key.replace(/[,"\r\n]/g, '_');
}

/**
 * Parses a CSV written by {@link callbacks.lossLog}; rows that do not parse are skipped. The value columns
 * are read by `format` (the model's logged values; default a GAN's, whose rows are
 * {@link LossLogRow}s). Columns after them are metrics (see {@link EpochLogs.metrics}): those
 * rows get a `metrics` record with the non-empty cells. A file whose header does not start with
 * the model's columns gives no rows.
 */
export function parseLossLog(text: string, format: FormattedModel = GAN_MODEL): LossLogRow[] {
  const formats = logFormats(format);
  const base = ['epoch', 'step', ...formats.map((f) => f.column)];
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(',');
  if (header.slice(0, base.length).join(',') !== base.join(',')) return [];
  const metricNames = header.slice(base.length);
  const rows: LogRow[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(',');
    if (cells.length !== base.length && cells.length !== base.length + metricNames.length) continue;
    const values = cells.slice(0, base.length).map(Number);
    if (values.some((c) => !Number.isFinite(c))) continue;
    const row: LogRow = { epoch: values[0], step: values[1] };
    formats.forEach((f, i) => {
      row[f.name] = values[i + 2];
    });
    cells.slice(base.length).forEach((cell, i) => {
      const value = Number(cell);
      if (cell === '' || (Number.isNaN(value) && cell !== 'NaN')) return;
      row.metrics = { ...row.metrics, [metricNames[i]]: value };
    });
    rows.push(row);
  }
  return rows as unknown as LossLogRow[];
}

/** A GAN as {@link parseLossLog}'s default format. */
const GAN_MODEL: FormattedModel = { logNames: Object.keys(GAN_LOG_FORMAT), logFormat: GAN_LOG_FORMAT };

/** A row being logged: the step's logs and, on an epoch's last step, that epoch's logs (whose metrics later callbacks may still add). */
interface PendingRow {
  row: LogRow;
  epochLogs?: TrainingEpochLogs;
}

function rowMetrics(r: PendingRow): Record<string, number> | undefined {
  return r.epochLogs?.metrics ?? r.row.metrics;
}

/** The CSV text of `rows`: epoch, step, the model's columns, then one per metric name seen, in order of appearance. */
function formatLossLog(rows: readonly PendingRow[], formats: readonly NamedLogFormat[]): string {
  const names: string[] = [];
  for (const r of rows) for (const key of Object.keys(rowMetrics(r) ?? {})) if (!names.includes(key)) names.push(key);
  const header = ['epoch', 'step', ...formats.map((f) => f.column), ...names.map(columnName)].join(',');
  const lines = rows.map((r) => {
    const metrics = rowMetrics(r);
    return [
      r.row.epoch,
      r.row.step,
      ...formats.map((f) => r.row[f.name]),
      ...names.map((n) => (metrics?.[n] === undefined ? '' : String(metrics[n]))),
    ].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

/**
 * A callback that logs every step's values to a CSV file, one column per logged value in the
 * model's order (a GAN's: `epoch,step,d_loss,g_loss,d_real,d_fake`; a CycleGAN's six losses),
 * rewritten atomically after every epoch and at the
 * end. When a resumed run starts at step s, the file's rows up to step s are kept, so the log
 * of an interrupted and resumed run reads as one run. With `plot`, a chart of the losses is
 * redrawn each time too.
 *
 * When callbacks add {@link EpochLogs.metrics} (e.g. {@link callbacks.evaluation}), each metric becomes a
 * further column, filled on the last step of each epoch that has it and empty elsewhere. Put such
 * callbacks before `lossLog` so that an epoch's metrics are written with that epoch; placed after
 * it, they are written at the next rewrite (the next epoch's end, or the end of training).
 *
 * @example
 * ```ts
 * await gan.fit(data, { epochs: 3, callbacks: [lossLog({ file: 'out/losses.csv' })] });
 * ```
 */
export function lossLog(options: LossLogOptions): TrainingCallback {
  const rows: PendingRow[] = [];
  let formats: NamedLogFormat[] = [];
  // False until the output paths were checked: a run refused at its start writes nothing.
  let checked = false;
  const flush = async (): Promise<void> => {
    if (!checked) return;
    await fs.mkdir(path.dirname(path.resolve(options.file)), { recursive: true });
    await writeFileAtomic(options.file, formatLossLog(rows, formats));
    if (options.plot !== undefined) {
      const series = formats.filter((f) => f.loss).map((f) => ({ name: f.name, label: f.label }));
      await saveLossPlot(
        options.plot,
        rows.map((r) => r.row as unknown as TrainingLogs),
        { series },
      );
    }
  };
  return {
    async onTrainBegin(info) {
      checked = false;
      rows.length = 0;
      formats = logFormats(info.model);
      // Before any training time is spent: only a loss log of this model's columns is replaced.
      const header = ['epoch', 'step', ...formats.map((f) => f.column)].join(',');
      await checkReplaceableFile(options.file, 'lossLog({ file })', `a gankit loss log (header ${header}…)`, (bytes) =>
        new TextDecoder().decode(bytes.subarray(0, 4096)).startsWith(header),
      );
      if (options.plot !== undefined) await checkPngTarget(options.plot, 'lossLog({ plot })');
      checked = true;
      if (info.model.state.step === 0) return;
      try {
        const text = await fs.readFile(options.file, 'utf8');
        const earlier = (parseLossLog(text, info.model) as unknown as LogRow[]).filter(
          (r) => r.step <= info.model.state.step,
        );
        rows.push(...earlier.map((row) => ({ row })));
      } catch {
        // no earlier log: start a new one
      }
    },
    onBatchEnd(logs) {
      rows.push({ row: { ...(logs as unknown as LogRow) } });
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
