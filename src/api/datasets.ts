/**
 * `datasets`: image sets in memory ({@link ImageDataset}), streamed sources, pairs for image-to-image
 * models and the transforms between (resize, crop, channels, bicubic, Sobel edges).
 *
 * @packageDocumentation
 */
export {
  ImageDataset,
  type DataBatch,
  type BatchOptions,
  type ImageDatasetOptions,
  type ImageShape,
} from '../data/dataset';
export { batchIndices, countBatches, pixelsToImages, type ImageSource } from '../data/image-source';
export { SubsetImageSource, splitImageSource, type IndexedImageSource } from '../data/subset-source';
export { pairImageSets, derivePairs, type PairedImageSource, type PairBatch } from '../data/paired-source';
export {
  StreamedImageSource,
  type ImageReader,
  type SkippedImage,
  type StreamedImageSourceArgs,
} from '../data/streamed-source';
export {
  transformImage,
  convertChannels,
  resizeImage,
  cropWindow,
  checkTransformOptions,
  type CropWindow,
  type RawImage,
  type ResizeMethod,
  type ImageTransformOptions,
} from '../data/transforms';
export { resizeBicubic, type ResizeBicubicOptions } from '../data/resize-bicubic';
export { sobelEdges, type SobelEdgesOptions } from '../data/edges';
