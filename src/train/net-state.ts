/**
 * One net's part of a checkpoint: its model folder and its optimizer's state, written with a NaN
 * guard and read back with a shape check. Shared by GAN and CycleGAN checkpoints.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { fileSystemHandler, writeFileAtomic } from '../io/file-system';
import { readAdamPowers, writeAdamPowers, type AdamPowers } from './adam-powers';

/** The name of the first weight holding NaN or ±Infinity, or `null`. */
function nonFiniteWeight(weights: Array<{ name: string; tensor: tf.Tensor }>): string | null {
  for (const { name, tensor } of weights) {
    const values = tensor.dataSync();
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return name;
  }
  return null;
}

/** One named value of an optimizer's state (what `tf.Optimizer.getWeights` gives and `setWeights` takes). */
export interface NamedWeight {
  /** The value's name. */
  name: string;
  /** Its value. */
  tensor: tf.Tensor;
}

/** What {@link saveNetState} records in the state file for one net. */
export interface SavedNetState {
  /** The optimizer state's weight specs (its values are in `optimizer-<name>.bin`). */
  specs: tf.io.WeightsManifestEntry[];
  /** Adam's running powers, when the optimizer is a started Adam. */
  powers: AdamPowers | null;
}

/**
 * Writes `model` into `tmp/<name>/` and `optimizer`'s state into `tmp/optimizer-<name>.bin`,
 * refusing (with a {@link CheckpointError} on `target`) when a weight or optimizer value is not
 * finite, so a diverged net never replaces a good checkpoint.
 */
export async function saveNetState(
  tmp: string,
  target: string,
  step: number,
  name: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
): Promise<SavedNetState> {
  const refuse = (what: string): never => {
    throw new CheckpointError(
      target,
      `refusing to save step ${step}: the ${name}'s ${what} holds NaN or Infinity (training diverged; the last good checkpoint is kept)`,
    );
  };
  const bad = nonFiniteWeight(model.weights.map((w) => ({ name: w.name, tensor: w.read() })));
  if (bad !== null) refuse(`weight '${bad}'`);
  await model.save(fileSystemHandler(path.join(tmp, name)));
  const powers = readAdamPowers(optimizer);
  const weights = await optimizer.getWeights();
  try {
    const badState = nonFiniteWeight(weights);
    if (badState !== null) refuse(`optimizer value '${badState}'`);
    const { data, specs } = await tf.io.encodeWeights(weights);
    await writeFileAtomic(
      path.join(tmp, `optimizer-${name}.bin`),
      new Uint8Array(tf.io.CompositeArrayBuffer.join(data)),
    );
    return { specs, powers };
  } finally {
    // getWeights() makes a fresh tensor for the iteration count; the rest are the optimizer's variables.
    for (const { tensor } of weights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
}

/** Checks that an Adam state (the step count, then first and second moments) fits `variables`. */
function checkOptimizerSpecs(specs: tf.io.WeightsManifestEntry[], variables: tf.Variable[], file: string): void {
  const n = variables.length;
  if (specs.length === 1) return; // saved before the first update: only the step count
  if (specs.length !== 2 * n + 1) {
    throw new CheckpointError(
      file,
      `holds ${specs.length} optimizer values; expected ${2 * n + 1} (the step count, then two Adam moments for each of the ${n} trainable weights)`,
    );
  }
  for (let i = 0; i < 2 * n; i++) {
    const expected = variables[i % n].shape;
    const got = specs[i + 1].shape;
    if (got.length !== expected.length || got.some((d, k) => d !== expected[k])) {
      throw new CheckpointError(
        file,
        `optimizer value '${specs[i + 1].name}' has shape [${got}]; the model's weight needs [${expected}]`,
      );
    }
  }
}

/** Reads a checkpoint file whole, as an ArrayBuffer; a read failure is a {@link CheckpointError} naming `what`. */
export async function readCheckpointBytes(file: string, what: string): Promise<ArrayBuffer> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new CheckpointError(file, `cannot read the ${what} (${(error as Error).message})`);
  }
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Reads the optimizer state saved by {@link saveNetState} for the net `name` of the checkpoint
 * `root`, after checking it fits `model`'s trainable weights and its file's length. The caller
 * owns the tensors (see {@link replaceOptimizerState}).
 * @throws {@link CheckpointError} naming `optimizer-<name>.bin`.
 */
export async function readOptimizerState(
  root: string,
  name: string,
  model: tfl.LayersModel,
  specs: tf.io.WeightsManifestEntry[],
): Promise<NamedWeight[]> {
  const file = path.join(root, `optimizer-${name}.bin`);
  checkOptimizerSpecs(
    specs,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
    file,
  );
  const bytes = await readCheckpointBytes(file, 'optimizer state');
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bytes.byteLength !== expected)
    throw new CheckpointError(file, `holds ${bytes.byteLength} bytes; its specs describe ${expected}`);
  const named = tf.io.decodeWeights(bytes, specs);
  return specs.map((s) => ({ name: s.name, tensor: named[s.name] }));
}

