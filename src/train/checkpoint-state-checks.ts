/**
 * The field checks of checkpoint state files that need no model type (a GAN's config is checked
 * in src/models/gan/check-config.ts): each throws a {@link CheckpointError} naming the file and
 * the field. The epoch progress checked here is the one of the older GAN format (`gankit.json`).
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors';
import type { EpochProgress } from './trainer';
import type { EmaOptions } from './ema';
import type { AdamPowers } from './adam-powers';

/** Checks the averaged generator's options of a state file (the EmaGenerator checks their values again). */
export function checkAveraged(raw: unknown, file: string): EmaOptions {
  const ok =
    isObject(raw) &&
    typeof raw.decay === 'number' &&
    isInt(raw.startStep) &&
    (raw.batchNormStatistics === 'copy' || raw.batchNormStatistics === 'recompute') &&
    (raw.recomputeOptions === undefined || isObject(raw.recomputeOptions));
  if (!ok)
    throw new CheckpointError(
      file,
      `averagedGenerator: expected { decay, startStep, batchNormStatistics }, got ${JSON.stringify(raw)?.slice(0, 200)}`,
    );
  return raw as EmaOptions;
}

/** True for a safe integer of at least `min`. */
export const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
/** True for a plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks the position inside an epoch a `gankit.json` holds (`null` at an epoch boundary). */
export function checkProgress(p: unknown, file: string): EpochProgress | null {
  if (p === null || p === undefined) return null;
  const ok =
    isObject(p) &&
    isInt(p.steps) &&
    isInt(p.shuffleSeed) &&
    (p.shuffleSeed as number) < 2 ** 32 &&
    Array.isArray(p.totals) &&
    p.totals.length === 4 &&
    p.totals.every((t) => typeof t === 'number' && Number.isFinite(t)) &&
    (p.batchSize === undefined || isInt(p.batchSize, 1)) &&
    (p.stepsPerEpoch === undefined || isInt(p.stepsPerEpoch, 1));
  if (!ok)
    throw new CheckpointError(
      file,
      `epochProgress: expected { steps, shuffleSeed, totals[4] } or null, got ${JSON.stringify(p)?.slice(0, 200)}`,
    );
  const q = p as unknown as EpochProgress;
  return {
    steps: q.steps,
    shuffleSeed: q.shuffleSeed,
    totals: [...q.totals] as EpochProgress['totals'],
    ...(q.batchSize === undefined ? {} : { batchSize: q.batchSize }),
    ...(q.stepsPerEpoch === undefined ? {} : { stepsPerEpoch: q.stepsPerEpoch }),
  };
}

/** Checks one optimizer's weight specs. */
export function checkSpecs(specs: unknown, name: string, file: string): tf.io.WeightsManifestEntry[] {
  const ok =
    Array.isArray(specs) &&
    specs.every(
      (s) =>
        isObject(s) &&
        typeof s.name === 'string' &&
        (s.dtype === 'float32' || s.dtype === 'int32') &&
        Array.isArray(s.shape) &&
        s.shape.length <= 8 &&
        s.shape.every((d) => isInt(d)),
    );
  if (!ok)
    throw new CheckpointError(
      file,
      `optimizers.${name}: expected a list of float32 or int32 weight specs { name, shape, dtype }`,
    );
  return specs as tf.io.WeightsManifestEntry[];
}

/** Checks one optimizer's saved Adam powers `{ accBeta1, accBeta2 }`, each in [0, 1]. */
export function checkAdamPowers(p: unknown, name: string, file: string): AdamPowers {
  const inUnit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
  if (!isObject(p) || !inUnit(p.accBeta1) || !inUnit(p.accBeta2))
    throw new CheckpointError(
      file,
      `adamPowers.${name}: expected { accBeta1, accBeta2 } in [0, 1], got ${JSON.stringify(p)?.slice(0, 200)}`,
    );
  return { accBeta1: p.accBeta1 as number, accBeta2: p.accBeta2 as number };
}

/**
 * Checks a config's `optimizer` field, `{ generator, discriminator }` Adam settings of finite
 * numbers; `fail` throws with the field's path and what was expected.
 */
export function checkPerNetAdamConfig(optimizer: unknown, fail: (what: string) => never): void {
  if (!isObject(optimizer) || !isObject(optimizer.generator) || !isObject(optimizer.discriminator))
    fail('optimizer: expected { generator, discriminator } Adam settings');
  for (const net of ['generator', 'discriminator'] as const) {
    for (const [key, value] of Object.entries((optimizer as Record<string, Record<string, unknown>>)[net])) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(`optimizer.${net}.${key}: expected a finite number, got ${JSON.stringify(value)}`);
    }
  }
}
