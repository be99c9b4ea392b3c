/**
 * Content losses: how far a generated image is from its target, pixel by pixel (pix2pix's L1 term,
 * the mean squared error) or in the feature maps of a fixed net (the perceptual loss of Johnson et
 * al. 2016 and SRGAN's VGG loss). Each takes float tensors and returns a scalar.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';
import { checkOneOf, describeValue, nearestName } from '../core/checks';
import { checkFloatTensor, checkImageBatch, checkSameShape } from '../core/tensor-checks';

function checkPair(a: unknown, b: unknown): [tf.Tensor, tf.Tensor] {
  const first = checkFloatTensor(a, 'a', 'to compare');
  const second = checkFloatTensor(b, 'b', 'to compare');
  checkSameShape(first, 'a', second, 'b');
  return [first, second];
}

/**
 * The mean absolute error over every element, pix2pix's L1 term (Isola et al. 2017, "Image-to-Image
 * Translation with Conditional Adversarial Networks", eq. 3, which the paper weighs λ = 100 against
 * the adversarial loss):
 *
 * `MAE(a, b) = (1/N) · Σᵢ |aᵢ − bᵢ|`, N the number of elements.
 *
 * @param a - any float tensor (e.g. generated images `[n, h, w, c]`).
 * @param b - a float tensor of the same shape (e.g. the targets).
 * @example
 * ```ts
 * meanAbsoluteError(tf.tensor1d([1, -1, 0.5]), tf.tensor1d([0, 1, 0.5])); // (1 + 2 + 0) / 3 = 1
 * ```
 * @throws {@link GanConfigError} when a or b is not a non-empty float32 tensor, or their shapes differ.
 */
export function meanAbsoluteError(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  const [first, second] = checkPair(a, b);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(first, second))) as tf.Scalar);
}

/**
 * The mean squared error over every element:
 *
 * `MSE(a, b) = (1/N) · Σᵢ (aᵢ − bᵢ)²`, N the number of elements.
 *
 * @param a - any float tensor.
 * @param b - a float tensor of the same shape.
 * @example
 * ```ts
 * meanSquaredError(tf.tensor1d([1, -1, 0.5]), tf.tensor1d([0, 1, 0.5])); // (1 + 4 + 0) / 3 = 5/3
 * ```
 * @throws {@link GanConfigError} when a or b is not a non-empty float32 tensor, or their shapes differ.
 */
export function meanSquaredError(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  const [first, second] = checkPair(a, b);
  return tf.tidy(() => tf.mean(tf.squaredDifference(first, second)) as tf.Scalar);
}

/**
 * A fixed net's feature maps of a batch of images, one tensor per layer (see {@link featureExtractor}).
 *
 * @example
 * ```ts
 * const features: FeatureFunction = (images) => [tf.avgPool(images, 2, 2, 'valid')];
 * ```
 */
export type FeatureFunction = (images: tf.Tensor4D) => tf.Tensor | tf.Tensor[];

/** How {@link featureLoss} compares feature maps. */
export interface FeatureLossOptions {
  /**
   * `'l2'` (default): the mean squared difference, as Johnson et al.'s feature reconstruction loss
   * and SRGAN's VGG loss; `'l1'`: the mean absolute difference.
   */
  distance?: 'l1' | 'l2';
  /**
   * One non-negative weight per feature map the feature function returns, in its order (default
   * 1 each). SRGAN scales its VGG feature maps by 1/12.75, i.e. its VGG loss by ≈ 0.006, to bring it
   * to the pixel MSE's size.
   */
  weights?: number[];
}

const DISTANCES = ['l1', 'l2'] as const;

function asList(value: tf.Tensor | tf.Tensor[], argument: string): tf.Tensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((t) => t instanceof tf.Tensor))
    throw new GanConfigError(
      argument,
      `expected a tf.Tensor or a non-empty array of them, got ${describeValue(value)}`,
    );
  return list;
}

function checkWeights(weights: unknown): number[] | undefined {
  if (weights === undefined) return undefined;
  if (
    !Array.isArray(weights) ||
    weights.length === 0 ||
    !weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0)
  )
    throw new GanConfigError('options.weights', `expected non-negative numbers, got ${describeValue(weights)}`);
  return weights as number[];
}

