export { ImageToImageGan, type ImageToImageFitOptions, type ImageToImageCallback } from './image-to-image-gan';
export type {
  ImageToImageModels,
  ImageToImageConfig,
  ImageToImageData,
  ImageToImageBatch,
  ImageToImageOptimizers,
  ContentFeatures,
} from './config';
export { loadImageToImageGAN, type LoadImageToImageOptions } from './load';
export {
  IMAGE_TO_IMAGE_LOG_NAMES,
  IMAGE_TO_IMAGE_LOSS_NETS,
  IMAGE_TO_IMAGE_LOG_FORMAT,
  type ImageToImageStepLogs,
  type ImageToImageEpochLogs,
} from './logs';
