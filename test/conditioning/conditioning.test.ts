import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { channelConcat } from '../../src/conditioning/channel-concat';
import { createCgan } from '../../src/models/gan/create';
import { mlpGenerator, mlpDiscriminator } from '../../src/nets/mlp';
import { GanTrainer } from '../../src/train/trainer';
import { nonSaturatingLoss } from '../../src/losses/non-saturating';
import { OneHot } from '../../src/layers/one-hot';
import { type Conditioning } from '../../src/conditioning/types';
import { randomDataset, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

/** Runs the conditioning's symbolic graph on concrete tensors. */
function evaluate(
  build: (a: SymbolicTensor, labels: SymbolicTensor) => SymbolicTensor,
  aShape: number[],
  a: tf.Tensor,
  labels: number[],
): tf.Tensor {
  const input = tfl.input({ shape: aShape });
  const labelInput = tfl.input({ shape: [1], dtype: 'int32' });
  const model = tfl.model({ inputs: [input, labelInput], outputs: build(input, labelInput) });
  const out = tf.tidy(() => model.predict([a, tf.tensor2d(labels, [labels.length, 1], 'int32')]) as tf.Tensor);
  model.dispose();
  return out;
}

const context = {
  nextSeed: (() => {
    let s = 1;
    return () => s++;
  })(),
};

describe('channelConcat', () => {
  test('G input is [z ; onehot(y)]', () => {
    const z = tf.tensor2d([
      [0.5, -1],
      [2, 3],
    ]);
    const out = evaluate((a, y) => channelConcat({ numClasses: 3 }).generatorInput(a, y, context), [2], z, [2, 0]);
    expect(Array.from(out.dataSync())).toEqual([0.5, -1, 0, 0, 1, 2, 3, 1, 0, 0]);
    tf.dispose([z, out]);
  });

  test('D input stacks one constant plane per class onto the image', () => {
    const image = tf.randomUniform([2, 3, 4, 1], -1, 1, 'float32', 3);
    const out = evaluate(
      (a, y) => channelConcat({ numClasses: 5 }).discriminatorInput(a, y, context),
      [3, 4, 1],
      image,
      [4, 1],
    );
    expect(out.shape).toEqual([2, 3, 4, 6]);
    const values = out.arraySync() as number[][][][];
    const img = image.arraySync() as number[][][][];
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 4; j++) {
          expect(values[n][i][j][0]).toBeCloseTo(img[n][i][j][0], 6);
          expect(values[n][i][j].slice(1)).toEqual([0, 1, 2, 3, 4].map((k) => (k === [4, 1][n] ? 1 : 0)));
        }
      }
    }
    tf.dispose([image, out]);
  });
});

describe('labelEmbedding', () => {
  test('G input is [z ; embed(y)]: same label, same embedding; width latent + dim', () => {
    const cond = labelEmbedding({ numClasses: 4, dim: 3 });
    const z = tf.zeros([3, 2]);
    const out = evaluate((a, y) => cond.generatorInput(a, y, context), [2], z, [1, 1, 3]);
    expect(out.shape).toEqual([3, 5]);
    const rows = out.arraySync() as number[][];
    expect(rows[0].slice(0, 2)).toEqual([0, 0]);
    expect(rows[0]).toEqual(rows[1]);
    expect(rows[0]).not.toEqual(rows[2]);
    tf.dispose([z, out]);
  });

  test('D input is [flatten(x) ; embed(y)]', () => {
    const cond = labelEmbedding({ numClasses: 4, dim: 3 });
    const image = tf.ones([2, 2, 2, 1]);
    const out = evaluate((a, y) => cond.discriminatorInput(a, y, context), [2, 2, 1], image, [0, 3]);
    expect(out.shape).toEqual([2, 4 + 3]);
    expect(Array.from(out.dataSync()).slice(0, 4)).toEqual([1, 1, 1, 1]);
    tf.dispose([image, out]);
  });

  test('the embedding is learned: a training step changes it', async () => {
    const cgan = createCgan({
      numClasses: 10,
      latentDim: 8,
      imageShape: [8, 8, 1],
      seed: 2,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16], dropout: 0 },
    });
    const table = (): number[] =>
      Array.from(
        cgan.generator.layers
          .find((l) => l.getClassName() === 'Embedding')!
          .getWeights()[0]
          .dataSync(),
      );
    const before = table();
    const data = randomDataset(40);
    await cgan.fit(data, { epochs: 1, batchSize: 20, stepsPerEpoch: 1 });
    expect(table()).not.toEqual(before);
    data.dispose();
    cgan.dispose();
  });
});

