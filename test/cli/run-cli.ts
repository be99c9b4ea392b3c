import { runGankitCli } from '../../src/cli/gankit-cli';

/** Runs the `gankit` binary's command line in-process, as the binary runs it; returns its exit code and what it printed. */
export async function gankit(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runGankitCli(['node', 'gankit', ...args], {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  return { code, out, err };
}
