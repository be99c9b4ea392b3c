import { BceLoss } from './bce';
import { registerSerializable } from '../core/serialization';

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, section 3; NS-GAN in Lucic et al. 2018),
 * the usual default. With `σ` the sigmoid and `l_r`, `l_f` D's logits on real and fake images:
 *
 * - `L_D = -mean(log σ(l_r)) - mean(log(1 - σ(l_f)))`
 * - `L_G = -mean(log σ(l_f)) = mean(softplus(-l_f))`
 *
 * G maximises `log D(G(z))` instead of minimising `log(1 - D(G(z)))`: same fixed point, but
 * the gradient `∂L_G/∂l_f = -(1 - σ(l_f))/n` stays near `-1/n` when D rejects the fakes, so G
 * keeps learning early on. Equal to `bceLoss()` with hard labels.
 */
export class NonSaturatingLoss extends BceLoss {
  /** The name this class is saved under (see {@link registerSerializable}). */
  static override readonly className: string = 'NonSaturatingLoss';

  constructor() {
    super({ realLabel: 1, fakeLabel: 0 }, 'non-saturating');
  }

  /** No options: the labels are fixed. */
  override getConfig(): Record<string, unknown> {
    return {};
  }

  /** A non-saturating loss (it has no options). */
  static override fromConfig(): NonSaturatingLoss {
    return new NonSaturatingLoss();
  }
}

/** Creates a {@link losses.NonSaturatingLoss}: the non-saturating GAN loss (the default). */
export function nonSaturatingLoss(): NonSaturatingLoss {
  return new NonSaturatingLoss();
}
registerSerializable('loss', NonSaturatingLoss);
