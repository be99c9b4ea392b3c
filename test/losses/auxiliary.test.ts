/**
 * Auxiliary tasks (issue 6): D with extra outputs and a loss on them, in the same trainer and
 * factories. ACGAN's class loss and InfoGAN's mutual-information loss against their formulas on
 * known logits; the multi-output discriminators; the trainer's wiring (the task's gradient
 * reaches D's weights in D's update and G's in G's update); checkpoints that rebuild the task and
 * resume bit for bit on cpu; data-parallel training; and short trainings on real MNIST that fail
 * when the task does not train: ACGAN's class head learns real digits, InfoGAN's Q recovers the
 * categorical code.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as path from 'node:path';
import { AcganTask, acganTask, softmaxCrossEntropy } from '../../src/losses/acgan';
import { GanConfigError } from '../../src/errors';
import { GanTrainer, type TrainerCallback } from '../../src/train/trainer';
import { ImageDataset } from '../../src/data/dataset';
import { InfoGanTask, infoGanTask } from '../../src/losses/infogan';
import { createAcgan, createInfoGan } from '../../src/models/gan/create-auxiliary';
import { createCgan } from '../../src/models/gan/create';
import { dcganDiscriminator } from '../../src/nets/dcgan';
import { hingeLoss } from '../../src/losses/hinge';
import { labelEmbedding } from '../../src/conditioning/label-embedding';
import { loadGan } from '../../src/models/gan/load';
import { loadMnist } from '../../src/data/mnist';
import { mlpDiscriminator, mlpGenerator } from '../../src/nets/mlp';
import { Rng } from '../../src/random';
import { wassersteinLoss } from '../../src/losses/wasserstein';
import { type AuxiliaryBatch, type AuxiliaryTask } from '../../src/losses/auxiliary';
import { type DataBatch } from '../../src/data/image-source';
import { type Gan } from '../../src/models/gan/gan';
import { type GanLoss } from '../../src/losses/types';
import { type StepLogs } from '../../src/train/callbacks';
import { auxiliaryConfig, auxiliaryFromConfig } from '../../src/losses/registry';
import { randomDataset, scalar, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('auxiliary');
beforeAll(async () => {
  expect(await useDefaultBackend()).toBe('wasm');
});

/** −log softmax(l)[y], by hand. */
const ce = (logits: number[], y: number): number => Math.log(logits.reduce((s, v) => s + Math.exp(v), 0)) - logits[y];
const batch = (outputs: tf.Tensor[], labels: number[] | null, codes: tf.Tensor | null = null): AuxiliaryBatch => ({
  outputs,
  labels: labels === null ? null : tf.tensor1d(labels, 'int32'),
  codes,
});

