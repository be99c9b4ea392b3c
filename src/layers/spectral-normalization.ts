/**
 * Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
 * Networks"): a layer's kernel W is used as `W / σ(W)`, where σ(W) is W's largest singular value,
 * estimated by power iteration with a persistent vector `u`. It keeps D 1-Lipschitz per layer,
 * which steadies GAN training.
 *
 * tfjs-layers' `Wrapper` base class is not part of its public API (only `bidirectional` and
 * `timeDistributed` are), and a wrapper could not swap the kernel a wrapped `Dense` reads anyway,
 * so the layers here own their kernel: {@link SpectralDense} and {@link SpectralConv2D} compute
 * what `Dense` and `Conv2D` compute, with the normalised kernel. {@link nets.spectralNorm} turns an
 * unbuilt `tf.layers.dense(...)` / `tf.layers.conv2d(...)` into its spectral counterpart.
 *
 * This file holds their common base class, {@link SpectralNormalization}, and the arguments they share.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanConfigError } from '../errors';

/** A tfjs-layers initializer object (what `tf.initializers.heNormal(...)` returns). */
export type LayerInitializer = ReturnType<typeof tfl.initializers.zeros>;
type LayerVariable = tfl.LayerVariable;
type ActivationIdentifier = NonNullable<Parameters<typeof tfl.layers.activation>[0]>['activation'];
/**
 * An initializer: an object from `tf.initializers`, its name (`'glorotUniform'`), or its serialised form `{ className, config }`.
 *
 * @example
 * ```ts
 * new SpectralDense({ units: 64, kernelInitializer: tf.initializers.heNormal({ seed: 1 }), biasInitializer: 'zeros' });
 * ```
 */
export type InitializerSpec = LayerInitializer | string | tf.serialization.ConfigDict;

/**
 * Options of the spectral normalisation itself, shared by {@link SpectralDense}, {@link SpectralConv2D} and {@link nets.spectralNorm}.
 *
 * @example
 * ```ts
 * const layer = spectralNorm(tf.layers.dense({ units: 1 }), { powerIterations: 2, seed: 7 });
 * ```
 */
export interface SpectralNormOptions {
  /** Power iterations per training call (default 1, as in the paper: `u` carries over between calls). */
  powerIterations?: number;
  /** Added to norms before dividing (default 1e-12). */
  epsilon?: number;
  /** Seed of the random start of `u` (default: random). */
  seed?: number;
}

/** Layer arguments every spectral layer accepts (those of `tf.layers.Layer`, plus the kernel's). */
interface SpectralLayerArgs extends SpectralNormOptions {
  /** Activation after the layer (default `'linear'`). */
  activation?: ActivationIdentifier;
  /** Add a bias (default true). */
  useBias?: boolean;
  /** Initializer of the raw kernel (default `glorotNormal`, as tfjs-layers' own layers). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias (default `zeros`). */
  biasInitializer?: InitializerSpec;
  /** Layer name. */
  name?: string;
  /** Whether the kernel and bias are trained (default true). */
  trainable?: boolean;
  /** Input shape without the batch (first layer of a model only). */
  inputShape?: tfl.Shape;
  /** Input shape with the batch. */
  batchInputShape?: tfl.Shape;
  /** Layer dtype (float32). */
  dtype?: tf.DataType;
}

/**
 * Arguments of {@link SpectralDense}: those of `tf.layers.dense` that it supports, plus {@link SpectralNormOptions}.
 *
 * @example
 * ```ts
 * const args: SpectralDenseArgs = { units: 256, activation: 'relu', seed: 1 };
 * const layer = new SpectralDense(args);
 * ```
 */
export interface SpectralDenseArgs extends SpectralLayerArgs {
  /** Output units. */
  units: number;
}

