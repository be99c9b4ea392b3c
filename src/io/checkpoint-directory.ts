/**
 * The atomic write of a checkpoint directory: files into a temporary sibling, the manifest with
 * checksums last, everything flushed, then renamed into place; what was at the target is replaced
 * only when it is provably a gankit checkpoint (see src/io/replace-guard.ts), and the leftovers
 * of crashed writes are recognised by their exact names.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, GankitError } from '../errors';
import { writeManifest } from './checkpoint-manifest';
import { syncDirectory } from './file-system';
import { checkReplaceableCheckpoint, checkSaveTarget } from './replace-guard';

/** The unique part of a write's sibling names: the process id and a random word. */
const UNIQUE = '[0-9]+-[0-9a-z]+';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when `name` is a temporary sibling that a write of `target` made. */
const isTemporaryOf = (target: string, name: string): boolean =>
  new RegExp(`^${escape(path.basename(target))}\\.tmp-${UNIQUE}$`).test(name);

/**
 * True when `name` is where a write of `target` set the old checkpoint aside (a loader looks
 * there when a crash hit between the two renames).
 */
export const isSetAsideOf = (target: string, name: string): boolean =>
  new RegExp(`^${escape(path.basename(target))}\\.old-${UNIQUE}$`).test(name);

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

/** Every folder under `dir`, `dir` included, deepest first. */
async function foldersOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }))
    if (entry.isDirectory()) out.push(...(await foldersOf(path.join(dir, entry.name))));
  out.push(dir);
  return out;
}

/**
 * Writes a checkpoint directory atomically: `fill` writes the files into a temporary sibling,
 * the manifest (sizes and SHA-256 of every file) is written last, everything is flushed, and the
 * sibling is renamed to `target`. An existing `target` is first renamed aside and removed after,
 * so at every moment either the old checkpoint or the new one is complete on disk (a loader finds
 * the aside copy if a crash hits between the two renames). Leftovers of crashed writes are removed.
 *
 * @throws {@link CheckpointError} before anything is written when `target` is empty or root-like,
 * or holds anything but a gankit checkpoint (see {@link checkReplaceableCheckpoint}).
 */
export async function writeCheckpointDirectory(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  target = checkSaveTarget(target, 'save(dir)');
  await checkReplaceableCheckpoint(target);
  const parent = path.dirname(target);
  const unique = `${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const tmp = path.join(parent, `${path.basename(target)}.tmp-${unique}`);
  try {
    await fs.mkdir(tmp, { recursive: true });
    await fill(tmp);
    await writeManifest(tmp);
    for (const folder of await foldersOf(tmp)) await syncDirectory(folder);
    const aside = path.join(parent, `${path.basename(target)}.old-${unique}`);
    // Checked again just before the rename: the target may have changed while `fill` ran.
    await checkReplaceableCheckpoint(target);
    const replacing = await exists(target);
    if (replacing) await fs.rename(target, aside);
    await fs.rename(tmp, target);
    await syncDirectory(parent);
    if (replacing) await fs.rm(aside, { recursive: true, force: true });
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    if (error instanceof GankitError) throw error;
    throw new CheckpointError(target, `could not save (${(error as Error).message})`);
  }
  await removeLeftovers(target);
}

/** Removes temporary and set-aside siblings of `target` that crashed writes left behind (exact names only). */
async function removeLeftovers(target: string): Promise<void> {
  const parent = path.dirname(target);
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    if (isTemporaryOf(target, name) || isSetAsideOf(target, name)) {
      await fs.rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
}
