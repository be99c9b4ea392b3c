/**
 * `pictures` in the browser: everything in Node's `pictures` but PNG files, plus {@link toImageData}
 * for drawing into a canvas.
 *
 * @packageDocumentation
 */
export * from './pictures';
export { toImageData } from '../image/image-data';
