/**
 * `conditioning`: how a label reaches G and D, as pluggable {@link Conditioning} objects (label
 * embedding, channel concat; projection and conditional batch norm are in `layers`).
 *
 * @packageDocumentation
 */
export * from '../conditioning/index';
export { DEFAULT_MAX_EMBEDDING_DIM, MAX_EMBEDDING_BYTES } from '../conditioning/label-embedding';