describe('the losses equal their formulas on known logits', () => {
  const REAL = [
    [2, 0, -1],
    [0.5, 1.5, 0],
  ];
  const FAKE = [
    [-1, 3, 0],
    [0, 0, 0],
  ];

  test('softmax cross-entropy: mean_i(logsumexp(l_i) − l_i[y_i])', () => {
    expect(scalar(softmaxCrossEntropy(tf.tensor2d(REAL), tf.tensor1d([0, 1], 'int32')))).toBeCloseTo(
      (ce(REAL[0], 0) + ce(REAL[1], 1)) / 2,
      6,
    );
    expect(scalar(softmaxCrossEntropy(tf.tensor2d([[2, 0, 0]]), tf.tensor2d([[0]], [1, 1], 'int32')))).toBeCloseTo(
      0.2395,
      4,
    ); // −log(e²/(e² + 2))
    // Finite for huge logits (through logSoftmax).
    expect(scalar(softmaxCrossEntropy(tf.tensor2d([[1000, -1000]]), tf.tensor1d([1], 'int32')))).toBeCloseTo(2000, 2);
  });

  test('ACGAN: L_D += w·(CE(c_real, y) + CE(c_fake, y_fake)), L_G += w_G·CE(c_fake, y_fake)', () => {
    const task = acganTask({ numClasses: 3, weight: 0.5, generatorWeight: 2 });
    const real = batch([tf.tensor2d(REAL)], [0, 1]);
    const fake = batch([tf.tensor2d(FAKE)], [2, 1]);
    const ceReal = (ce(REAL[0], 0) + ce(REAL[1], 1)) / 2;
    const ceFake = (ce(FAKE[0], 2) + ce(FAKE[1], 1)) / 2; // (3.1698 + 1.0986) / 2
    expect(scalar(task.discriminatorLoss(real, fake))).toBeCloseTo(0.5 * (ceReal + ceFake), 5);
    expect(scalar(task.generatorLoss(fake))).toBeCloseTo(2 * ceFake, 5);
    expect(acganTask().generatorWeight).toBe(1);
    expect(acganTask({ weight: 0.3 }).generatorWeight).toBe(0.3); // defaults to D's weight
    // Without a head or labels it says what is missing.
    expect(() => task.generatorLoss(batch([], [0]))).toThrow(/auxiliaryOutputs: numClasses/);
    expect(() => task.generatorLoss(batch([tf.tensor2d(FAKE)], null))).toThrow(/labels/);
    expect(() => acganTask({ numClasses: 1 })).toThrow(GanConfigError);
    expect(() => acganTask({ weight: -1 })).toThrow(/weight/);
  });

  test('InfoGAN (squared): L_I = λ·(CE(q_cat, k) + λ_c·mean_i ½‖u_i − ĉ_i‖²), the same for G and D, the real batch unused', () => {
    const task = infoGanTask({ categorical: 3, continuous: 2, weight: 0.7, continuousWeight: 0.5 });
    expect([task.codeDim, task.outputSize]).toEqual([5, 5]);
    // q = [cat logits (3) | means (2)]; codes = [one-hot (3) | u (2)]
    const q = [
      [2, 0, -1, 0.5, -0.2],
      [0, 1, 3, 0, 0.9],
    ];
    const codes = [
      [1, 0, 0, 0.3, -0.6],
      [0, 1, 0, -1, 1],
    ];
    const fake = batch([tf.tensor2d(q)], null, tf.tensor2d(codes));
    const catCe = (ce([2, 0, -1], 0) + ce([0, 1, 3], 1)) / 2;
    const sq = (0.5 * ((0.3 - 0.5) ** 2 + (-0.6 + 0.2) ** 2) + 0.5 * ((-1 - 0) ** 2 + (1 - 0.9) ** 2)) / 2;
    const expected = 0.7 * (catCe + 0.5 * sq);
    expect(scalar(task.generatorLoss(fake))).toBeCloseTo(expected, 5);
    const real = batch(
      [
        tf.tensor2d([
          [9, 9, 9, 9, 9],
          [9, 9, 9, 9, 9],
        ]),
      ],
      null,
    );
    expect(scalar(task.discriminatorLoss(real, fake))).toBeCloseTo(expected, 5);
  });

  test('InfoGAN (gaussian): ℓ = log σ + ½(u − ĉ)²/σ² + ½ log 2π, Q predicting [cat ; means ; log σ]', () => {
    const task = infoGanTask({ categorical: 0, continuous: 2, continuousLoss: 'gaussian' });
    expect([task.codeDim, task.outputSize]).toEqual([2, 4]);
    const q = [
      [0.5, -0.2, 0, Math.log(2)],
      [0, 0.9, -1, 0.5],
    ];
    const u = [
      [0.3, -0.6],
      [-1, 1],
    ];
    const nll = (x: number, mean: number, logSigma: number): number =>
      logSigma + (0.5 * (x - mean) ** 2) / Math.exp(2 * logSigma) + 0.5 * Math.log(2 * Math.PI);
    const expected = (nll(0.3, 0.5, 0) + nll(-0.6, -0.2, Math.log(2)) + nll(-1, 0, -1) + nll(1, 0.9, 0.5)) / 2;
    expect(scalar(task.generatorLoss(batch([tf.tensor2d(q)], null, tf.tensor2d(u))))).toBeCloseTo(expected, 5);
  });

  test('InfoGAN codes: one-hot categories and U(−1, 1) values, repeatable; chosen codes are encoded, the rest drawn the same way', () => {
    const task = infoGanTask({ categorical: 4, continuous: 3 });
    const a = task.sampleCodes(500, 7);
    const b = task.sampleCodes(500, 7);
    expect(a.shape).toEqual([500, 7]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const cat = tf.slice(a, [0, 0], [-1, 4]);
    expect(Array.from(tf.sum(cat, 1).dataSync()).every((v) => v === 1)).toBe(true);
    const counts = Array.from(tf.sum(cat, 0).dataSync());
    counts.forEach((c) => expect(c).toBeGreaterThan(80)); // every category drawn (500 / 4 each, on average)
    const cont = tf.slice(a, [0, 4], [-1, 3]).dataSync();
    expect(Math.min(...cont)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...cont)).toBeLessThan(1);
    const chosen = task.encodeCodes(
      {
        categorical: [3, 0],
        continuous: [
          [0.5, -2, 0],
          [1, 1, 1],
        ],
      },
      2,
      9,
    );
    expect(Array.from(chosen.dataSync())).toEqual([0, 0, 0, 1, 0.5, -2, 0, 1, 0, 0, 0, 1, 1, 1]);
    const half = task.encodeCodes({ categorical: [3, 0] }, 2, 9);
    const drawn = task.sampleCodes(2, 9);
    expect(Array.from(tf.slice(half, [0, 4], [-1, 3]).dataSync())).toEqual(
      Array.from(tf.slice(drawn, [0, 4], [-1, 3]).dataSync()),
    );
    expect(() => task.encodeCodes({ categorical: [4] }, 1, 1)).toThrow(
      /codes.categorical\[0\]: expected a class index in \[0, 4\)/,
    );
    expect(() => task.encodeCodes({ continuous: [[1, 2]] }, 1, 1)).toThrow(
      /codes.continuous: expected 1 rows of 3 values/,
    );
    expect(() => infoGanTask({ categorical: 0, continuous: 0 })).toThrow(/at least one code/);
    expect(() => infoGanTask({ continuousLoss: 'l1' as 'squared' })).toThrow(/continuousLoss/);
    tf.dispose([a, b, cat, chosen, half, drawn]);
  });

  test('the registry rebuilds both tasks from their config, options included; a user-written task is not rebuilt', () => {
    for (const task of [
      acganTask({ numClasses: 7, weight: 0.25, generatorWeight: 3 }),
      infoGanTask({ categorical: 5, continuous: 3, weight: 2, continuousWeight: 0.1, continuousLoss: 'gaussian' }),
    ]) {
      const config = JSON.parse(JSON.stringify(auxiliaryConfig(task)));
      const rebuilt = auxiliaryFromConfig(config) as AuxiliaryTask;
      expect(rebuilt.constructor).toBe(task.constructor);
      expect(auxiliaryConfig(rebuilt)).toEqual(auxiliaryConfig(task));
    }
    const custom: AuxiliaryTask = {
      name: 'acgan',
      discriminatorLoss: () => tf.scalar(0),
      generatorLoss: () => tf.scalar(0),
    };
    expect(auxiliaryFromConfig(auxiliaryConfig(custom))).toBeNull();
  });
});

