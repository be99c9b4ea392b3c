/**
 * HDF5 files through `h5wasm`, a WebAssembly build of libhdf5 that installs from the npm registry
 * with no native build or download. `h5wasm` is an **optional peer dependency**: only the HDF5
 * loaders need it, so it is loaded on first use and a missing package is reported by name. This
 * file holds what the in-memory loader ({@link loadHdf5Images}) and the streamed source
 * ({@link openHdf5Images}) share: opening a file with clear errors, finding a dataset, reading
 * rows and labels.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DataFormatError, GankitError } from '../errors';

/** The part of h5wasm's API gankit uses (typed here: the package is optional). @internal */
export interface H5Metadata {
  type: number;
  size: number;
  signed: boolean;
  shape: number[] | null;
}
/** @internal */
export interface H5Entity {
  type?: string;
}
/** @internal */
export interface H5Dataset extends H5Entity {
  readonly metadata: H5Metadata;
  readonly shape: number[] | null;
  readonly dtype: unknown;
  readonly value: unknown;
  slice(ranges: Array<[] | [number, number]>): unknown;
}
/** @internal */
export interface H5Group extends H5Entity {
  keys(): string[];
  get(path: string): H5Entity | null;
}
/** @internal */
export interface H5File extends H5Group {
  file_id: bigint;
  close(): void;
}
/**
 * The h5wasm module (its Node build, `h5wasm/node`).
 *
 * @example
 * ```ts
 * const h5: H5wasmModule = await loadH5wasm();
 * const file = new h5.File('data.h5', 'r');
 * ```
 * @internal
 */
export interface H5wasmModule {
  ready: Promise<unknown>;
  File: new (filename: string, mode?: string) => H5File;
}

/** HDF5 type classes (H5T_class_t) as h5wasm reports them in `metadata.type`. */
export const H5T_INTEGER = 0;
export const H5T_FLOAT = 1;
const H5T_NAMES: Record<number, string> = {
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'variable-length',
  10: 'array',
};

/** Bytes read from the file per slice, so a large set does not need one wasm buffer as large as itself. */
export const SLICE_BYTES = 32 * 1024 * 1024;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \211HDF\r\n\032\n

export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The folder of an installed package, looked for from the working directory upwards (the user's project). */
function findPackageDir(name: string): string | null {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Imports an optional ESM-only package. A native `import()` first (how gankit's ESM and CommonJS
 * builds load it); where that cannot load ES modules (CommonJS sandboxes such as jest's) the
 * package's file is loaded with Node's own `require` (Node ≥ 20.19 loads ES modules that way).
 *
 * @example
 * ```ts
 * const h5 = await importOptionalEsm<H5wasmModule>('h5wasm/node', 'h5wasm', 'dist/node/hdf5_hl.js', 'loadHdf5Images');
 * ```
 * @throws {@link GankitError} naming the package and the install command when it is not installed.
 * @internal
 */
export async function importOptionalEsm<T>(
  specifier: string,
  packageName: string,
  fileInPackage: string,
  feature: string,
): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (first) {
    const dir = findPackageDir(packageName);
    if (dir === null) {
      throw new GankitError(
        `${feature} needs the package '${packageName}', an optional peer dependency of gankit: npm install ${packageName}`,
      );
    }
    const file = path.join(dir, fileInPackage);
    const builtin = (
      process as unknown as { getBuiltinModule?: (id: string) => typeof import('node:module') | undefined }
    ).getBuiltinModule?.('node:module');
    try {
      return (builtin?.createRequire ?? createRequire)(file)(file) as T;
    } catch (second) {
      throw new GankitError(
        `${feature}: the package '${packageName}' (${dir}) did not load: ${reason(first)}; ${reason(second)}`,
      );
    }
  }
}

let h5wasm: Promise<H5wasmModule> | null = null;

/**
 * Loads h5wasm's Node build once and waits for its WebAssembly to start.
 *
 * @example
 * ```ts
 * const h5 = await loadH5wasm(); // the same module on every call
 * ```
 * @internal
 */
export function loadH5wasm(): Promise<H5wasmModule> {
  if (h5wasm === null) {
    h5wasm = importOptionalEsm<H5wasmModule>('h5wasm/node', 'h5wasm', 'dist/node/hdf5_hl.js', 'loadHdf5Images').then(
      async (mod) => {
        await mod.ready;
        return mod;
      },
    );
    h5wasm.catch(() => {
      h5wasm = null; // a later call tries again (e.g. after `npm install h5wasm`)
    });
  }
  return h5wasm;
}

/** Checks for HDF5's signature where a superblock may start: offset 0, 512, 1024, 2048, … */
export async function checkSignature(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new DataFormatError(`cannot read the file: ${reason(error)}`, file);
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      const { bytesRead } = await handle.read(bytes, 0, 8, offset);
      if (bytesRead === 8 && SIGNATURE.every((b, i) => bytes[i] === b)) return;
    }
    throw new DataFormatError(`is not an HDF5 file (${size} bytes, no HDF5 signature at offset 0, 512, 1024, …)`, file);
  } finally {
    await handle.close();
  }
}

export function describeType(meta: H5Metadata): string {
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === H5T_FLOAT) return `float${meta.size * 8}`;
  return H5T_NAMES[meta.type] ?? `type class ${meta.type}`;
}

/**
 * The entity (dataset or group) at `entityPath`, with an error listing the file's top level when it is missing.
 *
 * @example
 * ```ts
 * const images = getEntity(root, 'img_align_celeba', 'celeba.h5', 'images');
 * ```
 * @internal
 */