/**
 * `features(images)` computed so that no gradient reaches `images`: in a custom op with no inputs,
 * whose forward pass the gradient tape does not record (tfjs records no op run inside another), so
 * `images` is not on the tape's path to the loss, as with TensorFlow's `tf.stop_gradient`. The maps
 * travel flattened into one tensor, since a custom op has one output.
 */
function featuresWithoutGradient(features: FeatureFunction, images: tf.Tensor4D): tf.Tensor[] {
  const shapes: number[][] = [];
  const flat = tf.customGrad(() => {
    const maps = asList(features(images), 'features(target)');
    for (const map of maps) shapes.push(map.shape);
    const value = tf.concat(maps.map((map) => tf.reshape(map, [-1])));
    return { value, gradFunc: () => [] };
  })();
  const sizes = shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  return tf.split(flat, sizes).map((piece, i) => tf.reshape(piece, shapes[i]));
}

/**
 * The feature (perceptual, content) loss: the distance between a fixed net's feature maps φⱼ of
 * the generated images and of their targets, summed over the layers j with weights wⱼ:
 *
 * `L_feat = Σⱼ wⱼ · mean((φⱼ(generated) − φⱼ(target))²)` (`distance: 'l2'`), or with `|·|` (`'l1'`).
 *
 * With `'l2'` and one layer this is Johnson et al. 2016's feature reconstruction loss
 * ("Perceptual Losses for Real-Time Style Transfer and Super-Resolution", eq. 2,
 * `‖φⱼ(ŷ) − φⱼ(y)‖²₂ / (CⱼHⱼWⱼ)`) and SRGAN's VGG loss (Ledig et al. 2017, "Photo-Realistic
 * Single Image Super-Resolution Using a Generative Adversarial Network", eq. 5), whose φ is a
 * VGG19 layer (see {@link featureExtractor}).
 *
 * Gradients reach `generated` through `features`; none reach `target`, whose features are computed
 * off the gradient tape (as TensorFlow's `tf.stop_gradient`; `tf.variableGrads` lists no gradient
 * for it). The net's own weights do get gradients when they are trainable variables: freeze it
 * (`model.trainable = false`) or give the optimizer the generator's variables only.
 *
 * @param features - the fixed net, returning one feature map or several; it is called twice, on
 *   `generated` and on `target`, and must return maps of the same shapes for both.
 * @param generated - generated images `[n, h, w, c]`.
 * @param target - the images they should match, the same shape.
 * @param options - the distance and the per-layer weights.
 * @example
 * ```ts
 * const vgg = featureExtractor(await tfl.loadLayersModel(url), ['block5_conv4']);
 * const content = featureLoss(vgg, generator.apply(lowRes) as tf.Tensor4D, highRes, { weights: [0.006] });
 * ```
 * @throws {@link GanConfigError} when features is not a function, generated or target is not a
 *   float32 image batch or their shapes differ, the options are not as documented, or (once the
 *   net has run) it returns no tensors, a number of maps other than `weights.length`, or maps of
 *   different shapes for the two batches.
 */
export function featureLoss(
  features: FeatureFunction,
  generated: tf.Tensor4D,
  target: tf.Tensor4D,
  options: FeatureLossOptions = {},
): tf.Scalar {
  if (typeof features !== 'function')
    throw new GanConfigError(
      'features',
      `expected a function from images to feature maps, got ${describeValue(features)}`,
    );
  const fake = checkImageBatch(generated, 'generated');
  const real = checkImageBatch(target, 'target');
  checkSameShape(fake, 'generated', real, 'target');
  const distance = checkOneOf(options?.distance ?? 'l2', DISTANCES, 'options.distance');
  const weights = checkWeights(options?.weights);
  return tf.tidy(() => {
    const fakeMaps = asList(features(fake), 'features(generated)');
    if (weights !== undefined && weights.length !== fakeMaps.length) {
      throw new GanConfigError(
        'options.weights',
        `expected one weight per feature map (${fakeMaps.length}), got ${weights.length}`,
      );
    }
    const realMaps = featuresWithoutGradient(features, real);
    if (realMaps.length !== fakeMaps.length) {
      throw new GanConfigError(
        'features',
        `returned ${fakeMaps.length} maps for generated but ${realMaps.length} for target`,
      );
    }
    const terms = fakeMaps.map((fakeMap, j) => {
      checkSameShape(fakeMap, `features(generated)[${j}]`, realMaps[j], `features(target)[${j}]`);
      const difference = tf.sub(fakeMap, realMaps[j]);
      const term = tf.mean(distance === 'l2' ? tf.square(difference) : tf.abs(difference));
      return weights === undefined ? term : tf.mul(term, weights[j]);
    });
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
  });
}

