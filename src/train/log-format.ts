/**
 * How a model's logged values are shown: the short label of a progress line, the CSV column,
 * the digits, and whether the value is a loss that progress lines and charts follow.
 *
 * @packageDocumentation
 */

/** How one logged value is shown by the shared callbacks (progress bar, loss log, loss chart). */
export interface LogFormat {
  /** Short label in progress lines (e.g. `D`, `G`, `D_X`). */
  label: string;
  /** Column name in the loss log's CSV (e.g. `d_loss`). */
  column: string;
  /** Digits after the point in progress lines (default 3). */
  digits?: number;
  /** A loss that the progress bar's running means and the loss chart follow (default: the model's `lossNets`). */
  loss?: boolean;
}

/** A logged value's name with its format, as {@link logFormats} lists them. */
export interface NamedLogFormat extends Required<LogFormat> {
  /** The name in the logs (e.g. `dLoss`). */
  name: string;
}

/** What {@link logFormats} reads of a model. */
export interface FormattedModel {
  /** Names of the values each step logs, in order. */
  readonly logNames: readonly string[];
  /** The logged losses, with the nets they train. */
  readonly lossNets?: Readonly<Record<string, string>>;
  /** How each logged value is shown; the defaults are the name, its snake_case column and 3 digits. */
  readonly logFormat?: Readonly<Record<string, LogFormat>>;
}

/** `camelCase` → `camel_case`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/** The model's logged values in order, each with its format (defaults filled in). */
export function logFormats(model: FormattedModel): NamedLogFormat[] {
  return model.logNames.map((name) => {
    const f = model.logFormat?.[name];
    return {
      name,
      label: f?.label ?? name,
      column: f?.column ?? snakeCase(name),
      digits: f?.digits ?? 3,
      loss: f?.loss ?? model.lossNets?.[name] !== undefined,
    };
  });
}

/** The GAN's four logged values (see `StepLogs`): the CSV columns of every loss log so far. */
export const GAN_LOG_FORMAT: Readonly<Record<string, LogFormat>> = {
  dLoss: { label: 'D', column: 'd_loss', loss: true },
  gLoss: { label: 'G', column: 'g_loss', loss: true },
  dRealMean: { label: 'D(x)', column: 'd_real', digits: 2, loss: false },
  dFakeMean: { label: 'D(G(z))', column: 'd_fake', digits: 2, loss: false },
};
