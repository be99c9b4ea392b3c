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

/**
 * The Node-only services, by name. This module knows none of them: each module that calls one
 * declares its shape by augmenting this interface (`declare module './platform'`), so the
 * registry stays below everything that uses it. @internal
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface NodeServices {}

/** The services' names. @internal */
export type NodeServiceName = keyof NodeServices & string;

/** The model-folder service, the one this module calls itself. @internal */
export interface FileHandlerService {
  /** A tfjs IO handler reading and writing a model folder (`model.json` + `weights.bin`). */
  fileHandler(dir: string): tf.io.IOHandler;
}

let services: Partial<Record<string, unknown>> | null = null;

/** Installs the Node-only services (called once by the Node entry). @internal */
export function installNodeServices(installed: NodeServices & FileHandlerService): void {
  services = { ...installed };
}

const INSTEAD: Partial<Record<string, string>> = {
  fileHandler:
    "in a web page, pass a tfjs IO handler or URL instead of a folder (e.g. 'indexeddb://name', 'downloads://name')",
  saveNetsCheckpoint: "in a web page, save the nets with tfjs IO: model.generator.save('indexeddb://my-generator')",
  saveGan: "in a web page, save the nets with tfjs IO: gan.generator.save('indexeddb://my-generator')",
  restoreGan:
    "in a web page, load the nets' weights with tf.loadLayersModel(url) and set them with gan.generator.setWeights(...)",
  startDataParallel:
    'in a web page, train on one thread (leave workers at 1); the WebGL/WebGPU backends already use the GPU',
};

/**
 * The Node-only service `name`, or a {@link NodeOnlyError} naming `feature` when gankit runs
 * from its browser entry. @internal
 */
export function nodeService<K extends NodeServiceName | 'fileHandler'>(
  name: K,
  feature: string,
): (NodeServices & FileHandlerService)[K] {
  const service = services?.[name];
  if (service === undefined) throw new NodeOnlyError(feature, INSTEAD[name] ?? 'run it in Node.js');
  return service as (NodeServices & FileHandlerService)[K];
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
