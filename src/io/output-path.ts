/**
 * Output paths of a run (sample grids, loss logs, saved models, checkpoint folders): a folder
 * path that is a file, or an existing file that gankit did not write, is refused before anything
 * is written (and, from callbacks, before training time is spent).
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OutputPathError } from '../errors';

/** What is at `p`; `follow` looks through symbolic links (for ancestors, e.g. macOS's /tmp). */
export const kindOf = (p: string, follow = false): Promise<'missing' | 'directory' | 'other'> =>
  (follow ? fs.stat(p) : fs.lstat(p)).then(
    (s) => (s.isDirectory() ? 'directory' : 'other'),
    () => 'missing',
  );

/** Makes the error a refusal throws: a {@link CheckpointError} for checkpoint paths, an {@link OutputPathError} else. */
export type RefusalError = (path: string, message: string) => Error;
const outputPathError: RefusalError = (p, m) => new OutputPathError(p, m);

/**
 * Checks that `target` can be an output folder (missing or a folder, below folders), so that a
 * path that is a file fails before training time is spent.
 *
 * @param target - The folder.
 * @param argument - What the message calls it, e.g. `checkpoints({ dir })`.
 * @param refuse - The error to throw (default an {@link OutputPathError}).
 * @throws naming the path.
 */
export async function checkOutputFolder(
  target: string,
  argument: string,
  refuse: RefusalError = outputPathError,
): Promise<void> {
  if (typeof target !== 'string' || target.trim().length === 0)
    throw refuse(JSON.stringify(target) ?? String(target), `${argument}: expected a non-empty folder path`);
  let dir = path.resolve(target);
  // The nearest existing ancestor must be a folder too, or mkdir fails later with ENOTDIR.
  for (;;) {
    const kind = await kindOf(dir, true);
    if (kind === 'directory') return;
    if (kind === 'other')
      throw refuse(
        dir,
        `${argument}: is a file, but the output folder ${path.resolve(target)} needs a folder here; choose another path, or move the file away`,
      );
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * Checks that the output file `file` may be written: its folder can be made, and anything already
 * there is a file that gankit wrote (`isOurs` reads its bytes).
 *
 * @param file - The output file.
 * @param argument - What the message calls it, e.g. `lossLog({ file })`.
 * @param what - What gankit writes there, e.g. `a gankit loss log (its header)`.
 * @param isOurs - True when the existing bytes are gankit's.
 * @throws {@link OutputPathError} naming the file and what to do.
 */
export async function checkReplaceableFile(
  file: string,
  argument: string,
  what: string,
  isOurs: (bytes: Uint8Array) => boolean,
): Promise<void> {
  if (typeof file !== 'string' || file.trim().length === 0)
    throw new OutputPathError(JSON.stringify(file) ?? String(file), `${argument}: expected a non-empty file path`);
  const resolved = path.resolve(file);
  await checkOutputFolder(path.dirname(resolved), argument);
  const kind = await kindOf(resolved, true);
  if (kind === 'missing') return;
  if (kind === 'directory') throw new OutputPathError(resolved, `${argument}: is a folder; give a file path`);
  if (!isOurs(new Uint8Array(await fs.readFile(resolved))))
    throw new OutputPathError(
      resolved,
      `${argument}: exists and is not ${what}; gankit overwrites only files it wrote: choose another path, or move the file away`,
    );
}