/**
 * Gives `optimizer` the state `weights` (the step count, then Adam's moments; read with
 * {@link readOptimizerState}) and, when given, Adam's running powers. The optimizer's previous
 * moments are freed (`setWeights` alone would leave them behind); `weights` stay the caller's.
 */
export async function replaceOptimizerState(
  optimizer: tf.Optimizer,
  weights: NamedWeight[],
  powers: AdamPowers | undefined,
): Promise<void> {
  const previous = await optimizer.getWeights();
  await optimizer.setWeights(weights);
  tf.dispose(previous.map((w) => w.tensor));
  if (powers !== undefined) writeAdamPowers(optimizer, powers);
}

/**
 * Puts the optimizer state saved by {@link saveNetState} back into `optimizer`, after checking it
 * fits `model`'s trainable weights and its file's length.
 */
export async function restoreOptimizerState(
  root: string,
  name: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  specs: tf.io.WeightsManifestEntry[],
  powers: AdamPowers | undefined,
): Promise<void> {
  const weights = await readOptimizerState(root, name, model, specs);
  try {
    await replaceOptimizerState(optimizer, weights, powers);
  } finally {
    tf.dispose(weights.map((w) => w.tensor));
  }
}

/**
 * Reads the weights of the net saved in the folder `dir` (`model.json` + `weights.bin`) in the
 * order of `model.weights`, after checking that they are as many and of the same shapes: what
 * puts a checkpoint's weights into a net that already exists. The caller owns the tensors.
 * @throws {@link CheckpointError} naming the file that does not fit (`label` names the net).
 */
export async function readNetWeights(dir: string, model: tfl.LayersModel, label: string): Promise<tf.Tensor[]> {
  // The folder handler's load reads `dir` only (no `this`): called on its own, it is never absent.
  const load = fileSystemHandler(dir).load as () => Promise<tf.io.ModelArtifacts>;
  const artifacts = await load();
  const file = path.join(dir, 'model.json');
  const specs = artifacts.weightSpecs ?? [];
  const weights = model.weights;
  if (specs.length !== weights.length)
    throw new CheckpointError(file, `holds ${specs.length} weights; the ${label} has ${weights.length}`);
  specs.forEach((spec, i) => {
    const need = weights[i].shape;
    if (spec.dtype !== weights[i].dtype || spec.shape.join() !== need.join())
      throw new CheckpointError(
        file,
        `weight '${spec.name}' is ${spec.dtype} [${spec.shape}]; the ${label}'s weight ${i} needs ${weights[i].dtype} [${need}]`,
      );
  });
  if (new Set(specs.map((s) => s.name)).size !== specs.length) throw new CheckpointError(file, 'names a weight twice');
  const named = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, specs);
  return specs.map((s) => named[s.name]);
}
