/**
 * What gankit needs from Node.js, reached through one registry so that the browser entry carries
 * none of it. The Node entry (src/index.ts, through src/node-services.ts) installs the services at
 * import; the browser entry does not, and a call that needs one throws a {@link NodeOnlyError}
 * saying what to use instead.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { GanConfigError, NodeOnlyError } from './errors';
import type { Gan, LoadGanOptions } from './gan';
import type { DataBatch } from './data/dataset';
import type { GanTrainer } from './train/trainer';

/** A running data-parallel session (Node worker threads). @internal */
export interface DataParallelRun {
  /** One training step over the replicas; returns the losses as the trainer's own step does. */
  trainStep(real: DataBatch[]): tf.Tensor1D;
  /** Ends the workers. */
  stop(): Promise<void>;
}

/** The Node-only services. @internal */
export interface NodeServices {
  /** A tfjs IO handler reading and writing a model folder (`model.json` + `weights.bin`). */
  fileHandler(dir: string): tf.io.IOHandler;
  /** Writes a GAN checkpoint folder (see `Gan.save`). */
  saveGan(gan: Gan, dir: string): Promise<void>;
  /** Reads a GAN checkpoint folder (see `loadGAN`). */
  loadGan(dir: string, options: LoadGanOptions): Promise<Gan>;
  /** Starts `replicas − 1` worker threads training beside `trainer`. */
  startDataParallel(trainer: GanTrainer, replicas: number, maxBatch: number): Promise<DataParallelRun>;
}

let services: NodeServices | null = null;

/** Installs the Node-only services (called once by the Node entry). @internal */
export function installNodeServices(installed: NodeServices): void {
  services = installed;
}

const INSTEAD: Record<keyof NodeServices, string> = {
  fileHandler:
    "in a web page, pass a tfjs IO handler or URL instead of a folder (e.g. 'indexeddb://name', 'downloads://name')",
  saveGan: "in a web page, save the nets with tfjs IO: gan.generator.save('indexeddb://my-generator')",
  loadGan: 'in a web page, load the generator with tf.loadLayersModel(url) and sample it with generateImages',
  startDataParallel:
    'in a web page, train on one thread (leave workers at 1); the WebGL/WebGPU backends already use the GPU',
};

/**
 * The Node-only service `name`, or a {@link NodeOnlyError} naming `feature` when gankit runs
 * from its browser entry. @internal
 */
export function nodeService<K extends keyof NodeServices>(name: K, feature: string): NodeServices[K] {
  if (services === null) throw new NodeOnlyError(feature, INSTEAD[name]);
  return services[name];
}

/**
 * A tfjs IO handler for `target`: a handler itself, a URL with a scheme tfjs knows
 * (`indexeddb://`, `localstorage://`, `downloads://`, `http(s)://` for loading), or a folder path,
 * plain or `file://` (Node only; gankit's atomic folder handler).
 *
 * @throws {@link GanConfigError} for a URL no registered handler takes.
 * @throws {@link NodeOnlyError} for a folder where Node's services are not installed.
 * @internal
 */
export function modelHandler(
  target: string | tf.io.IOHandler,
  mode: 'save' | 'load',
  feature: string,
): tf.io.IOHandler {
  if (typeof target !== 'string') return target;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
    const handlers = mode === 'save' ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
    if (handlers.length === 0) {
      throw new GanConfigError(
        'target',
        `no TensorFlow.js IO handler can ${mode} '${target}' here (indexeddb://, localstorage:// and downloads:// need a browser)`,
      );
    }
    return handlers[0];
  }
  return nodeService('fileHandler', feature)(scheme === undefined ? target : target.slice('file://'.length));
}