describe('multi-output discriminators', () => {
  test('auxiliaryOutputs adds a second output [n, k] beside the logit [n, 1], on MLP and conv Ds, with or without labels', () => {
    const shapes = (d: tfl.LayersModel): unknown => [d.inputs.length, d.outputs.map((o) => o.shape)];
    const nets = [
      mlpDiscriminator({ imageShape: [8, 8, 1], hiddenUnits: [16], auxiliaryOutputs: 10, seed: 1 }),
      mlpDiscriminator({
        imageShape: [8, 8, 1],
        hiddenUnits: [16],
        auxiliaryOutputs: 12,
        spectralNorm: true,
        conditioning: labelEmbedding(),
        seed: 1,
      }),
      dcganDiscriminator({
        imageShape: [8, 8, 1],
        convFilters: [4, 4],
        kernelSize: 3,
        denseUnits: [8],
        auxiliaryOutputs: 10,
        seed: 1,
      }),
      mlpDiscriminator({ imageShape: [8, 8, 1], hiddenUnits: [16], seed: 1 }),
    ];
    expect(nets.map(shapes)).toEqual([
      [
        1,
        [
          [null, 1],
          [null, 10],
        ],
      ],
      [
        2,
        [
          [null, 1],
          [null, 12],
        ],
      ],
      [
        1,
        [
          [null, 1],
          [null, 10],
        ],
      ],
      [1, [[null, 1]]],
    ]);
    const out = nets[0].apply(tf.zeros([3, 8, 8, 1])) as tf.Tensor[];
    expect(out.map((t) => t.shape)).toEqual([
      [3, 1],
      [3, 10],
    ]);
    expect(() => mlpDiscriminator({ auxiliaryOutputs: 0 })).toThrow(/auxiliaryOutputs/);
    tf.dispose(out);
    nets.forEach((d) => d.dispose());
  });

  test("the factories: ACGAN's D takes the image alone; InfoGAN's G takes [z ; code] and its D has a Q head", () => {
    const acgan = createAcgan({
      latentDim: 8,
      imageShape: [8, 8, 1],
      seed: 1,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16] },
    });
    expect(acgan.generator.inputs.map((i) => i.shape)).toEqual([
      [null, 8],
      [null, 1],
    ]);
    expect(acgan.discriminator.inputs.map((i) => i.shape)).toEqual([[null, 8, 8, 1]]);
    expect(acgan.discriminator.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 10],
    ]);
    expect(acgan.trainer.auxiliary).toBeInstanceOf(AcganTask);
    expect(acgan.config.auxiliary).toEqual({
      name: 'acgan',
      className: 'AcganTask',
      config: { numClasses: 10, weight: 1, generatorWeight: 1 },
    });
    const conv = createAcgan({
      architecture: 'dcgan',
      numClasses: 4,
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed: 1,
      classWeight: 0.5,
      generator: { denseUnits: [8], baseShape: [2, 2, 4], convFilters: [4] },
      discriminator: { convFilters: [4, 4], kernelSize: 3, denseUnits: [8] },
    });
    expect([conv.discriminator.inputs.length, conv.discriminator.outputs[1].shape]).toEqual([1, [null, 4]]);
    expect((conv.trainer.auxiliary as AcganTask).weight).toBe(0.5);
    const info = createInfoGan({
      latentDim: 6,
      categorical: 10,
      continuous: 2,
      imageShape: [8, 8, 1],
      seed: 1,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16] },
    });
    expect(info.generator.inputs.map((i) => i.shape)).toEqual([[null, 18]]);
    expect(info.discriminator.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 12],
    ]);
    expect([info.numClasses, info.trainer.latentDim, info.config.latentDim]).toEqual([0, 6, 6]);
    const images = info.generate({
      count: 3,
      codes: {
        categorical: [0, 4, 9],
        continuous: [
          [0, 0],
          [1, -1],
          [0.5, 0.5],
        ],
      },
      seed: 2,
    });
    expect(images.shape).toEqual([3, 8, 8, 1]);
    expect(() => info.generate({ count: 2, codes: { categorical: [0] } })).toThrow(
      /codes.categorical: has 1 values for 2 images/,
    );
    expect(() => info.generate({ count: 2, codes: tf.zeros([2, 3]) as tf.Tensor2D })).toThrow(
      /codes: expected shape \[2, 12\]/,
    );
    expect(() => acgan.generate({ labels: [1], codes: { categorical: [0] } })).toThrow(
      /codes: this GAN takes no latent codes/,
    );
    // The categorical code changes the image; a fixed seed repeats it.
    const again = info.generate({
      count: 3,
      codes: {
        categorical: [0, 4, 9],
        continuous: [
          [0, 0],
          [1, -1],
          [0.5, 0.5],
        ],
      },
      seed: 2,
    });
    const other = info.generate({
      count: 3,
      codes: {
        categorical: [1, 4, 9],
        continuous: [
          [0, 0],
          [1, -1],
          [0.5, 0.5],
        ],
      },
      seed: 2,
    });
    expect(Array.from(again.dataSync())).toEqual(Array.from(images.dataSync()));
    expect(Array.from(tf.slice(other, [0], [1]).dataSync())).not.toEqual(
      Array.from(tf.slice(images, [0], [1]).dataSync()),
    );
    // With z and no seed the drawn codes are a function of z: the same z gives the same images (sample grids, evaluateGan).
    const z = tf.randomNormal([4, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
    const [z1, z2] = [info.generate({ z }), info.generate({ z })];
    expect(Array.from(z2.dataSync())).toEqual(Array.from(z1.dataSync()));
    tf.dispose([images, again, other, z, z1, z2]);
    [acgan, conv, info].forEach((g) => g.dispose());
  });

  test('the trainer refuses what cannot train, naming the argument', () => {
    const g = mlpGenerator({
      latentDim: 4,
      imageShape: [4, 4, 1],
      hiddenUnits: [8],
      conditioning: labelEmbedding(),
      seed: 1,
    });
    const dPlain = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], seed: 1 });
    const dHead = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], auxiliaryOutputs: 10, seed: 1 });
    const loss = hingeLoss();
    // A label-free D in a conditional GAN needs a task that predicts the labels.
    expect(() => new GanTrainer({ generator: g, discriminator: dHead, loss })).toThrow(
      /discriminator: takes 1 inputs but the generator takes 2.*acganTask/,
    );
    expect(() => new GanTrainer({ generator: g, discriminator: dPlain, loss, auxiliary: acganTask() })).toThrow(
      /discriminator: has one output; .*auxiliaryOutputs: 10/,
    );
    expect(
      () => new GanTrainer({ generator: g, discriminator: dHead, loss, auxiliary: acganTask({ numClasses: 5 }) }),
    ).toThrow(/discriminator: has an auxiliary output of 10 units; the task 'acgan' reads 5/);
    const dHead5 = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], auxiliaryOutputs: 5, seed: 1 });
    expect(
      () => new GanTrainer({ generator: g, discriminator: dHead5, loss, auxiliary: acganTask({ numClasses: 5 }) }),
    ).toThrow(/auxiliary: the task 'acgan' predicts 5 classes but the GAN has numClasses 10/);
    // InfoGAN: G's first input must hold z and the code.
    const gSmall = mlpGenerator({ latentDim: 4, imageShape: [4, 4, 1], hiddenUnits: [8], seed: 1 });
    const dQ = mlpDiscriminator({ imageShape: [4, 4, 1], hiddenUnits: [8], auxiliaryOutputs: 12, seed: 1 });
    expect(
      () =>
        new GanTrainer({
          generator: gSmall,
          discriminator: dQ,
          loss,
          latentDim: 4,
          auxiliary: infoGanTask({ continuous: 2 }),
        }),
    ).toThrow(/generator: takes a first input of 4 units; .* it must take 16/);
    expect(
      () =>
        new GanTrainer({
          generator: gSmall,
          discriminator: dQ,
          loss,
          auxiliary: { name: 'half' } as unknown as AuxiliaryTask,
        }),
    ).toThrow(/auxiliary: expected an AuxiliaryTask with a discriminatorLoss\(\) method/);
    expect(() => createAcgan({ discriminatorConditioning: 'projection' } as never)).toThrow(
      /discriminatorConditioning/,
    );
    [g, dPlain, dHead, dHead5, gSmall, dQ].forEach((m) => m.dispose());
  });
});

