/**
 * `quality`: measures of sample quality on feature vectors and images (Fréchet and kernel distances,
 * precision/recall, density/coverage, per-class versions, label accuracy, classifier score, mode
 * collapse, PSNR and SSIM). Pure code, in both entries.
 *
 * @packageDocumentation
 */
export * from '../eval/metrics';
