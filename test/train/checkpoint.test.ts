/**
 * Checkpoints that survive: the manifest and its checksums, collections keeping the last K, the
 * NaN guard, recovery from a crash between renames, and hostile files (missing, changed, cut,
 * wrong-shaped, newer format, random mutations of the manifest and of the state file).
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../src/errors';
import { Rng } from '../../src/random';
import { checkpoints } from '../../src/callbacks/checkpoints';
import { createCgan } from '../../src/models/gan/create';
import { listCheckpoints, saveCheckpoint } from '../../src/train/checkpoint';
import { loadGan } from '../../src/models/gan/load';
import { verifyManifest, writeManifest } from '../../src/io/checkpoint-manifest';
import { type Gan } from '../../src/models/gan/gan';
import { randomDataset, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('checkpoint');
beforeAll(async () => {
  await useDefaultBackend();
});

const tiny = (seed = 1): Gan =>
  createCgan({
    latentDim: 4,
    imageShape: [4, 4, 1],
    numClasses: 3,
    generator: { hiddenUnits: [8] },
    discriminator: { hiddenUnits: [8, 8] },
    seed,
  });

/** A trained tiny CGAN saved into a fresh folder; returns the folder. */
async function savedCheckpoint(name: string): Promise<string> {
  const gan = tiny();
  const data = randomDataset(12, 4, 3);
  await gan.fit(data, { epochs: 1, batchSize: 4 });
  const dir = path.join(tempDir(), name);
  await gan.save(dir);
  gan.dispose();
  data.dispose();
  return dir;
}

async function copyDir(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
}

/** Edits a JSON file of a checkpoint and re-signs the manifest, so only the parser stands guard. */
async function editJson(dir: string, file: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const full = path.join(dir, file);
  const json = JSON.parse(await fs.readFile(full, 'utf8'));
  edit(json);
  await fs.writeFile(full, JSON.stringify(json));
  await writeManifest(dir);
}