describe('a user-written conditioning strategy plugs in without library changes', () => {
  // Labels reach G as one-hot multiplied into z's width, and D as a learned per-class scalar gate.
  const scaledOneHot: Conditioning = {
    name: 'user-scaled-onehot',
    numClasses: 3,
    generatorInput(z, labels) {
      const oneHot = new OneHot({ numClasses: 3 }).apply(labels) as SymbolicTensor;
      const scaled = tfl.layers.dense({ units: 4, useBias: false }).apply(oneHot) as SymbolicTensor;
      return tfl.layers.concatenate().apply([z, scaled]) as SymbolicTensor;
    },
    discriminatorInput(image, labels) {
      const flat = tfl.layers.flatten().apply(image) as SymbolicTensor;
      const oneHot = new OneHot({ numClasses: 3 }).apply(labels) as SymbolicTensor;
      return tfl.layers.concatenate().apply([flat, oneHot]) as SymbolicTensor;
    },
  };

  test('in the net builders, the trainer, and createCgan', async () => {
    const g = mlpGenerator({
      latentDim: 6,
      imageShape: [4, 4, 1],
      hiddenUnits: [8],
      outputActivation: 'tanh',
      conditioning: scaledOneHot,
      seed: 1,
    });
    const d = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], conditioning: scaledOneHot, seed: 2 });
    expect(g.inputs.map((i) => i.name.split('_')[0])).toEqual(['z', 'labels']);
    const trainer = new GanTrainer({
      generator: g,
      discriminator: d,
      loss: nonSaturatingLoss(),
      numClasses: 3,
      seed: 3,
    });
    const data = randomDataset(30, 4, 3);
    const history = await trainer.fit(data, { epochs: 2, batchSize: 10 });
    expect(history).toHaveLength(2);
    expect(history.every((h) => Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss))).toBe(true);
    const images = trainer.generate({ labels: [0, 1, 2] });
    expect(images.shape).toEqual([3, 4, 4, 1]);
    images.dispose();

    const cgan = createCgan({
      conditioning: scaledOneHot,
      latentDim: 6,
      imageShape: [4, 4, 1],
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8], dropout: 0 },
      seed: 4,
    });
    expect(cgan.numClasses).toBe(3);
    expect(cgan.config.conditioning).toEqual({ name: 'user-scaled-onehot' });
    await cgan.fit(data, { epochs: 1, batchSize: 10 });
    expect(cgan.trainer.step).toBe(3);
    data.dispose();
    cgan.dispose();
  });
});

describe('OneHot planes', () => {
  test('planeShape spreads each label into constant planes and survives serialisation', () => {
    const layer = new OneHot({ numClasses: 4, planeShape: [2, 3] });
    const out = layer.apply(tf.tensor2d([[2], [0]], [2, 1], 'int32')) as tf.Tensor;
    expect(out.shape).toEqual([2, 2, 3, 4]);
    const values = out.arraySync() as number[][][][];
    for (const row of values[0]) for (const pixel of row) expect(pixel).toEqual([0, 0, 1, 0]);
    for (const row of values[1]) for (const pixel of row) expect(pixel).toEqual([1, 0, 0, 0]);
    out.dispose();
    const copy = OneHot.fromConfig(
      OneHot as unknown as tf.serialization.SerializableConstructor<OneHot>,
      layer.getConfig(),
    ) as OneHot;
    expect(copy.planeShape).toEqual([2, 3]);
    expect(copy.computeOutputShape([null, 1])).toEqual([null, 2, 3, 4]);
  });

  test('a bad planeShape is a GanConfigError naming it', () => {
    expect(() => new OneHot({ numClasses: 4, planeShape: [0, 3] })).toThrow(
      /planeShape: expected \[height, width\] of positive integers/,
    );
  });
});
