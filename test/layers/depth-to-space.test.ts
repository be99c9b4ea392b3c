/**
 * DepthToSpace: the pixel shuffle of sub-pixel convolution, checked against tf.depthToSpace, an
 * index-by-index reference of TensorFlow's DepthToSpace / SpaceToDepth, and finite differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DepthToSpace } from '../../src/layers/depth-to-space';
import { GANKIT_LAYER_CLASSES } from '../../src/layers/register';
import { GanConfigError } from '../../src/errors';
import { thrownBy, useDefaultBackend } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  await useDefaultBackend();
});

const values = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/**
 * TensorFlow's SpaceToDepth written out index by index on a flat NHWC array:
 * `out[n, i, j, (b·di + dj)·c + k] = in[n, b·i + di, b·j + dj, k]`.
 */
function spaceToDepthReference(input: number[], [n, h, w, c]: number[], b: number): number[] {
  const out = new Array<number>(input.length);
  const [oh, ow, oc] = [h / b, w / b, c * b * b];
  for (let s = 0; s < n; s++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let di = 0; di < b; di++)
          for (let dj = 0; dj < b; dj++)
            for (let k = 0; k < c; k++)
              out[((s * oh + i) * ow + j) * oc + (b * di + dj) * c + k] =
                input[((s * h + b * i + di) * w + b * j + dj) * c + k];
  return out;
}

describe.each(['cpu', 'wasm'])('DepthToSpace on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  test('equals tf.depthToSpace on random inputs, for block sizes 2 and 3 and several channel counts', () => {
    for (const [shape, b] of [
      [[2, 3, 4, 8], 2],
      [[1, 2, 2, 4], 2],
      [[3, 2, 3, 18], 3],
      [[1, 5, 1, 12], 2],
    ] as [[number, number, number, number], number][]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
      const layer = new DepthToSpace({ blockSize: b });
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([shape[0], shape[1] * b, shape[2] * b, shape[3] / (b * b)]);
      expect(layer.computeOutputShape([null, shape[1], shape[2], shape[3]])).toEqual([
        null,
        shape[1] * b,
        shape[2] * b,
        shape[3] / (b * b),
      ]);
      expect(values(y)).toEqual(values(tf.depthToSpace(x as tf.Tensor4D, b)));
      x.dispose();
    }
  });

  test('places channels as TensorFlow does, on hand-written numbers', () => {
    // One pixel with channels [1 2 3 4] becomes the 2×2 block [[1 2] [3 4]].
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
    expect(values(new DepthToSpace({ blockSize: 2 }).apply(x) as tf.Tensor)).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
    x.dispose();
  });

  test('is the exact inverse of SpaceToDepth, both ways', () => {
    const shape = [2, 4, 6, 3];
    const image = tf.randomUniform(shape, -1, 1, 'float32', 3);
    const pixels = Array.from(image.dataSync());
    const deep = tf.tensor4d(spaceToDepthReference(pixels, shape, 2), [2, 2, 3, 12]);
    const layer = new DepthToSpace({ blockSize: 2 });
    expect(values(layer.apply(deep) as tf.Tensor)).toEqual(pixels);
    const channels = tf.randomUniform([2, 2, 3, 12], -1, 1, 'float32', 4);
    const shuffled = layer.apply(channels) as tf.Tensor;
    expect(spaceToDepthReference(values(shuffled), shape, 2)).toEqual(Array.from(channels.dataSync()));
    tf.dispose([image, deep, channels]);
  });

  test('has a gradient (tf.depthToSpace has none): SpaceToDepth of the upstream gradient, as finite differences say', () => {
    const x = tf.randomNormal([2, 2, 3, 8], 0, 1, 'float32', 11);
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(tf.depthToSpace(v as tf.Tensor4D, 2)))(x)).toThrow(/DepthToSpace/);
    const upstream = tf.randomNormal([2, 4, 6, 2], 0, 1, 'float32', 12);
    const layer = new DepthToSpace({ blockSize: 2 });
    const f = (v: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, upstream));
    const analytic = values(tf.grad(f)(x));
    expect(analytic).toEqual(spaceToDepthReference(Array.from(upstream.dataSync()), [2, 4, 6, 2], 2));
    // f is linear, so a central difference is exact up to float rounding.
    const base = Array.from(x.dataSync());
    const h = 1e-2;
    for (const index of [0, 5, 17, 42, 95]) {
      const at = (delta: number): number => {
        const shifted = base.slice();
        shifted[index] += delta;
        const t = tf.tensor4d(shifted, [2, 2, 3, 8]);
        const v = values(f(t))[0];
        t.dispose();
        return v;
      };
      expect((at(h) - at(-h)) / (2 * h)).toBeCloseTo(analytic[index], 2);
    }
    tf.dispose([x, upstream]);
  });
});

describe('DepthToSpace as a layer', () => {
  test('refuses a bad blockSize, and inputs whose channels are not a multiple of blockSize²', () => {
    for (const blockSize of [1, 0, 2.5, Number.NaN, '2' as never]) {
      const error = thrownBy(() => new DepthToSpace({ blockSize }));
      expect(error).toBeInstanceOf(GanConfigError);
      expect(error).toMatchObject({ argument: 'blockSize' });
    }
    const input = tfl.input({ shape: [4, 4, 6] });
    const error = thrownBy(() => new DepthToSpace({ blockSize: 2, name: 'shuffle' }).apply(input));
    expect(error).toMatchObject({ argument: 'shuffle' });
    expect(String(error)).toMatch(/multiple of blockSize² = 4/);
  });

  test('getConfig / fromConfig round trip, and a saved model reloads through tf.loadLayersModel', async () => {
    expect(GANKIT_LAYER_CLASSES).toContain(DepthToSpace);
    const layer = new DepthToSpace({ blockSize: 3, name: 'shuffle3' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ blockSize: 3, name: 'shuffle3' });
    const copy = tf.serialization.SerializationMap.getMap().classNameMap[DepthToSpace.className][1](
      DepthToSpace,
      config,
    ) as DepthToSpace;
    expect(copy).toBeInstanceOf(DepthToSpace);
    expect(copy.blockSize).toBe(3);

    const before = tf.memory().numTensors;
    const input = tfl.input({ shape: [3, 3, 2] });
    const conv = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: 'glorotUniform' });
    const output = new DepthToSpace({ blockSize: 2 }).apply(conv.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(saved?.modelTopology)).toContain('GankitDepthToSpace');
    const again = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    expect(again.layers[2]).toBeInstanceOf(DepthToSpace);
    expect(again.outputs[0].shape).toEqual([null, 6, 6, 2]);
    const x = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 5);
    const expected = model.predict(x) as tf.Tensor;
    expect(values(again.predict(x) as tf.Tensor)).toEqual(values(expected));
    tf.dispose(x);
    model.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
