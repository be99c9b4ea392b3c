/**
 * How gankit's parts that are not layers (losses, auxiliary tasks) are saved into a checkpoint's
 * config and rebuilt from it: the pattern of tfjs-layers' own serialization. A class has a static
 * `className`, its instances a `getConfig()` returning plain JSON values, and a static
 * `fromConfig(config)` builds an equal instance; {@link registerSerializable} makes the class known
 * under its `className`. The built-in losses and tasks register themselves; a user-written class
 * registers the same way, and checkpoints of models that use it then load without further help.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';

/** What kind of part a registered class is: each kind has its own name space. */
export type SerializableKind = 'loss' | 'auxiliary-task';

/** An instance of a registered class: it describes itself in plain JSON values. */
export interface SerializableObject {
  /** The options this instance was built with: what `fromConfig` needs to build an equal one. */
  getConfig(): Record<string, unknown>;
}

/**
 * A class {@link registerSerializable} accepts: a unique `className` and a `fromConfig` that
 * inverts its instances' `getConfig()`.
 *
 * @example
 * ```ts
 * class MarginLoss extends GanLossBase {
 *   static readonly className = 'MarginLoss';
 *   constructor(readonly margin = 1) { super('margin'); }
 *   getConfig() { return { margin: this.margin }; }
 *   static fromConfig(config: Record<string, unknown>) { return new MarginLoss(config.margin as number); }
 *   // discriminatorLoss, generatorLoss …
 * }
 * registerSerializable('loss', MarginLoss);
 * ```
 */
export interface SerializableClass<T> {
  /** The name the class is saved and found under (unique within its kind). */
  readonly className: string;
  /** Builds an instance from what an instance's `getConfig()` returned. */
  fromConfig(config: Record<string, unknown>): T;
}

/** How a registered instance is stored: its class, the name it shows, and its config. */
export interface SerializedObject {
  /** The instance's own `name` (shown in logs), when it has one. */
  name?: string;
  /** The registered class name. */
  className: string;
  /** What the instance's `getConfig()` returned. */
  config: Record<string, unknown>;
}

/**
 * Thrown by a `fromConfig` that needs another registered class (a wrapped loss, say) that is not
 * registered: the part cannot be rebuilt, and the loader treats it as it treats an unregistered class.
 */
export class UnregisteredClassError extends GanConfigError {}

/**
 * A deep copy through JSON: configs are JSON by contract (they go into a checkpoint's state file),
 * and `structuredClone` is missing from some of the contexts the browser build runs in.
 */
function jsonCopy(config: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

const registries = new Map<SerializableKind, Map<string, SerializableClass<unknown>>>();

function registry(kind: SerializableKind): Map<string, SerializableClass<unknown>> {
  let classes = registries.get(kind);
  if (classes === undefined) {
    classes = new Map();
    registries.set(kind, classes);
  }
  return classes;
}

/**
 * Registers `cls` as a serializable `kind` under its `className`, so that models using its
 * instances save them as `{ className, config }` and load them back. Registering the same class
 * again is harmless.
 *
 * @example
 * ```ts
 * registerSerializable('loss', MarginLoss);
 * const gan = createGan({ loss: new MarginLoss(2) });
 * await gan.save('out/margin');
 * const again = await loadGan('out/margin'); // again.trainer.loss is a MarginLoss with margin 2
 * ```
 * @throws {@link GanConfigError} for a class without a `className` or `fromConfig`, or a
 * `className` another class of the same kind already has.
 */
export function registerSerializable<T>(kind: SerializableKind, cls: SerializableClass<T>): void {
  const name = (cls as { className?: unknown })?.className;
  if (typeof name !== 'string' || name === '')
    throw new GanConfigError('cls', 'expected a class with a static className (a non-empty string)');
  if (typeof (cls as { fromConfig?: unknown }).fromConfig !== 'function')
    throw new GanConfigError('cls', `the class '${name}' has no static fromConfig(config)`);
  const classes = registry(kind);
  const known = classes.get(name);
  if (known !== undefined && known !== cls)
    throw new GanConfigError(
      'cls',
      `another ${kind} class is already registered as '${name}'; give yours another className`,
    );
  classes.set(name, cls as SerializableClass<unknown>);
}

/**
 * The stored form of `object` when its class is registered as a `kind` (and the object has a
 * `getConfig()`), else `null`.
 * @internal
 */
export function serializeObject(kind: SerializableKind, object: unknown): SerializedObject | null {
  if (object === null || typeof object !== 'object') return null;
  const cls = (object as { constructor?: { className?: unknown } }).constructor;
  const className = cls?.className;
  if (typeof className !== 'string' || registry(kind).get(className) !== cls) return null;
  const getConfig = (object as Partial<SerializableObject>).getConfig;
  if (typeof getConfig !== 'function') return null;
  const name = (object as { name?: unknown }).name;
  return {
    ...(typeof name === 'string' ? { name } : {}),
    className,
    config: jsonCopy(getConfig.call(object)),
  };
}

/**
 * Whether `stored` is in the form {@link serializeObject} writes.
 * @internal
 */
export function isSerializedObject(stored: unknown): stored is SerializedObject {
  if (stored === null || typeof stored !== 'object') return false;
  const s = stored as Record<string, unknown>;
  return typeof s.className === 'string' && s.config !== null && typeof s.config === 'object';
}

/**
 * Rebuilds a stored `kind` instance, or returns `null` when no class is registered under its
 * `className` (the caller says what to do).
 * @internal
 */
export function deserializeObject<T>(kind: SerializableKind, stored: SerializedObject): T | null {
  const cls = registry(kind).get(stored.className);
  if (cls === undefined) return null;
  try {
    return cls.fromConfig(jsonCopy(stored.config)) as T;
  } catch (error) {
    if (error instanceof UnregisteredClassError) return null;
    throw error;
  }
}
