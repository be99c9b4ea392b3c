/**
 * How scripts report a failure: one line for every gankit error (a bad flag, a refused path, a
 * checkpoint that does not load: the message says what to do), the stack only for anything
 * else, which is a bug to report.
 *
 * @packageDocumentation
 */
import { GankitError } from '../errors';

/**
 * The text a script prints for `error`: a {@link GankitError}'s message alone (one line,
 * prefixed with its class, e.g. `CheckpointError: out/x: …`), else the error's stack.
 *
 * @example
 * ```ts
 * main().catch((error) => {
 *   console.error(errorReport(error));
 *   process.exit(1);
 * });
 * ```
 */
export function errorReport(error: unknown): string {
  if (error instanceof GankitError) return `${error.name}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `a non-Error value was thrown: ${String(error)}`;
}
