/**
 * `pictures` in Node: everything in the browser's `pictures`, plus PNG files.
 *
 * @packageDocumentation
 */
export * from './pictures';
export { encodePng, decodePng, saveImageGrid, saveLossPlot, isGankitPng } from '../image/png';
export { translationGridImages } from '../models/cycle/translation-grids';
