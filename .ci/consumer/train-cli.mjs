// The installed package's `gankit train` and `gankit sample`, as a new user runs them: a folder of
// PNGs in class sub-folders trains through `npx gankit train` into a checkpoint that loadGan reads
// and `npx gankit sample` draws; a user's mistake is one line on stderr and exit code 1.
import { initBackend, loadGan, pictures } from 'gankit';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'gankit-train-cli-'));
const gankit = (...args) => execFileSync('npx', ['--no', '--', 'gankit', ...args], { encoding: 'utf8' });
try {
  // Two classes of 12×12 RGB images: a bright square on the left, or on the right.
  for (const [label, cls] of ['left', 'right'].entries()) {
    mkdirSync(join(dir, 'images', cls), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const data = new Uint8Array(12 * 12 * 4);
      for (let p = 0; p < 144; p++) {
        const x = p % 12;
        const on = label === 0 ? x < 6 : x >= 6;
        data.set(on ? [200 + i * 5, 40, 40, 255] : [20, 20, 60 + i * 10, 255], p * 4);
      }
      writeFileSync(join(dir, 'images', cls, `${i}.png`), pictures.encodePng({ width: 12, height: 12, data }));
    }
  }
  const out = join(dir, 'run');
  const train = gankit(
    'train',
    '--data',
    join(dir, 'images'),
    '--conditional',
    '--arch',
    'mlp',
    '--image-size',
    '8',
    '--epochs',
    '1',
    '--batch-size',
    '4',
    '--eval-samples',
    '0',
    '--out',
    out,
  );
  if (!/16 images of 8×8×3, 2 classes/.test(train))
    throw new Error(`gankit train did not describe the data:\n${train}`);
  const written = readdirSync(out).sort().join(',');
  if (written !== 'checkpoint,losses.csv,losses.png,samples') throw new Error(`gankit train wrote ${written}`);
  await initBackend({ log: null });
  const gan = await loadGan(join(out, 'checkpoint'));
  if (gan.config.numClasses !== 2 || gan.config.imageShape.join() !== '8,8,3')
    throw new Error(`the checkpoint holds ${JSON.stringify(gan.config)}`);
  gan.dispose();
  const sample = gankit('sample', join(out, 'checkpoint'), '--out', join(dir, 'samples.png'), '--columns', '4');
  if (!/8 samples/.test(sample)) throw new Error(`gankit sample printed:\n${sample}`);
  const png = pictures.decodePng(readFileSync(join(dir, 'samples.png')));
  if (png.width <= png.height) throw new Error(`a 2×4 grid is wider than tall, got ${png.width}×${png.height}`);
  const wrong = spawnSync('npx', ['--no', '--', 'gankit', 'sample', join(out, 'checkpoint'), '--labels', '7'], {
    encoding: 'utf8',
  });
  if (wrong.status !== 1 || wrong.stderr.trim().split('\n').length !== 1 || !/--labels: class 7/.test(wrong.stderr))
    throw new Error(`a wrong label gave exit ${wrong.status} and:\n${wrong.stderr}`);
  console.log('train-cli ok');
} catch (err) {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