/**
 * Arguments of {@link SpectralConv2D}: those of `tf.layers.conv2d` that it supports (channels-last), plus {@link SpectralNormOptions}.
 *
 * @example
 * ```ts
 * const args: SpectralConv2DArgs = { filters: 128, kernelSize: 4, strides: 2, padding: 'same' };
 * const layer = new SpectralConv2D(args);
 * ```
 */
export interface SpectralConv2DArgs extends SpectralLayerArgs {
  /** Output channels. */
  filters: number;
  /** Kernel size, one for both axes or `[height, width]`. */
  kernelSize: number | number[];
  /** Strides (default 1). */
  strides?: number | number[];
  /** `valid` (default) or `same`. */
  padding?: 'valid' | 'same';
  /** Dilation (default 1; must be 1 when a stride is not). */
  dilationRate?: number | number[];
  /** Only `channelsLast` is supported. */
  dataFormat?: 'channelsLast';
}

const ZERO_ARGS = new Set(['zeros', 'ones', 'Zeros', 'Ones']);

/** An initializer object from any of the forms tfjs-layers' own layers accept. */
/** @internal */
export function toInitializer(spec: InitializerSpec | undefined, fallback: string, argument: string): LayerInitializer {
  const value = spec ?? fallback;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LayerInitializer).apply === 'function' &&
    typeof (value as LayerInitializer).getClassName === 'function'
  ) {
    return value as LayerInitializer;
  }
  if (typeof value === 'string') {
    const factories = tfl.initializers as unknown as Record<string, ((args?: unknown) => LayerInitializer) | undefined>;
    const id = value.charAt(0).toLowerCase() + value.slice(1);
    const factory = factories[id];
    if (typeof factory === 'function') return ZERO_ARGS.has(value) ? factory() : factory({});
    throw new GanConfigError(argument, `unknown initializer '${value}'`);
  }
  const dict = value as { className?: unknown; config?: tf.serialization.ConfigDict };
  const entry =
    typeof dict.className === 'string'
      ? tf.serialization.SerializationMap.getMap().classNameMap[dict.className]
      : undefined;
  if (entry === undefined) throw new GanConfigError(argument, `unknown initializer ${JSON.stringify(value)}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, dict.config ?? {}) as unknown as LayerInitializer;
}

/** @internal */
export function serializeInitializer(init: LayerInitializer): tf.serialization.ConfigDict {
  return { className: init.getClassName(), config: init.getConfig() };
}

/** @internal */
export function pair(value: number | number[] | undefined, fallback: number, argument: string): [number, number] {
  const v = value ?? fallback;
  const out = (typeof v === 'number' ? [v, v] : v) as number[];
  if (!Array.isArray(out) || out.length !== 2 || out.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new GanConfigError(argument, `expected a positive integer or two, got ${JSON.stringify(value)}`);
  }
  return [out[0], out[1]];
}

/** @internal */
export function l2Normalize(x: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), epsilon));
}

/**
 * The spectral normalisation shared by {@link SpectralDense} and {@link SpectralConv2D}: the layer
 * owns a raw kernel (trainable), a bias, and `u` (non-trainable, `[1, outputs]`, saved with the
 * model). With the kernel seen as a matrix W `[outputs, fan-in]` (PyTorch's layout; tfjs stores its
 * transpose), every call computes `v = Wᵀu / ‖Wᵀu‖`, `σ = uᵀ W v` (= ‖Wᵀu‖) and uses `W / σ`.
 *
 * - **Training** (`training: true`, as gankit's trainer and `model.fit` call D): first
 *   `powerIterations` steps `u ← W v / ‖W v‖` (with `v` from the current `u`), then σ as above
 *   from the new `u`, which is stored. The gradient treats `u` and `v` as constants, as in the
 *   paper and PyTorch's `spectral_norm`: `∂σ/∂W = u vᵀ`.
 * - **Inference** (`predict`, `generate`): σ from the stored `u`, which is not changed, so a saved
 *   and reloaded model gives the same outputs.
 *
 * After many training calls (or {@link SpectralNormalization.powerIterate}), σ is W's largest
 * singular value and `W / σ` has spectral norm 1.
 *
 * @example
 * ```ts
 * const normalised = discriminator.layers.filter((l) => l instanceof SpectralNormalization) as SpectralNormalization[];
 * console.log(normalised.map((l) => l.sigma())); // each layer's current σ estimate
 * ```
 */
export abstract class SpectralNormalization extends tfl.layers.Layer {
  /** Power iterations per training call. */
  readonly powerIterations: number;
  /** Added to norms before dividing. */
  readonly epsilon: number;
  /** Activation name (as tfjs-layers spells it). */
  readonly activation: string;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  protected readonly kernelInitializer: LayerInitializer;
  protected readonly biasInitializer: LayerInitializer;
  protected readonly uInitializer: LayerInitializer;
  protected kernel: LayerVariable | null = null;
  protected bias: LayerVariable | null = null;
  protected u: LayerVariable | null = null;
  private readonly activationLayer: tfl.layers.Layer | null;

  protected constructor(args: SpectralLayerArgs) {
    super({
      name: args.name,
      trainable: args.trainable,
      inputShape: args.inputShape,
      batchInputShape: args.batchInputShape,
      dtype: args.dtype,
    });
    const iterations = args.powerIterations ?? 1;
    if (!Number.isInteger(iterations) || iterations < 1)
      throw new GanConfigError('powerIterations', `expected a positive integer, got ${iterations}`);
    this.powerIterations = iterations;
    const epsilon = args.epsilon ?? 1e-12;
    if (!(typeof epsilon === 'number' && epsilon > 0 && epsilon < 1))
      throw new GanConfigError('epsilon', `expected a number in (0, 1), got ${epsilon}`);
    this.epsilon = epsilon;
    this.activation = args.activation ?? 'linear';
    this.activationLayer =
      this.activation === 'linear'
        ? null
        : tfl.layers.activation({ activation: this.activation as ActivationIdentifier });
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = toInitializer(args.kernelInitializer, 'glorotNormal', 'kernelInitializer');
    this.biasInitializer = toInitializer(args.biasInitializer, 'zeros', 'biasInitializer');
    this.uInitializer = tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: args.seed });
  }

  /** The number of outputs (units or filters): the length of `u`. */
  protected abstract get outputs(): number;

  /** Creates the kernel, bias and `u` weights. */
  protected addSpectralWeights(kernelShape: number[]): void {
    if (this.kernel !== null) return;
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', this.kernelInitializer, undefined, true);
    if (this.useBias)
      this.bias = this.addWeight('bias', [this.outputs], 'float32', this.biasInitializer, undefined, true);
    this.u = this.addWeight('u', [1, this.outputs], 'float32', this.uInitializer, undefined, false);
  }

  private checkBuilt(): { kernel: LayerVariable; u: LayerVariable } {
    if (this.kernel === null || this.u === null) {
      throw new GanConfigError(
        this.name,
        'the layer is not built yet (apply it to an input or call build(inputShape) first)',
      );
    }
    return { kernel: this.kernel, u: this.u };
  }

  /**
   * `W / σ(W)` in the kernel's own shape, with the custom gradient described above. When
   * `training`, runs the power iterations first and stores the new `u`.
   */
  protected normalizedKernel(training: boolean): tf.Tensor {
    const { kernel, u: uVar } = this.checkBuilt();
    const n = this.outputs;
    const eps = this.epsilon;
    const iterations = training ? this.powerIterations : 0;
    const normalize = tf.customGrad(((k: tf.Tensor, save: tf.GradSaveFunc) => {
      // Inside a customGrad forward nothing is recorded for backprop: u and v are constants.
      const w = tf.reshape(k, [-1, n]); // [fan-in, outputs] = Wᵀ
      let u = l2Normalize(uVar.read(), eps); // [1, outputs]
      for (let i = 0; i < iterations; i++) {
        const v = l2Normalize(tf.matMul(u, w, false, true), eps); // [1, fan-in] = (Wᵀu)ᵀ / ‖·‖
        u = l2Normalize(tf.matMul(v, w), eps); // [1, outputs] = (W v)ᵀ / ‖·‖
      }
      if (iterations > 0) uVar.write(u);
      const v = l2Normalize(tf.matMul(u, w, false, true), eps);
      const sigma = tf.sum(tf.mul(tf.matMul(v, w), u)); // uᵀ W v
      save([w, u, v, sigma]);
      return {
        value: tf.div(k, sigma),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [ws, us, vs, s] = saved;
          const g = tf.reshape(dy, ws.shape);
          // d(W/σ) = dW/σ − (⟨G, W⟩/σ²)·∂σ/∂W, with ∂σ/∂W = v uᵀ in this [fan-in, outputs] layout.
          const inner = tf.sum(tf.mul(g, ws));
          const grad = tf.sub(tf.div(g, s), tf.mul(tf.div(inner, tf.square(s)), tf.matMul(vs, us, true, false)));
          return tf.reshape(grad, dy.shape);
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return normalize(kernel.read());
  }

  /** Applies the activation to the output of the (biased) matmul or convolution. */
  protected finish(x: tf.Tensor): tf.Tensor {
    return this.activationLayer === null ? x : (this.activationLayer.apply(x) as tf.Tensor);
  }

  /**
   * The current estimate of σ(W), the kernel's largest singular value, from the stored `u`
   * (nothing is updated).
   *
   * @example
   * ```ts
   * const sn = new SpectralDense({ units: 8 });
   * sn.build([null, 16]);
   * sn.powerIterate(50);
   * console.log(sn.sigma()); // ≈ the largest singular value of the 16×8 kernel
   * ```
   */
  sigma(): number {
    const { kernel, u: uVar } = this.checkBuilt();
    return tf
      .tidy(() => {
        const w = tf.reshape(kernel.read(), [-1, this.outputs]);
        const u = l2Normalize(uVar.read(), this.epsilon);
        const v = l2Normalize(tf.matMul(u, w, false, true), this.epsilon);
        return tf.sum(tf.mul(tf.matMul(v, w), u));
      })
      .dataSync()[0];
  }

  /**
   * Runs `steps` power iterations on the current kernel and stores the new `u`, as `steps`
   * training calls would (without computing anything else). Useful to warm `u` up after loading
   * a kernel from elsewhere.
   *
   * @example
   * ```ts
   * layer.powerIterate(100); // σ estimate converged; inference now divides by the true σ
   * ```
   */
  powerIterate(steps = 1): void {
    const { kernel, u: uVar } = this.checkBuilt();
    if (!Number.isInteger(steps) || steps < 0)
      throw new GanConfigError('steps', `expected a non-negative integer, got ${steps}`);
    tf.tidy(() => {
      const w = tf.reshape(kernel.read(), [-1, this.outputs]);
      let u = l2Normalize(uVar.read(), this.epsilon);
      for (let i = 0; i < steps; i++) {
        const v = l2Normalize(tf.matMul(u, w, false, true), this.epsilon);
        u = l2Normalize(tf.matMul(v, w), this.epsilon);
      }
      uVar.write(u);
    });
  }

  /**
   * The normalised kernel `W / σ(W)` as the layer uses it at inference (a new tensor the caller
   * disposes).
   *
   * @example
   * ```ts
   * const w = layer.normalizedKernelValue(); // spectral norm ≈ 1 once u has converged
   * w.dispose();
   * ```
   */
  normalizedKernelValue(): tf.Tensor {
    return tf.tidy(() => this.normalizedKernel(false));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      powerIterations: this.powerIterations,
      epsilon: this.epsilon,
    };
  }
}