describe("the trainer applies the task's gradient to D's weights in D's update and to G's in G's update", () => {
  const zero: GanLoss = {
    name: 'zero',
    discriminatorLoss: (r, f) => tf.mul(0, tf.add(tf.sum(r), tf.sum(f))) as tf.Scalar,
    generatorLoss: (f) => tf.mul(0, tf.sum(f)) as tf.Scalar,
  };
  const C = [0.5, -1, 2];
  /**
   * One step with a zero adversarial loss, SGD (lr η) on both nets, and `task`: D (no label
   * input) has a 3-unit head; G is conditional. Returns D's head bias and G's weights, before and after.
   */
  function step(
    task: AuxiliaryTask | undefined,
    eta = 0.1,
  ): { headBias: [number[], number[]]; dOther: [number[], number[]]; g: [number[], number[]] } {
    const g = mlpGenerator({
      latentDim: 3,
      imageShape: [2, 2, 1],
      hiddenUnits: [4],
      outputActivation: 'tanh',
      conditioning: labelEmbedding({ numClasses: 3 }),
      seed: 2,
    });
    const d = mlpDiscriminator({ imageShape: [2, 2, 1], hiddenUnits: [5], auxiliaryOutputs: 3, seed: 3 });
    const trainer = new GanTrainer({
      generator: g,
      discriminator: d,
      loss: zero,
      numClasses: 3,
      auxiliary: task,
      generatorOptimizer: tf.train.sgd(eta),
      discriminatorOptimizer: tf.train.sgd(eta),
      seed: 4,
    });
    const head = d.layers[d.layers.length - 1];
    const flat = (m: tfl.LayersModel | tfl.layers.Layer, skipHead = false): number[] =>
      (m instanceof tfl.LayersModel ? m.layers.filter((l) => !skipHead || l !== head) : [m]).flatMap((l) =>
        l.getWeights().flatMap((w) => Array.from(w.dataSync())),
      );
    const before = { bias: Array.from(head.getWeights()[1].dataSync()), dOther: flat(d, true), g: flat(g) };
    const real: DataBatch = {
      images: tf.randomUniform([6, 2, 2, 1], -1, 1, 'float32', 5) as tf.Tensor4D,
      labels: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'),
    };
    tf.dispose([trainer.trainStep([real]), real.images, real.labels ?? []]);
    const after = { bias: Array.from(head.getWeights()[1].dataSync()), dOther: flat(d, true), g: flat(g) };
    g.dispose();
    d.dispose();
    return { headBias: [before.bias, after.bias], dOther: [before.dOther, after.dOther], g: [before.g, after.g] };
  }
  const none = (): tf.Scalar => tf.scalar(0);
  const onReal: AuxiliaryTask = {
    name: 'on-real',
    numClasses: 3,
    outputSize: 3,
    // Σ_i ⟨c, head(x_i)⟩ over the real batch: its gradient with respect to the head's bias is n·c.
    discriminatorLoss: (real) => tf.sum(tf.mul(real.outputs[0], tf.tensor1d(C))) as tf.Scalar,
    generatorLoss: none,
  };
  const onFakeForG: AuxiliaryTask = {
    name: 'on-fake',
    numClasses: 3,
    outputSize: 3,
    discriminatorLoss: none,
    generatorLoss: (fake) => softmaxCrossEntropy(fake.outputs[0], fake.labels as tf.Tensor),
  };

  test("D's update: one SGD step moves the head's bias by exactly −η·n·c; G does not move", () => {
    const {
      headBias: [b0, b1],
      dOther,
      g,
    } = step(onReal);
    b1.forEach((v, i) => expect(v).toBeCloseTo(b0[i] - 0.1 * 6 * C[i], 5));
    expect(dOther[1]).not.toEqual(dOther[0]); // and the body under the head learns too
    expect(g[1]).toEqual(g[0]);
  });

  test("G's update: the task's G loss moves G (through D's head), and only G", () => {
    const { headBias, dOther, g } = step(onFakeForG);
    expect(g[1]).not.toEqual(g[0]);
    expect(headBias[1]).toEqual(headBias[0]);
    expect(dOther[1]).toEqual(dOther[0]);
  });

  test("control: with both task losses zero nothing moves (the changes above are the task's)", () => {
    const { headBias, dOther, g } = step({
      name: 'nothing',
      numClasses: 3,
      outputSize: 3,
      discriminatorLoss: none,
      generatorLoss: none,
    });
    expect([headBias[1], dOther[1], g[1]]).toEqual([headBias[0], dOther[0], g[0]]);
  });

  test("exactly: G's change in one SGD step is −η ∂CE(c(G(z, y)), y)/∂θ_G, with the z and y the trainer drew (replayed from its stream)", () => {
    const eta = 0.05;
    const g = mlpGenerator({
      latentDim: 3,
      imageShape: [2, 2, 1],
      hiddenUnits: [4],
      outputActivation: 'tanh',
      conditioning: labelEmbedding({ numClasses: 3 }),
      seed: 2,
    });
    const d = mlpDiscriminator({ imageShape: [2, 2, 1], hiddenUnits: [5], auxiliaryOutputs: 3, seed: 3 });
    const acgan = acganTask({ numClasses: 3 });
    let labelsSeen: number[] = [];
    // ACGAN's G loss only (D's task loss and the adversarial losses are zero, so D stays as it is).
    const task: AuxiliaryTask = {
      name: 'acgan-g-only',
      numClasses: 3,
      outputSize: 3,
      discriminatorLoss: none,
      generatorLoss: (fake) => {
        labelsSeen = Array.from((fake.labels as tf.Tensor).dataSync());
        return acgan.generatorLoss(fake);
      },
    };
    const trainer = new GanTrainer({
      generator: g,
      discriminator: d,
      loss: zero,
      numClasses: 3,
      auxiliary: task,
      generatorOptimizer: tf.train.sgd(eta),
      discriminatorOptimizer: tf.train.sgd(eta),
      seed: 4,
    });
    const vars = g.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = vars.map((v) => v.clone());
    const replay = new Rng(trainer.rng.getState());
    const real: DataBatch = {
      images: tf.randomUniform([4, 2, 2, 1], -1, 1, 'float32', 5) as tf.Tensor4D,
      labels: tf.tensor1d([0, 1, 2, 0], 'int32'),
    };
    tf.dispose([trainer.trainStep([real]), real.images, real.labels ?? []]);
    // The stream's draws in a step: the dropout seed, D's fake batch (z, labels), then G's (z, labels).
    for (let i = 0; i < 3; i++) replay.nextSeed();
    const z = tf.randomNormal([4, 3], 0, 1, 'float32', replay.nextSeed());
    const y = tf.randomUniform([4, 1], 0, 3, 'int32', replay.nextSeed());
    expect(Array.from(y.dataSync())).toEqual(labelsSeen);
    const after = vars.map((v) => v.clone());
    vars.forEach((v, i) => v.assign(before[i]));
    const { value, grads } = tf.variableGrads(() => {
      const images = g.apply([z, y], { training: true }) as tf.Tensor;
      const [, classes] = d.apply(images, { training: true }) as tf.Tensor[];
      return softmaxCrossEntropy(classes, y);
    }, vars);
    let moved = 0;
    vars.forEach((v, i) => {
      const expected = tf.sub(before[i], tf.mul(eta, grads[v.name])).dataSync();
      const got = after[i].dataSync();
      const old = before[i].dataSync();
      expected.forEach((e, k) => {
        expect(got[k]).toBeCloseTo(e, 5);
        if (got[k] !== old[k]) moved++;
      });
    });
    expect(moved).toBeGreaterThan(10);
    tf.dispose([z, y, value, ...before, ...after, ...Object.values(grads)]);
    g.dispose();
    d.dispose();
  });
});

