/**
 * A training replica: what a worker needs to rebuild the main thread's trainer (models, loss,
 * optimizers with their state, trainer settings), and the worker's loop.
 *
 * @packageDocumentation
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DataBatch } from '../data/dataset';
import { GanConfigError } from '../errors';
import {
  auxiliaryConfig,
  auxiliaryFromConfig,
  isBuiltInAuxiliary,
  isBuiltInLoss,
  lossConfig,
  lossFromConfig,
  type LossConfig,
} from '../losses/registry';
import type { OutputActivation } from '../nets/common';
import { GanTrainer } from '../train/trainer';
import { SharedMemoryAllReduce } from './all-reduce';
import { SharedState, tensorFromShared, type SharedLayout } from './shared-state';

/** An optimizer as a worker rebuilds it: its registered class, config and state. @internal */
export interface OptimizerSpec {
  className: string;
  config: tf.serialization.ConfigDict;
  state: Array<{ name: string; shape: number[]; values: Float32Array }>;
}

/** What every worker of a session shares: the trainer as it stands (structured-cloneable). @internal */
export interface ReplicaTemplate {
  buffer: SharedArrayBuffer;
  layout: SharedLayout;
  backend: string;
  generator: tf.io.ModelArtifacts;
  discriminator: tf.io.ModelArtifacts;
  loss: LossConfig;
  /** The auxiliary task (ACGAN, InfoGAN), rebuilt from its config; `null` for none. */
  auxiliary: LossConfig | null;
  optimizers: { generator: OptimizerSpec; discriminator: OptimizerSpec };
  trainer: { latentDim: number; numClasses: number; outputActivation: OutputActivation; discriminatorSteps: number };
  imageShape: [number, number, number];
}

/** Everything a worker needs to become replica `replica`, with its own random stream. @internal */
export interface ReplicaSpec extends ReplicaTemplate {
  replica: number;
  seed: number;
}

async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return captured as unknown as tf.io.ModelArtifacts;
}

async function optimizerSpec(optimizer: tf.Optimizer): Promise<OptimizerSpec> {
  const className = (optimizer.constructor as unknown as { className: string }).className;
  const state = await optimizer.getWeights();
  const spec = {
    className,
    config: optimizer.getConfig(),
    state: state.map(({ name, tensor }) => ({
      name,
      shape: tensor.shape,
      values: Float32Array.from(tensor.dataSync() as Float32Array),
    })),
  };
  // getWeights() makes a fresh tensor for the iteration count; the rest are the optimizer's own variables.
  for (const { tensor } of state) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  return spec;
}

/** Describes `trainer` once per session, so that each worker can rebuild it. @internal */
export async function describeReplica(
  trainer: GanTrainer,
  shared: SharedState,
  backend: string,
): Promise<ReplicaTemplate> {
  const loss = lossConfig(trainer.loss);
  if (!isBuiltInLoss(loss)) {
    throw new GanConfigError(
      'workers',
      `data-parallel training rebuilds the loss in each worker and knows only the built-in losses; '${loss.name}' is user-written (train it with workers: 1)`,
    );
  }
  const auxiliary = trainer.auxiliary === null ? null : auxiliaryConfig(trainer.auxiliary);
  if (auxiliary !== null && !isBuiltInAuxiliary(auxiliary)) {
    throw new GanConfigError(
      'workers',
      `data-parallel training rebuilds the auxiliary task in each worker and knows only the built-in ones (acgan, infogan); '${auxiliary.name}' is user-written (train it with workers: 1)`,
    );
  }
  const [, h, w, c] = trainer.discriminator.inputs[0].shape as number[];
  return {
    buffer: shared.buffer,
    layout: shared.layout,
    backend,
    generator: await modelArtifacts(trainer.generator),
    discriminator: await modelArtifacts(trainer.discriminator),
    loss,
    auxiliary,
    optimizers: {
      generator: await optimizerSpec(trainer.generatorOptimizer),
      discriminator: await optimizerSpec(trainer.discriminatorOptimizer),
    },
    trainer: {
      latentDim: trainer.latentDim,
      numClasses: trainer.numClasses,
      outputActivation: trainer.outputActivation,
      discriminatorSteps: trainer.discriminatorSteps,
    },
    imageShape: [h, w, c],
  };
}

