/**
 * TensorFlow.js's Adam with each variable's update in one kernel on the cpu and wasm backends.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../kernels/adam-update';

/** A variable the optimizer owns, as tfjs-core's `OptimizerVariable`. */
interface OptimizerVariable {
  originalName: string;
  variable: tf.Variable;
}

/**
 * The stock optimizer's private state, which this subclass keeps in the same fields so that
 * everything reading or writing them (`getWeights`, `setWeights`, `dispose`, gankit's
 * `readAdamPowers`/`writeAdamPowers`) works on either class alike.
 */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedSecondMoment: OptimizerVariable[];
}

/** What `applyGradients` takes: named gradients in an array, or a map from variable name to gradient. */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** The gradient of `names[i]`, as the stock optimizer looks it up (by position in an array, by name in a map). */
function gradientAt(variableGradients: VariableGradients, names: string[], i: number): tf.Tensor | null | undefined {
  return Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[names[i]];
}

const sameFloat32 = (a: tf.Tensor, b: tf.Tensor): boolean =>
  a.dtype === 'float32' && b.dtype === 'float32' && tf.util.arraysEqual(a.shape, b.shape);

/**
 * `tf.AdamOptimizer` whose update of each variable is one `GankitAdamUpdate` kernel where the
 * current backend has it (gankit registers it on cpu and wasm), instead of the stock 14 kernels
 * per variable and 4 per step for the running powers. The kernel repeats the stock arithmetic
 * operation by operation in float32, so the variables, moments and powers are the stock
 * optimizer's to the bit, and a run may switch between the two classes (a data-parallel worker
 * rebuilds a stock `Adam` from its `getConfig()`).
 *
 * Everything else is the stock class: its fields, `getWeights`/`setWeights` (the moments, in
 * the stock order and names), `getConfig`, the class name `'Adam'` (serialisation is
 * unchanged), the iteration counter. Other backends (webgl, webgpu, tfjs-node), and gradients
 * the kernel does not cover (not float32, or not of the variable's shape), take the stock path.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Updates the variables named in `variableGradients` by their gradients, as
   * `tf.AdamOptimizer.applyGradients` does: moments made on first use (zeros, indexed by the
   * gradient's position), `null` gradients skipped, the running powers advanced once per call.
   *
   * @param variableGradients - The gradients, as an array of named tensors or a map from
   *   variable name to gradient.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    if (!this.fusable(variableGradients, names)) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    tf.tidy(() => {
      // The powers before this step, as the float32 values the stock `sub(1, accBeta)` reads.
      const accBeta1 = state.accBeta1.dataSync()[0];
      const accBeta2 = state.accBeta2.dataSync()[0];
      const attrs: AdamUpdateAttrs = {
        learningRate: this.learningRate,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        accBeta1,
        accBeta2,
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        // Made even for a null gradient, as stock does: getWeights lists one pair per position.
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: zerosVariable(value) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: zerosVariable(value) };
        const gradient = gradientAt(variableGradients, names, i);
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i].variable;
        const secondMoment = state.accumulatedSecondMoment[i].variable;
        const inputs = { variable: value, gradient, firstMoment, secondMoment };
        const [newValue, newFirst, newSecond] = tf
          .engine()
          .runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        // assign takes the new buffer and releases the old one; tidy frees the kernel's outputs' handles.
        firstMoment.assign(newFirst);
        secondMoment.assign(newSecond);
        value.assign(newValue);
      });
      // Stock advances the powers with `mul(accBeta, beta)` in float32: the same product, no kernel.
      state.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * Math.fround(this.beta1))));
      state.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * Math.fround(this.beta2))));
    });
    this.incrementIterations();
  }

  /**
   * Whether the fused kernel covers this call: registered for the current backend, and every
   * gradient given float32 and of its variable's (and its moments') shape. Anything else is left
   * to the stock path, which then fails or broadcasts exactly as it always did.
   */
  private fusable(variableGradients: VariableGradients, names: string[]): boolean {
    if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) return false;
    const state = this as unknown as AdamState;
    return names.every((name, i) => {
      const gradient = gradientAt(variableGradients, names, i);
      if (gradient == null) return true;
      const value = tf.engine().registeredVariables[name] as tf.Variable | undefined;
      if (value === undefined || !sameFloat32(value, gradient)) return false;
      const moments = [state.accumulatedFirstMoment[i], state.accumulatedSecondMoment[i]];
      return moments.every((moment) => moment == null || sameFloat32(value, moment.variable));
    });
  }
}

/** A non-trainable zero variable shaped as `value` (a new moment), as the stock optimizer makes it. */
function zerosVariable(value: tf.Variable): tf.Variable {
  return tf.tidy(() => tf.zerosLike(value).variable(false));
}
