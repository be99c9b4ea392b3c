/**
 * The serialization registry for losses and auxiliary tasks: every built-in part survives
 * `{ className, config }` and back with the same options and the same values; a user-written class
 * registers the same way and then loads from a checkpoint with nothing passed to the loader; the
 * config forms older checkpoints hold are still read.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { AcganTask } from '../../src/losses/acgan';
import { BceLoss } from '../../src/losses/bce';
import { GanConfigError } from '../../src/errors';
import { GanLossBase, type GanLoss } from '../../src/losses/types';
import { ImageDataset } from '../../src/data/dataset';
import { HingeLoss } from '../../src/losses/hinge';
import { InfoGanTask } from '../../src/losses/infogan';
import { LeastSquaresLoss } from '../../src/losses/least-squares';
import { MinimaxLoss } from '../../src/losses/minimax';
import { NonSaturatingLoss } from '../../src/losses/non-saturating';
import { R1PenaltyLoss } from '../../src/losses/r1';
import { WassersteinLoss } from '../../src/losses/wasserstein';
import { CycleLeastSquaresLoss } from '../../src/losses/cycle';
import { createGan } from '../../src/models/gan/create';
import { loadGan } from '../../src/models/gan/load';
import { registerSerializable } from '../../src/core/serialization';
import { auxiliaryConfig, auxiliaryFromConfig, lossConfig, lossFromConfig } from '../../src/losses/registry';
import { useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tmp = useTempDir('serialization');

beforeAll(async () => {
  await useDefaultBackend();
});

/** Both losses of `loss` on fixed logits. */
function values(loss: GanLoss): number[] {
  return tf.tidy(() => {
    const real = tf.tensor2d([[2.5], [-0.5], [1.25]]);
    const fake = tf.tensor2d([[-1.5], [0.75], [3]]);
    return [loss.discriminatorLoss(real, fake).arraySync() as number, loss.generatorLoss(fake).arraySync() as number];
  });
}

const builtInLosses: Array<[string, GanLoss]> = [
  ['BceLoss', new BceLoss({ realLabel: 0.9, fakeLabel: 0.05 })],
  ['NonSaturatingLoss', new NonSaturatingLoss()],
  ['MinimaxLoss', new MinimaxLoss()],
  ['HingeLoss', new HingeLoss()],
  ['LeastSquaresLoss', new LeastSquaresLoss({ realLabel: 1, fakeLabel: -1, generatorTarget: 0 })],
  ['WassersteinLoss', new WassersteinLoss({ gradientPenalty: 3 })],
  ['R1PenaltyLoss', new R1PenaltyLoss(new HingeLoss(), { gamma: 0.5 })],
  ['CycleLeastSquaresLoss', new CycleLeastSquaresLoss()],
];

describe('built-in losses', () => {
  test.each(builtInLosses)('%s: stored as its class and options, rebuilt equal', (className, loss) => {
    const stored = lossConfig(loss);
    expect(stored).toMatchObject({ name: loss.name, className });
    const again = lossFromConfig(JSON.parse(JSON.stringify(stored)));
    expect(again).toBeInstanceOf(loss.constructor);
    expect(lossConfig(again!)).toEqual(stored);
    expect(values(again!)).toEqual(values(loss));
  });

  test('R1 over a loss whose class is not registered keeps its name only, and is not rebuilt', () => {
    const plain: GanLoss = { name: 'plain', discriminatorLoss: () => tf.scalar(0), generatorLoss: () => tf.scalar(0) };
    const stored = lossConfig(new R1PenaltyLoss(plain));
    expect(stored).toMatchObject({ className: 'R1PenaltyLoss', config: { gamma: 10, base: { name: 'plain' } } });
    expect(lossFromConfig(stored)).toBeNull();
  });
});

describe('built-in auxiliary tasks', () => {
  test.each([
    ['AcganTask', new AcganTask({ numClasses: 7, weight: 0.5, generatorWeight: 2 })],
    ['InfoGanTask', new InfoGanTask({ categorical: 4, continuous: 3, weight: 1.5, continuousWeight: 0.25 })],
  ])('%s: stored as its class and options, rebuilt equal', (className, task) => {
    const stored = auxiliaryConfig(task);
    expect(stored).toMatchObject({ name: task.name, className, config: task.toConfig() });
    const again = auxiliaryFromConfig(JSON.parse(JSON.stringify(stored)));
    expect(again).toBeInstanceOf(task.constructor);
    expect(again?.toConfig?.()).toEqual(task.toConfig());
  });
});

