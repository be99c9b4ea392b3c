/**
 * The image-to-image family as both entries export it (loading and the pair-grid files are Node's: src/index.ts).
 *
 * @packageDocumentation
 */
export { ImageToImageGan, type ImageToImageFitOptions, type ImageToImageCallback } from './image-to-image-gan';
export type {
  ImageToImageModels,
  ImageToImageConfig,
  ImageToImageData,
  ImageToImageBatch,
  ImageToImageOptimizers,
  ContentFeatures,
  ContentConfig,
} from './config';
export {
  IMAGE_TO_IMAGE_LOG_NAMES,
  IMAGE_TO_IMAGE_LOSS_NETS,
  IMAGE_TO_IMAGE_LOG_FORMAT,
  type ImageToImageStepLogs,
  type ImageToImageEpochLogs,
} from './logs';
export { createPix2Pix, type CreatePix2PixOptions } from './create-pix2pix';
export { createSuperResolutionGAN, type CreateSuperResolutionOptions } from './create-super-resolution';
export { pairGridImages } from './pair-grid-images';