async function loadError(dir: string): Promise<CheckpointError> {
  try {
    (await loadGan(dir)).dispose();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error(`expected loading ${dir} to fail`);
}

test('a checkpoint lists every file with its size and SHA-256, and records versions and progress', async () => {
  const dir = await savedCheckpoint('listed');
  const entries = await verifyManifest(dir);
  expect(entries.map((e) => e.path)).toEqual([
    'discriminator/model.json',
    'discriminator/weights.bin',
    'generator/model.json',
    'generator/weights.bin',
    'optimizer-discriminator.bin',
    'optimizer-generator.bin',
    'state.json',
  ]);
  for (const e of entries) expect((await fs.stat(path.join(dir, e.path))).size).toBe(e.bytes);
  const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8'));
  const pkg = JSON.parse(await fs.readFile(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect(state.gankitVersion).toBe(pkg.version);
  expect(state.tfjsVersion).toBe(tf.version_core);
  expect([state.format, state.formatVersion, state.family]).toEqual(['gankit-nets-checkpoint', 1, 'gan']);
  expect([state.step, state.epoch, state.progress]).toEqual([3, 1, null]);
  expect(state.nets.generator.adamPowers.accBeta1).toBeCloseTo(0.5 ** 4, 10);
  expect((await fs.readdir(tempDir())).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
});

test('changed, cut or missing files are refused with the file named', async () => {
  const good = await savedCheckpoint('good');
  const cases: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    [
      'flipped byte',
      async (d) => {
        const f = path.join(d, 'generator', 'weights.bin');
        const b = await fs.readFile(f);
        b[10] ^= 0x40;
        await fs.writeFile(f, b);
      },
      /generator\/weights\.bin: does not match its checksum/,
    ],
    [
      'cut weights',
      async (d) => {
        const f = path.join(d, 'discriminator', 'weights.bin');
        await fs.writeFile(f, (await fs.readFile(f)).subarray(0, 20));
      },
      /discriminator\/weights\.bin: holds 20 bytes; the manifest recorded \d+/,
    ],
    [
      'missing optimizer',
      (d) => fs.rm(path.join(d, 'optimizer-generator.bin')),
      /optimizer-generator\.bin: is missing/,
    ],
    [
      'missing manifest',
      (d) => fs.rm(path.join(d, 'manifest.json')),
      /manifest\.json: is missing; every GAN checkpoint has one/,
    ],
    [
      'manifest not JSON',
      (d) => fs.writeFile(path.join(d, 'manifest.json'), '{"files": ['),
      /manifest\.json: is not valid JSON/,
    ],
    [
      'manifest escapes the folder',
      async (d) => {
        const f = path.join(d, 'manifest.json');
        const m = JSON.parse(await fs.readFile(f, 'utf8'));
        m.files[0].path = '../../etc/passwd';
        await fs.writeFile(f, JSON.stringify(m));
      },
      /manifest\.json: files\[0\]: expected \{ path inside the checkpoint/,
    ],
    [
      'newer format',
      (d) =>
        editJson(d, 'state.json', (s) => {
          s.formatVersion = 99;
        }),
      /state\.json: has format version 99; this gankit reads up to 1 \(upgrade gankit\)/,
    ],
    [
      'bad step',
      (d) =>
        editJson(d, 'state.json', (s) => {
          s.step = -3;
        }),
      /state\.json: step: expected a non-negative integer, got -3/,
    ],
    [
      'bad config',
      (d) =>
        editJson(d, 'state.json', (s) => {
          (s.config as Record<string, unknown>).imageShape = [4, 4];
        }),
      /state\.json: config\.imageShape: expected \[height, width, channels\], got \[4,4\]/,
    ],
    [
      'config disagrees with the models',
      (d) =>
        editJson(d, 'state.json', (s) => {
          (s.config as Record<string, unknown>).imageShape = [8, 8, 1];
        }),
      /discriminator: takes images of shape \[4,4,1\] but the config says \[8,8,1\]/,
    ],
    [
      'weight missing from model.json',
      (d) =>
        editJson(d, path.join('generator', 'model.json'), (m) => {
          const manifest = m.weightsManifest as Array<{ weights: unknown[] }>;
          manifest[0].weights.pop();
        }),
      /generator\/weights\.bin: holds \d+ bytes; the manifest describes \d+/,
    ],
    [
      'wrong-shaped weight',
      async (d) => {
        await editJson(d, path.join('generator', 'model.json'), (m) => {
          const w = (m.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>)[0].weights;
          // Same byte count, another shape: only the model rebuild can notice.
          const kernel = w.find((x) => x.shape.length === 2) as { shape: number[] };
          kernel.shape = [kernel.shape[0] * kernel.shape[1]];
        });
      },
      /generator: cannot rebuild generator/,
    ],
    [
      'optimizer state of another model',
      (d) =>
        editJson(d, 'state.json', (s) => {
          const specs = (s.nets as Record<string, { optimizer: Array<{ shape: number[] }> }>).discriminator.optimizer;
          specs[1].shape = [specs[1].shape[0] + 1, ...specs[1].shape.slice(1)];
        }),
      /optimizer-discriminator\.bin: optimizer value '.+' has shape \[\d+,\d+\]; the model's weight needs \[\d+,\d+\]/,
    ],
  ];
  for (const [name, damage, message] of cases) {
    const dir = path.join(tempDir(), `damaged-${name.replace(/\W+/g, '-')}`);
    await copyDir(good, dir);
    await damage(dir);
    const error = await loadError(dir);
    expect({ name, message: error.message }).toEqual({ name, message: expect.stringMatching(message) });
  }
  await expect(loadGan(path.join(tempDir(), 'nothing-here'))).rejects.toThrow(
    /nothing-here: is not a GAN checkpoint: expected state\.json, or step-NNNNNNNNN checkpoint folders/,
  );
});

test('a folder keeps the last K checkpoints, and loading passes over a damaged newest one', async () => {
  const gan = tiny(2);
  const data = randomDataset(12, 4, 3);
  const root = path.join(tempDir(), 'collection');
  const saved: string[] = [];
  await gan.fit(data, {
    epochs: 2,
    batchSize: 4,
    callbacks: [
      checkpoints(gan, {
        dir: root,
        everySteps: 2,
        everyEpochs: 1,
        keep: 2,
        onSave: (d) => saved.push(path.basename(d)),
      }),
    ],
  });
  // Steps 2, 3 (epoch end), 4, 6 (step and epoch end: saved once).
  expect(saved).toEqual(['step-000000002', 'step-000000003', 'step-000000004', 'step-000000006']);
  expect((await listCheckpoints(root)).map((c) => c.step)).toEqual([4, 6]);
  expect((await loadGan(root)).trainer.step).toBe(6);
  // Damage the newest: the older one loads, and the caller hears which was skipped.
  await fs.writeFile(path.join(root, 'step-000000006', 'generator', 'weights.bin'), 'garbage');
  const skipped: string[] = [];
  const older = await loadGan(root, { onSkip: (d) => skipped.push(path.basename(d)) });
  expect(older.trainer.step).toBe(4);
  expect(skipped).toEqual(['step-000000006']);
  older.dispose();
  await expect(saveCheckpoint(gan, root, { keep: 0 })).rejects.toThrow(GanConfigError);
  expect(() => checkpoints(gan, { dir: root, everySteps: -1 })).toThrow(
    /options\.everySteps: expected a non-negative integer/,
  );
  gan.dispose();
  data.dispose();
});

test('a crash between the two renames of a replacement leaves the old checkpoint findable', async () => {
  const dir = await savedCheckpoint('replaced');
  // What a kill after "rename the old one aside" and before "rename the new one in" leaves.
  const aside = `${dir}.old-12345-abc`;
  await fs.rename(dir, aside);
  await fs.mkdir(`${dir}.tmp-12345-abc`); // and a half-written new one
  const gan = await loadGan(dir);
  expect(gan.trainer.step).toBe(3);
  // The next save cleans up both leftovers.
  await gan.save(dir);
  const names = (await fs.readdir(path.dirname(dir))).filter((n) => n.startsWith('replaced'));
  expect(names).toEqual(['replaced']);
  gan.dispose();
});

test('NaN weights are never written: the save fails naming the weight and the last good checkpoint stays', async () => {
  const root = path.join(tempDir(), 'nan');
  const gan = tiny(3);
  const good = await saveCheckpoint(gan, root);
  const weight = gan.generator.layers.find((l) => l.getWeights().length > 0)!;
  const [kernel, ...rest] = weight.getWeights();
  const poisoned = tf.tidy(() =>
    tf.where(tf.equal(tf.reshape(tf.range(0, kernel.size), kernel.shape), 0), tf.scalar(NaN), kernel),
  );
  weight.setWeights([poisoned, ...rest]);
  gan.trainer.step = 9;
  await expect(saveCheckpoint(gan, root)).rejects.toThrow(
    /refusing to save step 9: the generator's weight '.+' holds NaN or Infinity/,
  );
  expect((await listCheckpoints(root)).map((c) => c.dir)).toEqual([good]);
  expect(await fs.readdir(root)).toEqual([path.basename(good)]);
  const again = await loadGan(root);
  expect(again.trainer.step).toBe(0);
  poisoned.dispose(); // getWeights() returned the variables themselves: those belong to the model
  [gan, again].forEach((g) => g.dispose());
});

test('fuzz: random mutations of the manifest and of the state file give a correct load or a CheckpointError, never a crash', async () => {
  const good = await savedCheckpoint('fuzz-source');
  const reference = await loadGan(good);
  const rng = new Rng(2026);
  const outcomes = { loaded: 0, refused: 0 };
  const manifestText = await fs.readFile(path.join(good, 'manifest.json'), 'utf8');
  const stateText = await fs.readFile(path.join(good, 'state.json'), 'utf8');
  const mutate = (text: string): string => {
    const bytes = Buffer.from(text, 'utf8');
    const kind = rng.nextInt(6);
    if (kind === 0) return bytes.subarray(0, rng.nextInt(bytes.length)).toString('latin1'); // cut
    if (kind === 1) {
      // flip bits
      for (let i = 0, n = 1 + rng.nextInt(4); i < n; i++) bytes[rng.nextInt(bytes.length)] ^= 1 << rng.nextInt(8);
      return bytes.toString('latin1');
    }
    if (kind === 2) {
      // replace a digit (numbers change, JSON stays valid)
      const digits = [...text.matchAll(/\d/g)].map((m) => m.index as number);
      const at = digits[rng.nextInt(digits.length)];
      return text.slice(0, at) + String(rng.nextInt(10)) + text.slice(at + 1);
    }
    if (kind === 3) {
      // replace a value by another type
      const values = ['null', '-1', '1e309', '"x"', '[]', '{}', 'true', '4294967296', '0.5'];
      const spots = [...text.matchAll(/: ([^,\n{}[\]]+)/g)];
      const m = spots[rng.nextInt(spots.length)];
      const at = (m.index as number) + 2;
      return text.slice(0, at) + values[rng.nextInt(values.length)] + text.slice(at + m[1].length);
    }
    if (kind === 4) {
      // drop a key
      const keys = [...text.matchAll(/"(\w+)": /g)];
      const k = keys[rng.nextInt(keys.length)][1];
      const json = JSON.parse(text);
      const drop = (o: unknown): void => {
        if (o !== null && typeof o === 'object') {
          delete (o as Record<string, unknown>)[k];
          Object.values(o as Record<string, unknown>).forEach(drop);
        }
      };
      drop(json);
      return JSON.stringify(json);
    }
    return text + '\u0000garbage'; // trailing garbage
  };
  const cases = 300;
  for (let i = 0; i < cases; i++) {
    const dir = path.join(tempDir(), 'fuzz-case');
    await fs.rm(dir, { recursive: true, force: true });
    await copyDir(good, dir);
    if (i % 2 === 0) {
      await fs.writeFile(path.join(dir, 'manifest.json'), mutate(manifestText), 'latin1');
    } else {
      // Re-signed, so the state parser itself is what stands between the bytes and the trainer.
      await fs.writeFile(path.join(dir, 'state.json'), mutate(stateText), 'latin1');
      await writeManifest(dir);
    }
    let gan: Gan | undefined;
    try {
      gan = await loadGan(dir);
    } catch (error) {
      if (!(error instanceof CheckpointError))
        throw new Error(`case ${i}: ${(error as Error).stack}`, { cause: error });
      expect(error.message).toContain(dir);
      outcomes.refused++;
      continue;
    }
    // A mutation that loads must give a usable GAN with the reference's models.
    const x = gan.generate({ labels: [0, 1, 2], seed: 5 });
    const y = reference.generate({ labels: [0, 1, 2], seed: 5 });
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y]);
    gan.dispose();
    outcomes.loaded++;
  }
  reference.dispose();
  if (process.env.GANKIT_FUZZ_REPORT)
    console.log(`checkpoint fuzz: ${cases} cases, ${outcomes.loaded} loaded, ${outcomes.refused} refused`);
  expect(outcomes.loaded + outcomes.refused).toBe(cases);
  expect(outcomes.refused).toBeGreaterThan(cases / 2);
  expect(outcomes.loaded).toBeGreaterThan(0);
});