describe('checkpoints and resume', () => {
  const recorder = (rows: number[][]): TrainerCallback => ({
    onBatchEnd: (l: StepLogs) => void rows.push([l.step, l.epoch, l.dLoss, l.gLoss, l.dRealMean, l.dFakeMean]),
  });
  const builds: Record<string, () => Gan> = {
    // D with dropout, so its masks must come from the saved stream too.
    ACGAN: () =>
      createAcgan({
        latentDim: 8,
        imageShape: [8, 8, 1],
        seed: 11,
        generator: { hiddenUnits: [16, 16] },
        discriminator: { hiddenUnits: [16, 16], dropout: 0.4 },
      }),
    InfoGAN: () =>
      createInfoGan({
        latentDim: 6,
        categorical: 10,
        continuous: 2,
        continuousLoss: 'gaussian',
        imageShape: [8, 8, 1],
        seed: 12,
        generator: { hiddenUnits: [16, 16] },
        discriminator: { hiddenUnits: [16, 16], dropout: 0.4 },
      }),
  };

  describe('on cpu: stopped mid-epoch, saved, loaded and continued, every step equals the uninterrupted run to the bit', () => {
    beforeAll(async () => {
      await tf.setBackend('cpu');
    });
    afterAll(async () => {
      await tf.setBackend('wasm');
    });
    test.each(Object.keys(builds))('%s', async (name) => {
      const data = randomDataset(60, 8, 10, 3);
      const fit = { epochs: 2, batchSize: 10 }; // 6 steps an epoch
      const reference: number[][] = [];
      const straight = builds[name]();
      await straight.fit(data, { ...fit, callbacks: [recorder(reference)] });
      straight.dispose();
      const rows: number[][] = [];
      const first = builds[name]();
      await first.fit(data, {
        ...fit,
        callbacks: [
          recorder(rows),
          { onBatchEnd: (l: StepLogs) => (l.step === 8 ? first.trainer.stopTraining() : undefined) },
        ],
      });
      const dir = path.join(tempDir(), `resume-${name}`);
      await first.save(dir);
      first.dispose();
      const resumed = await loadGan(dir);
      expect(resumed.trainer.auxiliary?.constructor).toBe(name === 'ACGAN' ? AcganTask : InfoGanTask);
      const fresh = builds[name]();
      expect(resumed.config.auxiliary).toEqual(fresh.config.auxiliary);
      fresh.dispose();
      await resumed.fit(data, { ...fit, callbacks: [recorder(rows)] });
      resumed.dispose();
      expect(rows).toHaveLength(12);
      expect(rows).toEqual(reference);
      data.dispose();
    });
  });

  test('a loaded InfoGAN generates the same images for the same codes; a user-written task must be passed to loadGan', async () => {
    const info = builds.InfoGAN();
    const dir = path.join(tempDir(), 'infogan');
    await info.save(dir);
    const loaded = await loadGan(dir);
    const codes = {
      categorical: [0, 3, 7],
      continuous: [
        [0.5, -0.5],
        [0, 0],
        [1, 1],
      ],
    };
    const a = info.generate({ count: 3, codes, seed: 5 });
    const b = loaded.generate({ count: 3, codes, seed: 5 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    [info, loaded].forEach((g) => g.dispose());
    const parity: AuxiliaryTask = {
      name: 'label-parity',
      outputSize: 1,
      numClasses: 10,
      discriminatorLoss: (real) =>
        tf.losses.sigmoidCrossEntropy(
          tf.reshape(tf.mod(real.labels as tf.Tensor, 2), [-1, 1]),
          real.outputs[0],
        ) as tf.Scalar,
      generatorLoss: (fake) =>
        tf.losses.sigmoidCrossEntropy(
          tf.reshape(tf.mod(fake.labels as tf.Tensor, 2), [-1, 1]),
          fake.outputs[0],
        ) as tf.Scalar,
      toConfig: () => ({ odd: 1 }),
    };
    const custom = createAcgan({
      latentDim: 4,
      imageShape: [8, 8, 1],
      seed: 3,
      auxiliary: parity,
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
    });
    expect(custom.discriminator.outputs[1].shape).toEqual([null, 1]);
    expect(custom.config.auxiliary).toEqual({ name: 'label-parity', odd: 1 });
    const data = randomDataset(20, 8);
    const [epoch] = await custom.fit(data, { batchSize: 10 });
    expect(Number.isFinite(epoch.dLoss)).toBe(true);
    await expect(custom.fit(data, { epochs: 2, batchSize: 10, workers: 2 })).rejects.toThrow(
      /workers: .*auxiliary task .*'label-parity' is user-written/,
    );
    const customDir = path.join(tempDir(), 'parity');
    await custom.save(customDir);
    await expect(loadGan(customDir)).rejects.toThrow(/user-written auxiliary task 'label-parity'; pass it to loadGan/);
    const withTask = await loadGan(customDir, { auxiliary: parity });
    expect(withTask.trainer.auxiliary).toBe(parity);
    [custom, withTask].forEach((g) => g.dispose());
    data.dispose();
  });
});

describe('with other losses, penalties and data-parallel training', () => {
  test('WGAN-GP with an ACGAN head (the penalty sees the logit only); hinge with InfoGAN; no tensor left behind', async () => {
    const data = randomDataset(40, 8);
    const gans = [
      createAcgan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed: 1,
        loss: wassersteinLoss({ gradientPenalty: 10 }),
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8], dropout: 0 },
      }),
      createInfoGan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed: 2,
        loss: hingeLoss(),
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8] },
      }),
      createCgan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed: 3,
        auxiliary: acganTask(),
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8] },
      }), // D takes labels and classifies
    ];
    expect(gans[2].discriminator.inputs.length).toBe(2);
    for (const gan of gans) {
      await gan.fit(data, { epochs: 1, batchSize: 10 }); // warm-up: optimizer slots exist
      const before = tf.memory().numTensors;
      const history = await gan.fit(data, { epochs: 3, batchSize: 10 });
      expect(tf.memory().numTensors).toBe(before);
      expect(history.every((h) => Number.isFinite(h.dLoss) && Number.isFinite(h.gLoss))).toBe(true);
      gan.dispose();
    }
    data.dispose();
  });

  test('fit({ workers: 2 }) trains ACGAN and InfoGAN data-parallel (the workers rebuild the task)', async () => {
    const data = randomDataset(80, 8);
    for (const gan of [
      createAcgan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed: 4,
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8] },
      }),
      createInfoGan({
        latentDim: 4,
        imageShape: [8, 8, 1],
        seed: 5,
        generator: { hiddenUnits: [8] },
        discriminator: { hiddenUnits: [8] },
      }),
    ]) {
      const history = await gan.fit(data, { epochs: 1, batchSize: 16, stepsPerEpoch: 3, workers: 2 });
      expect(history[0].steps).toBe(3);
      expect(Number.isFinite(history[0].dLoss) && Number.isFinite(history[0].gLoss)).toBe(true);
      gan.dispose();
    }
    data.dispose();
  });
});