export function getEntity(root: H5File, entityPath: string, file: string, role: string): H5Entity {
  const source = `${file}, dataset '${entityPath}'`;
  let entity: H5Entity | null;
  try {
    entity = root.get(entityPath);
  } catch (error) {
    throw new DataFormatError(`cannot be read (${reason(error)})`, source);
  }
  if (entity === null || entity === undefined) {
    const top = root.keys();
    throw new DataFormatError(
      `does not exist (the ${role} path; the file's top level holds ${top.length === 0 ? 'nothing' : top.map((k) => `'${k}'`).join(', ')})`,
      source,
    );
  }
  return entity;
}

export function getDataset(
  root: H5File,
  datasetPath: string,
  file: string,
  role: string,
): { dataset: H5Dataset; source: string } {
  const source = `${file}, dataset '${datasetPath}'`;
  const entity = getEntity(root, datasetPath, file, role);
  if (entity.type !== 'Dataset') {
    const inside =
      entity.type === 'Group'
        ? ` holding ${
            (entity as H5Group)
              .keys()
              .map((k) => `'${k}'`)
              .join(', ') || 'nothing'
          }`
        : '';
    throw new DataFormatError(`is a ${String(entity.type).toLowerCase()}${inside}, not a dataset`, source);
  }
  const dataset = entity as H5Dataset;
  const meta = dataset.metadata;
  if (meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) {
    throw new DataFormatError(`holds ${describeType(meta)} values; expected integers or floats`, source);
  }
  if (meta.type === H5T_FLOAT && meta.size !== 4 && meta.size !== 8) {
    throw new DataFormatError(`holds ${describeType(meta)} values; store float32, float64 or uint8`, source);
  }
  return { dataset, source };
}

/** Copies h5wasm's output (any typed array, bigint ones included) into `out` at `offset`. */
export function copyValues(
  values: unknown,
  out: Float32Array | Float64Array | Uint8Array,
  offset: number,
  expected: number,
  source: string,
): void {
  if (!ArrayBuffer.isView(values) || (values as unknown as ArrayLike<unknown>).length !== expected) {
    throw new DataFormatError(
      `returned ${ArrayBuffer.isView(values) ? (values as unknown as ArrayLike<unknown>).length : typeof values} values where ${expected} were expected`,
      source,
    );
  }
  const src = values as unknown as ArrayLike<number | bigint>;
  if (typeof src[0] === 'bigint') {
    for (let i = 0; i < expected; i++) out[offset + i] = Number(src[i]);
  } else {
    out.set(src as ArrayLike<number>, offset);
  }
}

/** Reads the first `count` rows (axis 0) of `dataset` into a new `Out` array, a slice at a time. */
export function readRows<Out extends Uint8Array | Float32Array | Float64Array>(
  dataset: H5Dataset,
  shape: number[],
  count: number,
  source: string,
  make: (length: number) => Out,
): Out {
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = make(count * rowSize);
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / Math.max(1, rowSize * dataset.metadata.size)));
  const rest = shape.slice(1).map((): [] => []);
  for (let start = 0; start < count; start += rowsPerSlice) {
    const end = Math.min(count, start + rowsPerSlice);
    let values: unknown;
    try {
      values = dataset.slice([[start, end], ...rest]);
    } catch (error) {
      throw new DataFormatError(`rows ${start}–${end} cannot be read (${reason(error)})`, source);
    }
    copyValues(values, out, start * rowSize, (end - start) * rowSize, source);
  }
  return out;
}

/**
 * Opens an HDF5 file read-only, after checking it exists and carries HDF5's signature.
 *
 * @example
 * ```ts
 * const root = await openHdf5File('data.h5'); // ... root.close();
 * ```
 * @throws {@link DataFormatError} naming the file; {@link GankitError} when h5wasm is missing.
 * @internal
 */
export async function openHdf5File(file: string): Promise<H5File> {
  const resolved = path.resolve(file);
  await checkSignature(resolved);
  const h5 = await loadH5wasm();
  let root: H5File;
  try {
    root = new h5.File(resolved, 'r');
  } catch (error) {
    throw new DataFormatError(`libhdf5 cannot open it (${reason(error)})`, file);
  }
  if (!(typeof root.file_id === 'bigint' && root.file_id >= 0n)) {
    throw new DataFormatError('libhdf5 cannot open it (a damaged or unsupported HDF5 file)', file);
  }
  return root;
}

/**
 * Reads a labels dataset (integers `[n]` or `[n, 1]`, one per image) for the first `count` of `n` images.
 *
 * @example
 * ```ts
 * const labels = readLabels(root, 'data.h5', 'labels', 'images', n, n, 10);
 * ```
 * @throws {@link DataFormatError} naming the file and dataset for a bad shape, count or value.
 * @internal
 */
export function readLabels(
  root: H5File,
  file: string,
  labelsPath: string,
  imagesPath: string,
  n: number,
  count: number,
  numClasses: number | undefined,
): Int32Array {
  const found = getDataset(root, labelsPath, file, 'labels');
  const labelSource = found.source;
  const ls = found.dataset.shape ?? [];
  if (!(ls.length === 1 || (ls.length === 2 && ls[1] === 1))) {
    throw new DataFormatError(
      `has shape [${ls.join(', ')}]; expected one class index per image, [n] or [n, 1]`,
      labelSource,
    );
  }
  if (ls[0] !== n)
    throw new DataFormatError(
      `has ${ls[0]} labels but '${imagesPath}' has ${n} images; expected one label per image`,
      labelSource,
    );
  const values = readRows(found.dataset, ls, count, labelSource, (length) => new Float64Array(length));
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
      throw new DataFormatError(`labels[${i}] is ${v}; expected a non-negative integer class index`, labelSource);
    if (numClasses !== undefined && v >= numClasses) {
      throw new DataFormatError(`labels[${i}] is ${v}; expected a class index in [0, ${numClasses})`, labelSource);
    }
    labels[i] = v;
  }
  return labels;
}
