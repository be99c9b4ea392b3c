/**
 * Typed errors thrown by gankit. Every error says which argument (or file, or step) was wrong
 * and what was expected, so a user can fix the call without reading the library's source.
 *
 * @packageDocumentation
 */

/** Base class of every error gankit throws on purpose. */
export class GankitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A configuration or call argument is invalid: a wrong image shape, a label outside
 * `[0, numClasses)`, a latent size that is not a positive integer, an empty dataset, ...
 */
export class GanConfigError extends GankitError {
  /** The name of the argument (or option path) that was wrong, e.g. `"labels[3]"` or `"latentDim"`. */
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.argument = argument;
  }
}

/** A data file or in-memory data array does not have the expected format (IDX header, length, NaN, ...). */
export class DataFormatError extends GankitError {
  /** The file (or data source) at fault, when there is one. */
  readonly source: string | undefined;
  constructor(message: string, source?: string) {
    super(source === undefined ? message : `${source}: ${message}`);
    this.source = source;
  }
}

/** A checkpoint could not be written, or a saved checkpoint could not be read back. */
export class CheckpointError extends GankitError {
  /** The checkpoint directory or file at fault. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** Training produced a NaN or infinite loss; the message names the step and the loss. */
export class TrainingDivergedError extends GankitError {
  /** Global step (number of generator updates done before this one) at which the loss diverged. */
  readonly step: number;
  /** Which loss was not finite: `"discriminator"` or `"generator"`. */
  readonly loss: 'discriminator' | 'generator';
  /** The value read back (NaN, Infinity or -Infinity). */
  readonly value: number;
  constructor(step: number, loss: 'discriminator' | 'generator', value: number) {
    super(
      `step ${step}: the ${loss} loss is ${value}; training diverged (lower the learning rate, check the data range, or try another loss)`,
    );
    this.step = step;
    this.loss = loss;
    this.value = value;
  }
}

/**
 * A feature that needs Node.js (its file system or worker threads) was called where gankit runs
 * without it: from the browser entry, in a web page. The message says what to use instead.
 *
 * @example
 * ```ts
 * try {
 *   await gan.save('ckpt'); // in a web page
 * } catch (error) {
 *   if (error instanceof NodeOnlyError) await gan.generator.save('indexeddb://my-generator');
 * }
 * ```
 */
export class NodeOnlyError extends GankitError {
  /** What was called, e.g. `"Gan.save"` or `"fit({ workers })"`. */
  readonly feature: string;
  constructor(feature: string, instead: string) {
    super(`${feature} needs Node.js (file system or worker threads) and is not in gankit's browser entry; ${instead}`);
    this.feature = feature;
  }
}

/**
 * An output path of a run (a sample grid, a loss log, a saved model) is not one gankit may write
 * to: a file where a folder is needed, or an existing file that gankit did not write. Nothing was
 * written; the message says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await gan.fit(data, { callbacks: [lossLog({ file: 'notes.txt' })] });
 * } catch (error) {
 *   if (error instanceof OutputPathError) console.error(`choose another file than ${error.path}`);
 * }
 * ```
 */
export class OutputPathError extends GankitError {
  /** The file or folder at fault. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/**
 * An operation was called on a model that is busy with another: `fit`, `save`, `restore` or
 * `dispose` while it trains, or `fit` while it saves. Two such operations at once would corrupt
 * the model's state or write a checkpoint that mixes two steps. Saving from a training callback
 * (e.g. {@link callbacks.checkpoints}) is allowed: the loop waits for it at a step boundary.
 *
 * @example
 * ```ts
 * const training = gan.fit(data, { epochs: 5 });
 * await gan.save('out/ckpt'); // ModelBusyError: await training first, or save from a callback
 * ```
 */
export class ModelBusyError extends GankitError {
  /** What was called, e.g. `"Gan.save"`. */
  readonly operation: string;
  /** What the model was busy with, e.g. `"fit"`. */
  readonly running: string;
  constructor(operation: string, running: string, instead: string) {
    super(`${operation}: the model is busy (${running} is running); ${instead}`);
    this.operation = operation;
    this.running = running;
  }
}

/** A model, dataset or other object was used after its `dispose()`. */
export class DisposedError extends GankitError {
  /** What was called, e.g. `"Gan.generate"`. */
  readonly operation: string;
  constructor(operation: string, what: string) {
    super(`${operation}: this ${what} was disposed; create or load a new one`);
    this.operation = operation;
  }
}
