/**
 * Transforms on 8-bit pixels: channel conversion, centre crop, area and bilinear resize, checked
 * on hand-computed numbers and against tfjs's own resize/pooling kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError } from '../../src/errors';
import {
  checkTransformOptions,
  convertChannels,
  cropWindow,
  resizeImage,
  transformImage,
  type RawImage,
} from '../../src/data/transforms';
import { pixelsToImages } from '../../src/data/image-source';
import { useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

function randomImage(height: number, width: number, channels: number, seed: number): RawImage {
  let s = seed;
  const data = Uint8Array.from({ length: height * width * channels }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  });
  return { data, height, width, channels };
}

const whole = (image: RawImage): { top: number; left: number; height: number; width: number } => ({
  top: 0,
  left: 0,
  height: image.height,
  width: image.width,
});

describe('convertChannels', () => {
  test('gray → RGB replicates; RGB → gray is BT.601 luma; RGBA → RGB composites or drops alpha', () => {
    const gray: RawImage = { data: new Uint8Array([10, 200]), height: 1, width: 2, channels: 1 };
    expect(Array.from(convertChannels(gray, 3).data)).toEqual([10, 10, 10, 200, 200, 200]);
    expect(Array.from(convertChannels(gray, 4).data)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const rgb: RawImage = { data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]), height: 1, width: 3, channels: 3 };
    expect(Array.from(convertChannels(rgb, 1).data)).toEqual([76, 150, 29]); // 0.299, 0.587, 0.114 of 255
    const rgba: RawImage = { data: new Uint8Array([100, 0, 200, 128, 7, 8, 9, 0]), height: 1, width: 2, channels: 4 };
    // On white: c·a/255 + 255·(1 − a/255). 100 → 177.2, 0 → 127, 200 → 227.4; a = 0 gives the background.
    expect(Array.from(convertChannels(rgba, 3).data)).toEqual([177, 127, 227, 255, 255, 255]);
    expect(Array.from(convertChannels(rgba, 3, [0, 0, 0]).data)).toEqual([50, 0, 100, 0, 0, 0]);
    expect(Array.from(convertChannels(rgba, 3, 'drop').data)).toEqual([100, 0, 200, 7, 8, 9]);
    const grayAlpha: RawImage = { data: new Uint8Array([0, 0, 255, 255]), height: 1, width: 2, channels: 2 };
    expect(Array.from(convertChannels(grayAlpha, 1).data)).toEqual([255, 255]);
    expect(Array.from(convertChannels(grayAlpha, 1, [0, 0, 0]).data)).toEqual([0, 255]);
  });
});

describe('cropWindow', () => {
  test("'aspect' cuts the centred window of the output's aspect; [h, w] that window; 'none' everything", () => {
    expect(cropWindow(218, 178, 'aspect', 64, 64)).toEqual({ top: 20, left: 0, height: 178, width: 178 });
    expect(cropWindow(100, 300, undefined, 32, 64)).toEqual({ top: 0, left: 50, height: 100, width: 200 });
    expect(cropWindow(218, 178, [108, 108], 64, 64)).toEqual({ top: 55, left: 35, height: 108, width: 108 });
    expect(cropWindow(218, 178, 'none', 64, 64)).toEqual({ top: 0, left: 0, height: 218, width: 178 });
    expect(() => cropWindow(50, 50, [64, 64], 32, 32)).toThrow(/crop: \[64, 64\] is larger than the image/);
  });
});

describe('resizeImage', () => {
  test('area: a 2× shrink is the mean of each 2×2 block (hand-computed) and matches tf.avgPool', () => {
    const image: RawImage = {
      data: new Uint8Array([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 250]),
      height: 4,
      width: 4,
      channels: 1,
    };
    expect(Array.from(resizeImage(image, whole(image), 2, 2, 'area'))).toEqual([25, 45, 105, 150]);
    const big = randomImage(24, 36, 3, 5);
    const ours = resizeImage(big, whole(big), 8, 12, 'area');
    const reference = tf.tidy(() =>
      tf.round(tf.avgPool(tf.tensor4d(big.data, [1, 24, 36, 3], 'float32'), 3, 3, 'valid')).dataSync(),
    );
    expect(Array.from(ours)).toEqual(Array.from(reference));
  });

  test('area with a fractional factor weights the overlap: 3 pixels → 2', () => {
    const image: RawImage = { data: new Uint8Array([0, 90, 180]), height: 1, width: 3, channels: 1 };
    // Output 0 covers [0, 1.5): 0·1 + 90·0.5 over 1.5 = 30; output 1 covers [1.5, 3): 90·0.5 + 180 over 1.5 = 150.
    expect(Array.from(resizeImage(image, whole(image), 1, 2, 'area'))).toEqual([30, 150]);
  });

  test('bilinear: half-pixel centres (hand-computed) and the same as tf.image.resizeBilinear(halfPixelCenters)', () => {
    const image: RawImage = { data: new Uint8Array([0, 255]), height: 1, width: 2, channels: 1 };
    expect(Array.from(resizeImage(image, whole(image), 1, 4, 'bilinear'))).toEqual([0, 64, 191, 255]);
    const big = randomImage(20, 14, 3, 9);
    for (const [h, w] of [
      [31, 9],
      [7, 28],
    ]) {
      const ours = resizeImage(big, whole(big), h, w, 'bilinear');
      const reference = tf.tidy(() =>
        tf
          .round(tf.image.resizeBilinear(tf.tensor4d(big.data, [1, 20, 14, 3], 'float32'), [h, w], false, true))
          .dataSync(),
      );
      const diff = Array.from(ours).map((v, i) => Math.abs(v - reference[i]));
      expect(Math.max(...diff)).toBeLessThanOrEqual(1); // rounding of float sums in a different order
    }
  });
});

describe('transformImage', () => {
  test('a CelebA-sized RGBA image → 16×16×3: composite, centre square crop, area resize; same size is a copy', () => {
    const image = randomImage(218, 178, 4, 3);
    const out = transformImage(image, { imageShape: [16, 16, 3] });
    const expected = resizeImage(
      convertChannels(image, 3),
      { top: 20, left: 0, height: 178, width: 178 },
      16,
      16,
      'area',
    );
    expect(out).toEqual(expected);
    const rgb = randomImage(8, 8, 3, 4);
    expect(transformImage(rgb, { imageShape: [8, 8, 3] })).toEqual(rgb.data);
    const into = new Uint8Array(2 + 8 * 8 * 3);
    transformImage(rgb, { imageShape: [8, 8, 3] }, into, 2);
    expect(into.subarray(2)).toEqual(rgb.data);
  });

  test('pixelsToImages scales 0–255 to [-1, 1]', () => {
    const images = pixelsToImages(new Uint8Array([0, 51, 255]), [1, 1, 3, 1]);
    const values = Array.from(images.dataSync());
    expect(values[0]).toBe(-1);
    expect(values[1]).toBeCloseTo(-0.6, 6);
    expect(values[2]).toBe(1);
    images.dispose();
  });

  test('bad options are GanConfigErrors naming the option', () => {
    expect(() => checkTransformOptions({ imageShape: [64, 64, 2] })).toThrow(
      /imageShape: expected.*1, 3 or 4 channels/,
    );
    expect(() => checkTransformOptions({ imageShape: [64, 64, 3], crop: [0, 5] })).toThrow(/crop/);
    expect(() => checkTransformOptions({ imageShape: [64, 64, 3], resize: 'cubic' as 'area' })).toThrow(/resize/);
    expect(() => checkTransformOptions({ imageShape: [64, 64, 3], background: [0, 0, 256] })).toThrow(GanConfigError);
  });
});
