/**
 * The metrics as flat numbers (for CSV columns and JSON) and as text (one line, or a table).
 *
 * @packageDocumentation
 */
import type { GanMetrics } from './evaluate';
import type { SampleSetMetrics } from './sample-set-metrics';

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

/**
 * The vector-by-vector metrics against real features ({@link SampleSetMetrics}), in the order
 * tables show them; present in {@link metricsRecord} only when they were measured. `knn_coverage`
 * is Naeem et al.'s coverage, not the class coverage above it.
 */
export const SAMPLE_SET_COLUMNS: readonly MetricColumn[] = Object.freeze([
  { key: 'kid', title: 'kernel inception distance', short: 'KID', digits: 4, better: 'lower' },
  { key: 'kid_std', title: 'KID std over subsets', short: 'KIDsd', digits: 4, better: 'lower' },
  { key: 'precision', title: 'precision (k-NN)', short: 'P', digits: 3, better: 'higher' },
  { key: 'recall', title: 'recall (k-NN)', short: 'R', digits: 3, better: 'higher' },
  { key: 'density', title: 'density (k-NN)', short: 'D', digits: 3, better: 'closer to 1' },
  { key: 'knn_coverage', title: 'coverage (k-NN)', short: 'C', digits: 3, better: 'higher' },
  { key: 'class_precision', title: 'per-class precision (mean)', short: 'cP', digits: 3, better: 'higher' },
  { key: 'class_recall', title: 'per-class recall (mean)', short: 'cR', digits: 3, better: 'higher' },
  { key: 'class_density', title: 'per-class density (mean)', short: 'cD', digits: 3, better: 'closer to 1' },
  { key: 'class_knn_coverage', title: 'per-class coverage (mean)', short: 'cC', digits: 3, better: 'higher' },
] as MetricColumn[]);

/**
 * A {@link SampleSetMetrics} as flat numbers keyed by {@link SAMPLE_SET_COLUMNS}' keys (the
 * per-class keys only when measured).
 *
 * @example
 * ```ts
 * sampleSetRecord(metrics.sampleSet); // { kid: 0.012, kid_std: 0.001, precision: 0.71, ... }
 * ```
 */
export function sampleSetRecord(m: SampleSetMetrics): Record<string, number> {
  return {
    kid: m.kid,
    kid_std: m.kidStd,
    precision: m.precision,
    recall: m.recall,
    density: m.density,
    knn_coverage: m.coverage,
    ...(m.perClass === null
      ? {}
      : {
          class_precision: m.perClass.precision,
          class_recall: m.perClass.recall,
          class_density: m.perClass.density,
          class_knn_coverage: m.perClass.coverage,
        }),
  };
}

/** The metrics measured through the classifier alone, in the order tables show them. */
export const METRIC_COLUMNS: readonly MetricColumn[] = Object.freeze([
  { key: 'label_accuracy', title: 'label accuracy', short: 'acc', digits: 3, better: 'higher' },
  { key: 'coverage', title: 'class coverage (≥ 1%)', short: 'cov', digits: 0, better: 'higher' },
  { key: 'largest_share', title: 'largest class share', short: 'max', digits: 3, better: 'lower' },
  { key: 'entropy', title: 'class entropy (nats)', short: 'H', digits: 3, better: 'higher' },
  { key: 'diversity_ratio', title: 'within-class diversity / real', short: 'div', digits: 2, better: 'closer to 1' },
  { key: 'classifier_score', title: 'classifier score', short: 'CS', digits: 2, better: 'higher' },
  { key: 'fd', title: 'Fréchet distance', short: 'FD', digits: 2, better: 'lower' },
] as MetricColumn[]);

/** {@link METRIC_COLUMNS} then {@link SAMPLE_SET_COLUMNS}: every column one-line summaries and tables may show. */
export const ALL_METRIC_COLUMNS: readonly MetricColumn[] = Object.freeze([...METRIC_COLUMNS, ...SAMPLE_SET_COLUMNS]);

/**
 * The metrics as a flat record keyed by {@link METRIC_COLUMNS}' keys (`label_accuracy` is left
 * out when the samples had no labels, the class metrics when the net does not measure classes): what the evaluation callback puts in `EpochLogs.metrics`
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
  if (m !== null)
    Object.assign(record, {
      coverage: m.coverage,
      largest_share: m.largestClassShare,
      entropy: m.entropy,
      diversity_ratio: m.diversityRatio,
    });
  if (metrics.classifierScore !== null) record.classifier_score = metrics.classifierScore;
  record.fd = metrics.frechetDistance;
  if (metrics.sampleSet !== undefined) Object.assign(record, sampleSetRecord(metrics.sampleSet));
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
  return ALL_METRIC_COLUMNS.filter((c) => record[c.key] !== undefined)
    .map((c) => `${c.short} ${formatValue(record[c.key], c.digits)}`)
    .join('  ');
}

/**
 * A plain-text table with one row per metric and one column per named result (e.g. a GAN's
 * samples beside real training images), with a last column saying which way is better.
 *
 * @param columns - column title → metrics (a {@link GanMetrics} or a {@link metricsRecord}).
 * @param metricColumns - the rows that may be shown (default all; a row is left out when no column has it).
 *
 * @example
 * ```ts
 * console.log(formatMetricsTable({ samples: metrics, 'real train images': classifier.info.realTrainMetrics ?? {} }));
 * ```
 */
export function formatMetricsTable(
  columns: Record<string, GanMetrics | Record<string, number>>,
  metricColumns: readonly MetricColumn[] = ALL_METRIC_COLUMNS,
): string {
  const names = Object.keys(columns);
  const records = names.map((n) => {
    const m = columns[n];
    return 'modeCollapse' in m ? metricsRecord(m as GanMetrics) : (m as Record<string, number>);
  });
  const header = ['metric', ...names, 'better'];
  const rows = metricColumns
    .filter((c) => records.some((r) => r[c.key] !== undefined))
    .map((c) => [c.title, ...records.map((r) => formatValue(r[c.key], c.digits)), c.better]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
