/**
 * Writes `test/fixtures/gan-format-1/`, a GAN checkpoint of format 1 (`gankit.json` without a
 * manifest, epoch progress or Adam powers), and `test/fixtures/gan-format-1.json` beside it: the
 * data, what G drew from a fixed z when it was saved, the step and epoch. The same tiny CGAN and
 * data as the gan-format-2 fixture (scripts/make-checkpoint-fixtures.ts), saved after its first
 * epoch (format 1 kept no position inside an epoch).
 *
 * Only the gankit that wrote format 1 can write this fixture, so the script runs from a checkout
 * of ba46faa (the last commit before format 2) and uses only what that gankit and this one share;
 * it refuses to write anything but format 1:
 *
 *   git worktree add --detach /tmp/gankit-format-1 ba46faa
 *   ln -s "$PWD/node_modules" /tmp/gankit-format-1/node_modules
 *   mkdir -p /tmp/gankit-format-1/scripts && cp scripts/make-gan-format-1-fixture.ts /tmp/gankit-format-1/scripts/
 *   (cd /tmp/gankit-format-1 && npx tsx scripts/make-gan-format-1-fixture.ts --out "$OLDPWD/test/fixtures")
 *
 * That gankit's trainer drew its batches and z differently, so what it logged after the save is
 * not something this one can repeat: the fixture records what a load must give back (config,
 * counters, the samples of the saved G), not a continuation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
// Names that both gankits have (0.2 keeps createCGAN as a deprecated alias of createCgan).
import { createCGAN, initBackend } from '../src/index';
import { ImageDataset } from '../src/data/dataset';

const at = process.argv.indexOf('--out');
const out = path.resolve(at > 0 ? process.argv[at + 1] : 'test/fixtures');
/** What the test draws: 4 images of labels 0, 1, 2, 0 with seed 3 (as for the gan-format-2 fixture). */
const SAMPLE = { labels: [0, 1, 2, 0], seed: 3 };

async function main(): Promise<void> {
  await initBackend({ log: null });
  tf.env().set('PROD', true);
  const pixels: number[] = [];
  for (let n = 0; n < 8; n++)
    for (let i = 0; i < 64; i++) pixels.push(Math.round(127.5 + 127.5 * Math.sin(0.5 * i + 1.1 * n)));
  const data = { pixels, labels: Array.from({ length: 8 }, (_, n) => n % 3), numClasses: 3 };
  const set = ImageDataset.fromPixels(Uint8Array.from(pixels), [8, 8, 8, 1], data.labels, { numClasses: 3 });
  const gan = createCGAN({
    latentDim: 4,
    imageShape: [8, 8, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8] },
    seed: 11,
  });
  const batchSize = 2; // 4 steps per epoch
  await gan.fit(set, { epochs: 1, batchSize });
  const dir = path.join(out, 'gan-format-1');
  const tmp = `${dir}.new`;
  await fs.rm(tmp, { recursive: true, force: true });
  await gan.save(tmp);
  const stateFile = path.join(tmp, 'gankit.json');
  const version = existsSync(stateFile)
    ? (JSON.parse(await fs.readFile(stateFile, 'utf8')) as { formatVersion?: unknown }).formatVersion
    : undefined;
  if (version !== 1 || existsSync(path.join(tmp, 'manifest.json'))) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new Error('this gankit does not write GAN checkpoint format 1: run the script from a checkout of ba46faa');
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  const drawn = gan.generate(SAMPLE);
  const expected = {
    writtenBy: `gankit at ba46faa (GAN checkpoint format 1), tfjs ${tf.version_core}, backend ${tf.getBackend()}`,
    config: gan.config,
    data,
    batchSize,
    saved: { step: gan.trainer.step, epoch: gan.trainer.epoch },
    sample: SAMPLE,
    samples: Array.from(drawn.dataSync()),
  };
  drawn.dispose();
  await fs.writeFile(`${dir}.json`, `${JSON.stringify(expected, null, 2)}\n`);
  gan.dispose();
  set.dispose();
  console.log(`wrote ${dir} and ${dir}.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
