/**
 * GANs whose D has a second task: {@link createAcgan} (D also classifies) and {@link createInfoGan} (latent codes and a Q head).
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../../errors';
import { labelEmbedding } from '../../conditioning/label-embedding';
import { channelConcat } from '../../conditioning/channel-concat';
import { acganTask } from '../../losses/acgan';
import { infoGanTask, type InfoGanTaskOptions } from '../../losses/infogan';
import { checkPositiveInt } from '../../nets/common';
import { Gan } from './gan';
import { buildGan, type CreateCganOptions, type CreateGanOptions } from './create';

/**
 * Options of {@link createAcgan}: {@link createCgan}'s (G's conditioning; D takes the image alone), plus the class loss's weights.
 *
 * @example
 * ```ts
 * const options: CreateAcganOptions = { architecture: 'dcgan', numClasses: 10, classWeight: 1, generatorClassWeight: 0.5 };
 * ```
 */
export interface CreateAcganOptions extends Omit<CreateCganOptions, 'discriminatorConditioning'> {
  /** Weight of the class loss in D's loss (default 1; see {@link losses.AcganTask}). Ignored when `auxiliary` is given. */
  classWeight?: number;
  /** Weight of the class loss in G's loss (default: `classWeight`). Ignored when `auxiliary` is given. */
  generatorClassWeight?: number;
}

/**
 * Creates an auxiliary-classifier GAN (ACGAN; Odena, Olah & Shlens 2017). G is conditioned as in
 * {@link createCgan} (default {@link labelEmbedding} for `mlp`, {@link conditioning.channelConcat} for `dcgan`:
 * its inputs are `[z, labels]`); D takes **the image alone** and has two outputs, the real/fake
 * logit and class logits `[n, numClasses]` (`auxiliaryOutputs`), trained by {@link losses.acganTask}: D
 * learns to classify real images and the fakes by their label, G to make fakes D classifies as
 * the label asked for. The trainer accepts a label-free D in a conditional GAN because the task
 * predicts the labels; the data must be labelled. The nets' defaults are {@link createCgan}'s
 * (D without the label input, plus the head). Checkpoints store the task; `loadGan` and
 * data-parallel workers rebuild it.
 *
 * @example
 * ```ts
 * await initBackend();
 * const acgan = createAcgan({ numClasses: 10, latentDim: 100, seed: 1 });
 * await acgan.fit(await loadMnist(), { epochs: 3, batchSize: 64 });
 * const sevens = acgan.generate({ labels: [7, 7, 7, 7] });
 * ```
 * @throws {@link GanConfigError} when `numClasses` disagrees with the conditioning's, or for a bad weight.
 */
export function createAcgan(options: CreateAcganOptions = {}): Gan {
  if ((options as CreateCganOptions).discriminatorConditioning !== undefined) {
    throw new GanConfigError(
      'discriminatorConditioning',
      "ACGAN's discriminator takes the image alone (its class head predicts the label); use createCgan({ auxiliary: acganTask() }) for a D that also takes labels",
    );
  }
  const architecture = options.architecture ?? 'mlp';
  const numClasses = checkPositiveInt(
    options.numClasses ?? options.conditioning?.numClasses ?? options.auxiliary?.numClasses ?? 10,
    'numClasses',
  );
  const conditioning =
    options.conditioning ?? (architecture === 'dcgan' ? channelConcat({ numClasses }) : labelEmbedding({ numClasses }));
  if (conditioning.numClasses !== numClasses) {
    throw new GanConfigError(
      'numClasses',
      `is ${numClasses} but the conditioning '${conditioning.name}' has ${conditioning.numClasses} classes`,
    );
  }
  const auxiliary =
    options.auxiliary ??
    acganTask({ numClasses, weight: options.classWeight, generatorWeight: options.generatorClassWeight });
  return buildGan({ ...options, auxiliary }, conditioning, { conditionDiscriminator: false });
}

/**
 * Options of {@link createInfoGan}: {@link createGan}'s, plus the codes and the mutual-information loss's weights.
 *
 * @example
 * ```ts
 * const options: CreateInfoGanOptions = { latentDim: 62, categorical: 10, continuous: 2, infoWeight: 1 };
 * ```
 */
export interface CreateInfoGanOptions extends CreateGanOptions {
  /** Categories of the categorical code (default 10; 0 for none). Ignored when `auxiliary` is given. */
  categorical?: number;
  /** Number of continuous codes, uniform on [-1, 1] (default 2). Ignored when `auxiliary` is given. */
  continuous?: number;
  /** λ, the mutual-information loss's weight in G's and D's loss (default 1). Ignored when `auxiliary` is given. */
  infoWeight?: number;
  /** An extra factor on the continuous codes' term (default 1). Ignored when `auxiliary` is given. */
  continuousWeight?: number;
  /** How the continuous codes are scored (default `squared`; see {@link InfoGanTaskOptions.continuousLoss}). Ignored when `auxiliary` is given. */
  continuousLoss?: InfoGanTaskOptions['continuousLoss'];
}

/**
 * Creates an InfoGAN (Chen et al. 2016): an unconditional GAN whose G gets, beside the noise z
 * (default 62 values, as in the paper's MNIST model), a categorical code (default 10 categories,
 * one-hot) and continuous codes (default 2, uniform on [-1, 1]) — G's first input is
 * `[z ; code]` — and whose D has a Q head (`auxiliaryOutputs`) predicting the code from the image.
 * {@link losses.infoGanTask}'s mutual-information loss `λ·(CE + ½‖c − ĉ‖²)` is added to both G's and D's
 * loss, so G learns to make its codes recoverable, which unsupervised tends to make the
 * categorical code pick the digit class and the continuous ones style (slant, width). The nets'
 * defaults are {@link createCgan}'s layers without conditioning (`mlp`: G 128-256-512-1024 with
 * batch norm, tanh; D 512-512-512 with dropout) or the seed-000 DCGAN nets (`dcgan`).
 *
 * Choose codes when generating: `generate({ count, codes: { categorical, continuous } })` (see
 * {@link losses.LatentCodes}); codes left out are drawn with the seed.
 *
 * @example One row of ten samples per categorical value:
 * ```ts
 * await initBackend();
 * const infogan = createInfoGan({ categorical: 10, continuous: 2, seed: 1 });
 * await infogan.fit(await loadMnist(), { epochs: 5, batchSize: 64 });
 * const rows = infogan.generate({ count: 100, codes: { categorical: Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)) }, seed: 1 });
 * ```
 * @throws {@link GanConfigError} for a bad code count or weight.
 */
export function createInfoGan(options: CreateInfoGanOptions = {}): Gan {
  const auxiliary =
    options.auxiliary ??
    infoGanTask({
      categorical: options.categorical ?? 10,
      continuous: options.continuous ?? 2,
      weight: options.infoWeight,
      continuousWeight: options.continuousWeight,
      continuousLoss: options.continuousLoss,
    });
  return buildGan({ ...options, auxiliary }, undefined, { conditionalDefaults: true, latentDim: 62 });
}
