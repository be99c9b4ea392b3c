export type { GanLoss, PenaltyContext } from './types';
export { GanLossBase } from './types';
export { BceLoss, bceLoss, type BceLossOptions } from './bce';
export { MinimaxLoss, minimaxLoss } from './minimax';
export { NonSaturatingLoss, nonSaturatingLoss } from './non-saturating';
export { HingeLoss, hingeLoss } from './hinge';
export { LeastSquaresLoss, leastSquaresLoss, type LeastSquaresLossOptions } from './least-squares';
export { WassersteinLoss, wassersteinLoss, type WassersteinLossOptions } from './wasserstein';
export { R1PenaltyLoss, withR1Penalty, type R1PenaltyOptions } from './r1';
export { gradientPenalty, r1Penalty, discriminatorInputGradients, enableSecondOrderGradients } from './penalty';
export { stableSoftplus, sigmoidCrossEntropy } from './math';
export {
  leastSquaresGeneratorLoss,
  leastSquaresDiscriminatorLoss,
  CycleLeastSquaresLoss,
  cycleLeastSquaresLoss,
  cycleConsistencyLoss,
  identityLoss,
  type CycleImages,
  type IdentityImages,
} from './cycle';
export {
  meanAbsoluteError,
  meanSquaredError,
  featureLoss,
  featureExtractor,
  type FeatureFunction,
  type FeatureLossOptions,
} from './content';
