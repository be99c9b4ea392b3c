/**
 * Whether a conditional GAN draws the class it was asked for.
 *
 * @packageDocumentation
 */
import { GanConfigError } from '../errors';
import { checkClassIndices } from './class-histogram';

/**
 * The fraction of samples whose predicted class equals the requested label: 1 when a conditional
 * GAN always draws the digit asked for, about `1 / K` when it ignores the label.
 *
 * @param predicted - the classifier's class per sample (see {@link MnistClassifier.predictClasses}).
 * @param labels - the label each sample was generated for.
 * @param numClasses - number of classes (default 10).
 * @throws {@link GanConfigError} when the lengths differ, are 0, or a value is not a class index.
 *
 * @example
 * ```ts
 * labelAccuracy([1, 2, 3, 3], [1, 2, 3, 4]); // 0.75
 * ```
 */
export function labelAccuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses = 10): number {
  if (predicted.length !== labels.length)
    throw new GanConfigError(
      'labels',
      `has ${labels.length} labels for ${predicted.length} predictions; expected one per sample`,
    );
  if (labels.length === 0) throw new GanConfigError('labels', 'expected at least one sample');
  checkClassIndices(predicted, numClasses, 'predicted');
  checkClassIndices(labels, numClasses, 'labels');
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}
