/**
 * Crash test for checkpoints: a child process trains a small CGAN on a slice of MNIST and saves a
 * checkpoint after every step (keeping the last 2); this script kills it with SIGKILL at a random
 * moment, checks that the newest checkpoint loads, and starts the child again, which resumes from
 * it. Repeated `--kills` times. A kill that lands while a checkpoint is being written leaves a
 * temporary folder behind; those are counted, and they must never be what loads.
 *
 *   npx tsx scripts/kill-loop.ts [--kills 200] [--dir <folder>] [--max-delay-ms 1500] [--seed 1] [--json]
 *
 * Exit code 0 when every kill was survived: the checkpoint loaded, verified, and the next child
 * resumed from it and went further.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { Rng, createCgan, initBackend, loadGan, type Gan, callbacks, datasets } from '../src/index';

const SELF = fileURLToPath(import.meta.url);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** The child: resume from `dir` if it holds a checkpoint, then train forever, checkpointing every step. */
async function child(dir: string): Promise<void> {
  await initBackend({ log: null });
  const data = await datasets.loadMnist({ split: 'train', limit: 512 });
  let gan: Gan;
  try {
    gan = await loadGan(dir);
    process.stdout.write(`resumed ${gan.trainer.step}\n`);
  } catch {
    gan = createCgan({ seed: 7, generator: { hiddenUnits: [64, 128] }, discriminator: { hiddenUnits: [128, 64] } });
    process.stdout.write('fresh 0\n');
  }
  await gan.fit(data, {
    epochs: gan.trainer.epoch + 10_000,
    batchSize: 32,
    callbacks: [
      callbacks.checkpoints(gan, {
        dir,
        everySteps: 1,
        everyEpochs: 0,
        keep: 2,
        onSave: () => process.stdout.write(`saved ${gan.trainer.step}\n`),
      }),
    ],
  });
}

interface KillRecord {
  kill: number;
  killedAfterMs: number;
  savesSeen: number;
  loadedStep: number;
  leftoverTemporaries: number;
}

/** Starts a child, waits for its first save plus a random delay, kills it, and reports. */
function killOnce(
  dir: string,
  delayMs: number,
): Promise<{ resumedFrom: number; lastSaved: number; saves: number; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, SELF, '--child', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    let resumedFrom = -1;
    let lastSaved = -1;
    let saves = 0;
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const [word, value] = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1);
        if (word === 'resumed' || word === 'fresh') resumedFrom = Number(value);
        if (word === 'saved') {
          lastSaved = Number(value);
          saves++;
          if (timer === undefined) {
            started = Date.now();
            timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
          }
        }
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`the child exited by itself (code ${code}, signal ${signal}) before it was killed`));
      else resolve({ resumedFrom, lastSaved, saves, afterMs: Date.now() - started });
    });
  });
}

async function main(): Promise<void> {
  const program = new Command('kill-loop')
    .description(
      'SIGKILL a training child at random moments; after each kill the newest checkpoint must load and training must resume',
    )
    .option('--kills <n>', 'kills to try', positiveInt, 200)
    .option('--dir <folder>', 'checkpoint folder (default: a fresh temporary one)')
    .option('--max-delay-ms <ms>', 'kill up to this long after the first save', positiveInt, 1500)
    .option('--seed <n>', 'seed of the kill times', positiveInt, 1)
    .option('--json', 'print the result as JSON')
    .option('--child', 'internal: run as the training child')
    .parse();
  const opts = program.opts<{
    kills: number;
    dir?: string;
    maxDelayMs: number;
    seed: number;
    json?: boolean;
    child?: boolean;
  }>();
  if (opts.child) return child(opts.dir as string);
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'gankit-kill-loop-')));
  await initBackend({ log: null });
  const rng = new Rng(opts.seed);
  const records: KillRecord[] = [];
  const failures: string[] = [];
  let previous = -1;
  for (let kill = 1; kill <= opts.kills; kill++) {
    const delay = rng.nextInt(opts.maxDelayMs + 1);
    const run = await killOnce(dir, delay);
    if (kill > 1 && run.resumedFrom !== previous)
      failures.push(`kill ${kill}: the child resumed from step ${run.resumedFrom}, expected ${previous}`);
    const leftovers = (await fs.readdir(dir)).filter((n) => n.includes('.tmp-')).length;
    let loadedStep = -1;
    try {
      const gan = await loadGan(dir);
      loadedStep = gan.trainer.step;
      gan.dispose();
    } catch (error) {
      failures.push(`kill ${kill}: ${(error as Error).message}`);
    }
    // The newest complete checkpoint is the last one announced, or one being announced when the kill hit.
    if (loadedStep < run.lastSaved)
      failures.push(`kill ${kill}: loaded step ${loadedStep}, but step ${run.lastSaved} had been saved`);
    if (loadedStep <= previous) failures.push(`kill ${kill}: no progress (step ${loadedStep} after ${previous})`);
    records.push({
      kill,
      killedAfterMs: run.afterMs,
      savesSeen: run.saves,
      loadedStep,
      leftoverTemporaries: leftovers,
    });
    previous = loadedStep;
    if (!opts.json)
      process.stdout.write(
        `kill ${kill}/${opts.kills}: after ${run.afterMs} ms, ${run.saves} save(s); loads step ${loadedStep}${leftovers > 0 ? '; killed mid-write' : ''}\n`,
      );
  }
  const summary = {
    kills: opts.kills,
    survived: opts.kills - new Set(failures.map((f) => f.split(':')[0])).size,
    midWrite: records.filter((r) => r.leftoverTemporaries > 0).length,
    finalStep: previous,
    failures,
    dir,
  };
  if (opts.json) console.log(JSON.stringify({ ...summary, records }));
  else {
    console.log(
      `survived ${summary.survived}/${summary.kills} kills (${summary.midWrite} landed while a checkpoint was being written); training reached step ${summary.finalStep}`,
    );
    for (const f of failures) console.log(`FAILED ${f}`);
  }
  if (opts.dir === undefined) await fs.rm(dir, { recursive: true, force: true });
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
