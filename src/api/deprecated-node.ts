/**
 * The Node-only names of gankit 0.1 (`loadGAN`, `createCycleGAN`); 0.2 writes every acronym as a word
 * (`loadGan`). These aliases go in 0.3.
 *
 * @packageDocumentation
 */
import { loadGan } from '../models/gan/load';
import { createCycleGan } from '../models/cycle/create';
import { loadCycleGan } from '../models/cycle/load';
import { loadImageToImageGan } from '../models/image-to-image/load';

/** @deprecated Since 0.2; use {@link loadGan}. Removed in 0.3. */
export const loadGAN = loadGan;
/** @deprecated Since 0.2; use {@link loadCycleGan}. Removed in 0.3. */
export const loadCycleGAN = loadCycleGan;
/** @deprecated Since 0.2; use {@link loadImageToImageGan}. Removed in 0.3. */
export const loadImageToImageGAN = loadImageToImageGan;
/** @deprecated Since 0.2; use {@link createCycleGan}. Removed in 0.3. */
export const createCycleGAN = createCycleGan;
