/**
 * `pictures`: images as RGBA pixels: sample grids, pair grids, a small canvas and the loss chart.
 *
 * @packageDocumentation
 */
export { imageGrid, type GridOptions, type RgbaImage } from '../image/grid';
export { Canvas, type Rgb } from '../image/canvas';
export { lossPlotImage, type LossPlotOptions, type LossPlotSeries } from '../image/loss-plot';
export { pairGridImages } from '../models/image-to-image/pair-grid-images';
