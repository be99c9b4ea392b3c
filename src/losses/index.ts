export type { GanLoss } from './types';
export { GanLossBase } from './types';
export { BceLoss, bceLoss, type BceLossOptions } from './bce';
export { MinimaxLoss, minimaxLoss } from './minimax';
export { NonSaturatingLoss, nonSaturatingLoss } from './non-saturating';
export { stableSoftplus, sigmoidCrossEntropy } from './math';
