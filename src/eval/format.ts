/**
 * The metrics as flat numbers (for CSV columns and JSON) and as text (one line, or a table).
 *
 * @packageDocumentation
 */
import type { GanMetrics } from './evaluate';

/** One metric as the tables and CSV files show it. */
export interface MetricColumn {
  /** Key in {@link metricsRecord} and CSV column name. */
  key: string;
  /** Title in tables. */
  title: string;
  /** Short title in one-line summaries. */
  short: string;
  /** Decimal places shown. */
  digits: number;
  /** Which way is better. */
  better: 'higher' | 'lower' | 'closer to 1';
}

/** The metrics, in the order tables show them. */
export const METRIC_COLUMNS: readonly MetricColumn[] = Object.freeze([
  { key: 'label_accuracy', title: 'label accuracy', short: 'acc', digits: 3, better: 'higher' },
  { key: 'coverage', title: 'class coverage (≥ 1%)', short: 'cov', digits: 0, better: 'higher' },
  { key: 'largest_share', title: 'largest class share', short: 'max', digits: 3, better: 'lower' },
  { key: 'entropy', title: 'class entropy (nats)', short: 'H', digits: 3, better: 'higher' },
  { key: 'diversity_ratio', title: 'within-class diversity / real', short: 'div', digits: 2, better: 'closer to 1' },
  { key: 'classifier_score', title: 'classifier score', short: 'CS', digits: 2, better: 'higher' },
  { key: 'fd', title: 'Fréchet distance', short: 'FD', digits: 2, better: 'lower' },
] as MetricColumn[]);

/**
 * The metrics as a flat record keyed by {@link METRIC_COLUMNS}' keys (`label_accuracy` is left
 * out when the samples had no labels): what the evaluation callback puts in `EpochLogs.metrics`
 * and the loss log writes as CSV columns.
 *
 * @example
 * ```ts
 * metricsRecord(await evaluateGan(cgan)); // { label_accuracy: 0.93, coverage: 10, ..., fd: 4.1 }
 * ```
 */
export function metricsRecord(metrics: GanMetrics): Record<string, number> {
  const m = metrics.modeCollapse;
  const record: Record<string, number> = {};
  if (metrics.labelAccuracy !== null) record.label_accuracy = metrics.labelAccuracy;
  Object.assign(record, {
    coverage: m.coverage,
    largest_share: m.largestClassShare,
    entropy: m.entropy,
    diversity_ratio: m.diversityRatio,
    classifier_score: metrics.classifierScore,
    fd: metrics.frechetDistance,
  });
  return record;
}

function formatValue(value: number | undefined, digits: number): string {
  if (value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  return value.toFixed(digits);
}

/**
 * The metrics on one line, e.g. `acc 0.931  cov 10  max 0.112  H 2.298  div 0.91  CS 9.12  FD 3.87`.
 *
 * @example
 * ```ts
 * console.log(`epoch 3: ${formatMetricsLine(metrics)}`);
 * ```
 */
export function formatMetricsLine(metrics: GanMetrics | Record<string, number>): string {
  const record = 'modeCollapse' in metrics ? metricsRecord(metrics as GanMetrics) : (metrics as Record<string, number>);
  return METRIC_COLUMNS.filter((c) => record[c.key] !== undefined)
    .map((c) => `${c.short} ${formatValue(record[c.key], c.digits)}`)
    .join('  ');
}

/**
 * A plain-text table with one row per metric and one column per named result (e.g. a GAN's
 * samples beside real training images), with a last column saying which way is better.
 *
 * @param columns - column title → metrics (a {@link GanMetrics} or a {@link metricsRecord}).
 *
 * @example
 * ```ts
 * console.log(formatMetricsTable({ samples: metrics, 'real train images': classifier.info.realTrainMetrics ?? {} }));
 * ```
 */
export function formatMetricsTable(columns: Record<string, GanMetrics | Record<string, number>>): string {
  const names = Object.keys(columns);
  const records = names.map((n) => {
    const m = columns[n];
    return 'modeCollapse' in m ? metricsRecord(m as GanMetrics) : (m as Record<string, number>);
  });
  const header = ['metric', ...names, 'better'];
  const rows = METRIC_COLUMNS.filter((c) => records.some((r) => r[c.key] !== undefined)).map((c) => [
    c.title,
    ...records.map((r) => formatValue(r[c.key], c.digits)),
    c.better,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