describe('the config forms of older checkpoints', () => {
  test.each([
    [{ name: 'non-saturating' }, NonSaturatingLoss, {}],
    [{ name: 'minimax' }, MinimaxLoss, {}],
    [{ name: 'bce', realLabel: 0.9, fakeLabel: 0 }, BceLoss, { realLabel: 0.9, fakeLabel: 0 }],
    [{ name: 'hinge', builtin: true }, HingeLoss, {}],
    [{ name: 'wasserstein', builtin: true, gradientPenalty: 5 }, WassersteinLoss, { gradientPenalty: 5 }],
    [
      { name: 'hinge+r1', builtin: true, penalty: 'r1', gamma: 2, base: { name: 'hinge', builtin: true } },
      R1PenaltyLoss,
      { gamma: 2 },
    ],
  ])('%j is read as before', (legacy, cls, options) => {
    const loss = lossFromConfig(legacy);
    expect(loss).toBeInstanceOf(cls);
    expect((loss as unknown as { getConfig(): Record<string, unknown> }).getConfig()).toMatchObject(options);
  });

  test('a same-named user loss of an old checkpoint (no builtin mark) is not taken for the built-in one', () => {
    expect(lossFromConfig({ name: 'least-squares' })).toBeNull();
    expect(auxiliaryFromConfig({ name: 'acgan', numClasses: 3 })).toBeNull();
  });
});

/** A user-written loss with an option: a hinge loss of margin m. */
class MarginLoss extends GanLossBase {
  static readonly className = 'test.MarginLoss';
  constructor(readonly margin = 1) {
    super('margin');
  }
  discriminatorLoss(real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
    return tf.tidy(
      () =>
        tf.add(tf.mean(tf.relu(tf.sub(this.margin, real))), tf.mean(tf.relu(tf.add(this.margin, fake)))) as tf.Scalar,
    );
  }
  generatorLoss(fake: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar);
  }
  getConfig(): Record<string, unknown> {
    return { margin: this.margin };
  }
  static fromConfig(config: Record<string, unknown>): MarginLoss {
    return new MarginLoss(config.margin as number);
  }
}

describe('a user-written class', () => {
  test('registered, it is saved with the GAN and loaded back with its options, nothing passed to loadGan', async () => {
    registerSerializable('loss', MarginLoss);
    registerSerializable('loss', MarginLoss); // again: harmless
    const gan = createGan({
      latentDim: 4,
      imageShape: [4, 4, 1],
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
      loss: new MarginLoss(2.5),
      seed: 3,
    });
    const dir = path.join(tmp(), 'margin');
    await gan.save(dir);
    gan.dispose();
    const loaded = await loadGan(dir);
    expect(loaded.trainer.loss).toBeInstanceOf(MarginLoss);
    expect((loaded.trainer.loss as MarginLoss).margin).toBe(2.5);
    expect(values(loaded.trainer.loss)).toEqual(values(new MarginLoss(2.5)));
    loaded.dispose();
  });

  test('registered or not, a user-written loss is refused by data-parallel workers, which never ran its registration', async () => {
    registerSerializable('loss', MarginLoss);
    const gan = createGan({
      latentDim: 4,
      imageShape: [4, 4, 1],
      generator: { hiddenUnits: [8] },
      discriminator: { hiddenUnits: [8] },
      loss: new MarginLoss(2),
      seed: 1,
    });
    const data = ImageDataset.fromPixels(new Uint8Array(8 * 16), [8, 4, 4, 1]);
    await expect(gan.fit(data, { batchSize: 4, workers: 2 })).rejects.toThrow(/workers: .*'margin' is user-written/);
    gan.dispose();
    data.dispose();
  });

  test('a second class under a taken className, or a class without className or fromConfig, is refused', () => {
    class Impostor extends MarginLoss {}
    expect(() => registerSerializable('loss', Impostor)).toThrow(GanConfigError);
    expect(() => registerSerializable('loss', Impostor)).toThrow(/already registered as 'test\.MarginLoss'/);
    expect(() => registerSerializable('loss', { fromConfig: () => null } as never)).toThrow(/static className/);
    expect(() => registerSerializable('loss', { className: 'NoFactory' } as never)).toThrow(/no static fromConfig/);
    // Kinds are separate name spaces: a task may share a loss's className.
    expect(() => registerSerializable('auxiliary-task', Impostor as never)).not.toThrow();
  });
});