/**
 * A {@link FeatureFunction} returning the outputs of the named layers of `model`, in the order
 * given: one multi-output `tfl.model` over `model`'s input and those layers' outputs, sharing
 * `model`'s weights (nothing is copied), run in inference mode (`training: false`). Use it to take
 * a classifier's intermediate maps for {@link featureLoss}, e.g. Keras VGG19's `block5_conv4`
 * (SRGAN's "VGG54" loss, Ledig et al. 2017) or VGG16's `block2_conv2` (relu2_2, which Johnson et
 * al. 2016 use for super-resolution).
 *
 * `model` must have one input; images given to the function must have its input shape. Keep
 * `model` alive while the function is used, and dispose `model` (not the function) at the end.
 *
 * @param model - a built tfjs-layers model with one input.
 * @param layerNames - the layers whose outputs to return (at least one).
 * @example
 * ```ts
 * const vgg = await tfl.loadLayersModel('file://vgg19/model.json');
 * vgg.trainable = false;
 * const relu22 = featureExtractor(vgg, ['block2_conv2']);
 * const [maps] = relu22(images); // [n, h/2, w/2, 128]
 * ```
 * @throws {@link GanConfigError} when model is not a LayersModel with one input, layerNames is
 *   not a non-empty array of strings, or it names a layer the model lacks (the message lists the
 *   model's layers) or one whose output is not a single tensor.
 */
export function featureExtractor(model: tfl.LayersModel, layerNames: string[]): (images: tf.Tensor4D) => tf.Tensor[] {
  if (!(model instanceof tfl.LayersModel))
    throw new GanConfigError('model', `expected a tfjs-layers LayersModel, got ${describeValue(model)}`);
  if (model.inputs.length !== 1)
    throw new GanConfigError('model', `expected a model with one input, got ${model.inputs.length}`);
  if (!Array.isArray(layerNames) || layerNames.length === 0 || !layerNames.every((n) => typeof n === 'string'))
    throw new GanConfigError(
      'layerNames',
      `expected a non-empty array of layer names, got ${describeValue(layerNames)}`,
    );
  const known = model.layers.map((layer) => layer.name);
  const outputs = layerNames.map((name, i) => {
    const layer = model.layers.find((l) => l.name === name);
    if (layer === undefined) {
      const nearest = nearestName(name, known);
      throw new GanConfigError(
        `layerNames[${i}]`,
        `model "${model.name}" has no layer named "${name}"${nearest === undefined ? '' : ` (did you mean "${nearest}"?)`}; its layers are: ${known.join(', ')}`,
      );
    }
    let output: tfl.SymbolicTensor | tfl.SymbolicTensor[];
    try {
      output = layer.output;
    } catch {
      throw new GanConfigError(
        `layerNames[${i}]`,
        `layer "${name}" is used more than once in the model, so it has no single output`,
      );
    }
    if (Array.isArray(output))
      throw new GanConfigError(
        `layerNames[${i}]`,
        `layer "${name}" has ${output.length} outputs; name a layer with one`,
      );
    return output;
  });
  const extractor = tfl.model({ inputs: model.inputs, outputs, name: `${model.name}_features` });
  return (images: tf.Tensor4D): tf.Tensor[] => {
    const batch = checkImageBatch(images, 'images');
    const result = extractor.apply(batch, { training: false }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(result) ? result : [result];
  };
}