async function buildOptimizer(spec: OptimizerSpec): Promise<tf.Optimizer> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
  if (entry === undefined) throw new Error(`optimizer class '${spec.className}' is not registered in the worker`);
  const [cls, fromConfig] = entry;
  const optimizer = fromConfig(cls, spec.config) as unknown as tf.Optimizer;
  if (spec.state.length > 0) {
    await optimizer.setWeights(
      spec.state.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape, 'float32') })),
    );
  }
  return optimizer;
}

/** Rebuilds the trainer a {@link ReplicaSpec} describes (in a worker). @internal */
export async function buildReplica(spec: ReplicaSpec): Promise<{ trainer: GanTrainer; shared: SharedState }> {
  const shared = new SharedState(spec.layout, spec.buffer);
  const generator = await tfl.loadLayersModel(tf.io.fromMemory(spec.generator));
  const discriminator = await tfl.loadLayersModel(tf.io.fromMemory(spec.discriminator));
  const trainer = new GanTrainer({
    generator,
    discriminator,
    loss: lossFromConfig(spec.loss) as NonNullable<ReturnType<typeof lossFromConfig>>,
    auxiliary: spec.auxiliary === null ? undefined : (auxiliaryFromConfig(spec.auxiliary) ?? undefined),
    ...spec.trainer,
    seed: spec.seed,
    generatorOptimizer: await buildOptimizer(spec.optimizers.generator),
    discriminatorOptimizer: await buildOptimizer(spec.optimizers.discriminator),
  });
  trainer.setGradientReducer(new SharedMemoryAllReduce(shared, spec.replica));
  return { trainer, shared };
}

/** The step's real batches as replica `replica`'s share of them, read from shared memory. @internal */
export function sharedBatches(
  shared: SharedState,
  replica: number,
  imageShape: [number, number, number],
  conditional: boolean,
): DataBatch[] {
  const { discriminatorSteps: k, maxBatch } = shared.layout;
  const pixels = imageShape[0] * imageShape[1] * imageShape[2];
  const { start, count } = shared.share(shared.batchSize, replica);
  return Array.from({ length: k }, (_, i) => {
    const first = i * maxBatch + start;
    return {
      images: tensorFromShared(
        shared.images.subarray(first * pixels, (first + count) * pixels),
        [count, ...imageShape],
        'float32',
      ) as tf.Tensor4D,
      labels: conditional
        ? (tensorFromShared(shared.labels.subarray(first, first + count), [count], 'int32') as tf.Tensor1D)
        : null,
    };
  });
}

/**
 * A checksum of G's and D's trainable weights: equal on two replicas exactly when they hold the
 * same weights, barring a collision. (Batch-norm moving statistics are left out: each replica
 * keeps its own, from its share of the batches.) @internal
 */
export function weightsChecksum(trainer: GanTrainer): number {
  let sum = 0;
  for (const model of [trainer.generator, trainer.discriminator]) {
    for (const w of model.trainableWeights) {
      const values = w.read().dataSync();
      for (let i = 0; i < values.length; i++) sum += values[i] * ((i % 7) + 1);
    }
  }
  return Math.fround(sum);
}

/** The worker's loop: run a step whenever main says so, until it says stop. @internal */
export function serveReplica(trainer: GanTrainer, shared: SharedState, spec: ReplicaSpec): void {
  let seen = 0;
  for (;;) {
    const next = shared.waitCommand(seen);
    seen = next.seen;
    shared.throwIfFailed();
    if (next.command === 'stop') return;
    if (next.command === 'checksum') {
      shared.stats[4 * spec.replica] = weightsChecksum(trainer);
      shared.barrier();
      continue;
    }
    const batches = sharedBatches(shared, spec.replica, spec.imageShape, spec.trainer.numClasses > 0);
    try {
      const stats = trainer.trainStep(batches);
      shared.stats.set(stats.dataSync(), 4 * spec.replica);
      stats.dispose();
    } finally {
      for (const b of batches) tf.dispose([b.images, b.labels ?? []]);
    }
    shared.barrier();
  }
}
