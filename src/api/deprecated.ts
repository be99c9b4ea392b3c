/**
 * The factory names of gankit 0.1, whose acronyms were upper case (`createGAN`); 0.2 writes every
 * acronym as a word (`createGan`, like `Gan`, `CycleGan`, `AcganTask`). These aliases go in 0.3.
 * `docs/api-migration.md` lists where every other 0.1 name went.
 *
 * @packageDocumentation
 */
import { createGan, createCgan } from '../models/gan/create';
import { createAcgan, createInfoGan } from '../models/gan/create-auxiliary';
import { createSuperResolutionGan } from '../models/image-to-image/create-super-resolution';

/** @deprecated Since 0.2; use {@link createGan}. Removed in 0.3. */
export const createGAN = createGan;
/** @deprecated Since 0.2; use {@link createCgan}. Removed in 0.3. */
export const createCGAN = createCgan;
/** @deprecated Since 0.2; use {@link createAcgan}. Removed in 0.3. */
export const createACGAN = createAcgan;
/** @deprecated Since 0.2; use {@link createInfoGan}. Removed in 0.3. */
export const createInfoGAN = createInfoGan;
/** @deprecated Since 0.2; use {@link createSuperResolutionGan}. Removed in 0.3. */
export const createSuperResolutionGAN = createSuperResolutionGan;
