/**
 * The crash test, short: 20 SIGKILLs at random moments of a child that trains and checkpoints
 * every step. After each, the newest checkpoint loads and the next child resumes from it.
 * `npx tsx scripts/kill-loop.ts --kills 200` runs the long version.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

test('20 SIGKILLs during training with a checkpoint every step: every one survived, training went on', async () => {
  const { stdout } = await run(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'scripts', 'kill-loop.ts'), '--kills', '20', '--max-delay-ms', '800', '--seed', '3', '--json'],
    { cwd: root, maxBuffer: 1 << 24 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
    kills: number;
    survived: number;
    failures: string[];
    finalStep: number;
    records: Array<{ loadedStep: number }>;
  };
  expect(result.failures).toEqual([]);
  expect(result.survived).toBe(20);
  // Each child resumed where the last one was killed and trained further.
  const steps = result.records.map((r) => r.loadedStep);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
  expect(result.finalStep).toBe(steps.at(-1));
}, 600_000);
