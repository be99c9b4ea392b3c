/// <reference lib="dom" />
import { DataFormatError, datasets } from 'gankit';

/**
 * Fetches the MNIST subset the build wrote (`data/mnist-subset.bin`: "GKMN", count (uint32 LE),
 * height, width (uint16 LE), count label bytes, then the pixels) as an {@link datasets.ImageDataset}.
 */
export async function loadMnistSubset(url: string): Promise<datasets.ImageDataset> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < 12 || magic !== 'GKMN')
    throw new DataFormatError('is not a gankit MNIST subset (no "GKMN" header)', url);
  const count = view.getUint32(4, true);
  const height = view.getUint16(8, true);
  const width = view.getUint16(10, true);
  const expected = 12 + count * (1 + height * width);
  if (bytes.length !== expected)
    throw new DataFormatError(`has ${bytes.length} bytes; its header needs ${expected}`, url);
  const labels = bytes.subarray(12, 12 + count);
  const pixels = bytes.subarray(12 + count);
  return datasets.ImageDataset.fromPixels(pixels, [count, height, width, 1], labels, { numClasses: 10, source: url });
}
