/**
 * `training` in Node: everything in the browser's `training`, plus CycleGAN's net and log names
 * (CycleGAN trains in Node only).
 *
 * @packageDocumentation
 */
export * from './training';
export { CYCLE_NETS } from '../models/cycle/config';
export { CYCLE_LOG_NAMES, CYCLE_LOSS_NETS, CYCLE_LOG_FORMAT } from '../models/cycle/logs';
