/**
 * `datasets` in Node: everything in the browser's `datasets`, plus what reads files: MNIST and
 * Fashion-MNIST, folders of images (single or paired), HDF5, IDX and image decoding.
 *
 * @packageDocumentation
 */
export * from './datasets';
export { openImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions } from '../data/image-folder';
export {
  openPairedImageFolders,
  type PairedImageFoldersOptions,
  type PairedImageFolders,
} from '../data/paired-folders';
export { openHdf5Images, type Hdf5SourceOptions } from '../data/hdf5-source';
export { loadHdf5Images, type Hdf5ImagesOptions } from '../data/hdf5';
export {
  decodeImage,
  probeImage,
  sniffFormat,
  PROBE_HEAD_BYTES,
  PROBE_TAIL_BYTES,
  type ImageProbe,
  type ImageFormat,
} from '../data/decode';
export { parseIdx, readIdxFile, type IdxArray, type IdxDtype } from '../data/idx';
export {
  loadMnist,
  loadFashionMnist,
  MNIST_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  type MnistOptions,
} from '../data/mnist';
