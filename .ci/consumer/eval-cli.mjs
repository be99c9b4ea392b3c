// The installed package's `gankit eval` binary, with the classifier shipped in the tarball's assets/:
// save a small 28×28 CGAN, evaluate it through `npx gankit eval`, and check the table; then the same
// CGAN with an averaged generator (as `--ema` runs train it), saved again, whose ema-generator/ the
// binary must measure (it needs the Node file services, which the binary installs itself).
import { initBackend, createCgan } from 'gankit';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'gankit-eval-cli-'));
try {
  await initBackend({ log: null });
  const cgan = createCgan({
    latentDim: 8,
    seed: 1,
    generator: { hiddenUnits: [16, 32] },
    discriminator: { hiddenUnits: [16, 16] },
  });
  await cgan.save(join(dir, 'checkpoint'));
  const out = execFileSync('npx', ['--no', '--', 'gankit', 'eval', join(dir, 'checkpoint'), '--samples', '200'], {
    encoding: 'utf8',
  });
  for (const row of ['label accuracy', 'class coverage', 'classifier score', 'Fréchet distance']) {
    if (!out.includes(row)) throw new Error(`gankit eval printed no '${row}' row:\n${out}`);
  }
  cgan.averageWeights({ decay: 0.5 });
  await cgan.save(join(dir, 'averaged'));
  const averaged = execFileSync('npx', ['--no', '--', 'gankit', 'eval', join(dir, 'averaged'), '--samples', '200'], {
    encoding: 'utf8',
  });
  if (!/generator\s+ema-generator\//.test(averaged))
    throw new Error(`gankit eval did not measure ema-generator/:\n${averaged}`);
  console.log('eval-cli ok');
} catch (err) {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
