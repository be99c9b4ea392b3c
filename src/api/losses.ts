/**
 * `losses`: the adversarial losses behind one {@link GanLoss} interface, their penalties, the
 * cycle, identity and content losses, and the auxiliary tasks of ACGAN and InfoGAN.
 *
 * @packageDocumentation
 */
export * from '../losses/index';
export type { AuxiliaryTask, AuxiliaryBatch, LatentCodes } from '../losses/auxiliary';
export { AcganTask, acganTask, softmaxCrossEntropy, type AcganTaskOptions } from '../losses/acgan';
export { InfoGanTask, infoGanTask, type InfoGanTaskOptions, type ContinuousCodeLoss } from '../losses/infogan';
