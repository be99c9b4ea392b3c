/**
 * `quality` in Node: everything in the browser's `quality`, plus what feeds them from files: the
 * bundled MNIST classifier, feature nets trained on any labelled set, reference statistics, and
 * {@link quality.evaluateGan}.
 *
 * @packageDocumentation
 */
export * from './quality';
export * from '../eval/index';
