/**
 * The argument checks every part of gankit uses, so that a bad value is refused before work is
 * spent with one kind of message: the argument's name, what was expected, and what was given.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';

/** How a value is shown in a message: strings quoted, objects as (shortened) JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null || typeof value === 'function' || typeof value === 'symbol')
    return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function refuse(argument: string, expected: string, value: unknown): never {
  throw new GanConfigError(argument, `expected ${expected}, got ${describeValue(value)}`);
}

/** `value` if it is an integer ≥ 1; else a {@link GanConfigError} naming `argument`. */
export function checkPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    refuse(argument, 'a positive integer', value);
  return value;
}

/** `value` if it is an integer ≥ 0; else a {@link GanConfigError} naming `argument`. */
export function checkNonNegativeInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    refuse(argument, 'a non-negative integer', value);
  return value;
}

/** `value` if it is an integer ≥ `minimum`; else a {@link GanConfigError} naming `argument`. */
export function checkIntegerAtLeast(value: unknown, minimum: number, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum)
    refuse(argument, `an integer ≥ ${minimum}`, value);
  return value;
}

/** `value` if it is a finite number ≥ 0; else a {@link GanConfigError} naming `argument`. */
export function checkNonNegativeNumber(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    refuse(argument, 'a non-negative number', value);
  return value;
}

/**
 * `value` if it is a finite number in the interval given (`[` / `]` closed, `(` / `)` open);
 * else a {@link GanConfigError} naming `argument` and the interval.
 *
 * @example
 * ```ts
 * checkNumberIn(beta1, 'optimizer.beta1', '[', 0, 1, ')'); // 0 ≤ beta1 < 1
 * ```
 */
export function checkNumberIn(
  value: unknown,
  argument: string,
  open: '[' | '(',
  low: number,
  high: number,
  close: ']' | ')',
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (open === '[' ? value >= low : value > low) &&
    (close === ']' ? value <= high : value < high);
  if (!ok) refuse(argument, `a number in ${open}${low}, ${high === Infinity ? '∞' : high}${close}`, value);
  return value as number;
}

/** `value` if it is a non-negative safe integer (a seed); else a {@link GanConfigError} naming `argument`. */
export function checkSeed(value: unknown, argument = 'seed'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    refuse(argument, 'a non-negative integer seed', value);
  return value;
}

/** `value` if it is one of `choices`; else a {@link GanConfigError} listing them. */
export function checkOneOf<T extends string>(value: unknown, choices: readonly T[], argument: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value))
    refuse(argument, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

/** Edit distance (insertions, deletions, substitutions) between `a` and `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The name of `known` nearest to `name` (case-insensitive edit distance). */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

const warned = new Set<string>();

/**
 * Warns once (per call site and name) about each option of `options` that `known` does not
 * list, naming the nearest valid one: a typo such as `learningrate` is otherwise silently
 * ignored (JavaScript callers get no type check).
 *
 * @param options - The options object as given (anything else is left to the other checks).
 * @param known - Every valid option name.
 * @param where - The call, for the message, e.g. `createCgan(options)`.
 * @param warn - Where the warning goes (default `console.warn`).
 * @returns the unknown names.
 */
export function warnUnknownOptions(
  options: unknown,
  known: readonly string[],
  where: string,
  warn: (message: string) => void = (m) => console.warn(m),
): string[] {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return [];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  for (const name of unknown) {
    const key = `${where}\0${name}`;
    if (warned.has(key)) continue;
    warned.add(key);
    const nearest = nearestName(name, known);
    warn(
      `gankit: ${where}: unknown option '${name}' is ignored${nearest === undefined ? '' : ` (did you mean '${nearest}'?)`}`,
    );
  }
  return unknown;
}

/** `bytes` in the largest binary unit that keeps it ≥ 1, for messages (e.g. `3.1 GiB`). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) [bytes, i] = [bytes / 1024, i + 1];
  return `${i === 0 ? bytes : bytes.toFixed(1)} ${units[i]}`;
}

/** Checks that `labels` are integers in [0, numClasses) and returns them as an Int32Array. */
export function checkLabelValues(labels: ArrayLike<number>, numClasses: number, argument = 'labels'): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v))
      throw new GanConfigError(`${argument}[${i}]`, `expected an integer class index, got ${v}`);
    if (v < 0 || v >= numClasses)
      throw new GanConfigError(`${argument}[${i}]`, `expected a class index in [0, ${numClasses}), got ${v}`);
    out[i] = v;
  }
  return out;
}
