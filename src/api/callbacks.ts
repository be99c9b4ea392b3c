/**
 * `callbacks` (Node): what {@link fit} calls around the steps of any family: the progress bar, the
 * loss log and chart, sample, translation and pair grids, checkpoints, saving on Ctrl-C,
 * per-epoch evaluation and TensorBoard logs.
 *
 * @packageDocumentation
 */
export { progressBar, formatDuration, type ProgressBarOptions, type ProgressStream } from '../callbacks/progress-bar';
export { sampleGrids, gridFile, type SampleGridsOptions } from '../callbacks/sample-grids';
export { lossLog, parseLossLog, LOSS_LOG_HEADER, type LossLogOptions, type LossLogRow } from '../callbacks/loss-log';
export {
  checkpoints,
  saveOnInterrupt,
  type CheckpointsOptions,
  type SaveOnInterruptOptions,
} from '../callbacks/checkpoints';
export { tensorboard, tensorBoardTag, type TensorBoardOptions } from '../callbacks/tensorboard';
export { evaluation, type EvaluationOptions } from '../eval/evaluation-callback';
export { translationGrids, type TranslationGridsOptions } from '../models/cycle/translation-grids';
export { pairGrids, type PairGridsOptions } from '../models/image-to-image/pair-grids';