describe('short trainings on real MNIST', () => {
  let train: ImageDataset;
  let test_: ImageDataset;
  beforeAll(async () => {
    train = await loadMnist({ split: 'train', limit: 1280 });
    test_ = await loadMnist({ split: 'test', limit: 500 });
  });
  afterAll(() => {
    train.dispose();
    test_.dispose();
  });

  /** How often the argmax of D's head (its first `k` units) equals `labels`, D in inference mode. */
  function headAccuracy(d: tfl.LayersModel, images: tf.Tensor, labels: ArrayLike<number>, k: number): number {
    const predicted = Array.from(
      tf.tidy(() =>
        tf.argMax(tf.slice((d.apply(images, { training: false }) as tf.Tensor[])[1], [0, 0], [-1, k]), 1).dataSync(),
      ),
    );
    return predicted.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / predicted.length;
  }

  test("ACGAN: D's class head learns to classify held-out real digits (and does not without the class loss)", async () => {
    const build = (classWeight: number): Gan =>
      createAcgan({
        latentDim: 32,
        seed: 1,
        classWeight,
        generator: { hiddenUnits: [64, 128] },
        discriminator: { hiddenUnits: [128, 128] },
      });
    const acgan = build(1);
    const before = headAccuracy(acgan.discriminator, test_.images, test_.labels as Int32Array, 10);
    await acgan.fit(train, { epochs: 4, batchSize: 64 }); // 80 steps
    const after = headAccuracy(acgan.discriminator, test_.images, test_.labels as Int32Array, 10);
    const control = build(0);
    await control.fit(train, { epochs: 4, batchSize: 64 });
    const untrained = headAccuracy(control.discriminator, test_.images, test_.labels as Int32Array, 10);
    console.log(
      `ACGAN class head on 500 held-out test digits: ${before.toFixed(3)} before, ${after.toFixed(3)} after 80 steps; ${untrained.toFixed(3)} with classWeight 0`,
    );
    expect(before).toBeLessThan(0.25);
    expect(after).toBeGreaterThan(0.5);
    expect(untrained).toBeLessThan(0.3);
    [acgan, control].forEach((g) => g.dispose());
  });

  test('InfoGAN: Q recovers the categorical code of generated samples well above chance (and does not with λ = 0)', async () => {
    const build = (infoWeight: number): Gan =>
      createInfoGan({
        latentDim: 16,
        categorical: 10,
        continuous: 2,
        infoWeight,
        seed: 1,
        generator: { hiddenUnits: [64, 128] },
        discriminator: { hiddenUnits: [128, 128] },
      });
    const codes = Array.from({ length: 500 }, (_, i) => i % 10);
    const accuracy = (gan: Gan): number => {
      const images = gan.generate({ count: 500, codes: { categorical: codes }, seed: 9 });
      const a = headAccuracy(gan.discriminator, images, codes, 10);
      images.dispose();
      return a;
    };
    const info = build(1);
    const before = accuracy(info);
    await info.fit(train, { epochs: 4, batchSize: 64 }); // 80 steps
    const after = accuracy(info);
    const control = build(0);
    await control.fit(train, { epochs: 4, batchSize: 64 });
    const untrained = accuracy(control);
    console.log(
      `InfoGAN Q's categorical accuracy on 500 generated samples: ${before.toFixed(3)} before, ${after.toFixed(3)} after 80 steps; ${untrained.toFixed(3)} with λ = 0`,
    );
    expect(before).toBeLessThan(0.25);
    expect(after).toBeGreaterThan(0.4);
    expect(untrained).toBeLessThan(0.3);
    [info, control].forEach((g) => g.dispose());
  });
});
