/**
 * What a save may replace: only what gankit provably wrote. A checkpoint folder whose manifest
 * verifies and lists every file in it, an older (format 1) checkpoint holding only checkpoint
 * files, or a collection folder holding only `step-NNNNNNNNN` checkpoints. Anything else at the
 * target (a user's folder, a file, the current directory) is refused before anything is written,
 * so no save ever deletes what gankit did not write.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { MANIFEST_FILE, verifyManifest } from './checkpoint-manifest';
import { kindOf } from './output-path';

/** A checkpoint folder's name inside a collection; also their write leftovers (`.tmp-…`, `.old-…`). */
const COLLECTION_ENTRY = /^step-\d{9,}(\.(tmp|old)-[0-9]+-[0-9a-z]+)?$/;
/**
 * The state file of a format-1 GAN checkpoint, which had no manifest (the literal, not the
 * constant of src/train/checkpoint.ts, which imports this module).
 */
const FORMAT_1_STATE_FILE = 'gankit.json';
/** Files an older run wrote into `ema-generator/` after the manifest, so the manifest does not list them. */
const UNLISTED_AVERAGE = new Set(['ema-generator/model.json', 'ema-generator/weights.bin']);

/** Every file under `dir`, relative, with `/` separators (symbolic links and other entries too). */
async function listAll(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listAll(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * Refuses an empty path and a root-like one: the file system's root, the home folder, the current
 * folder or one of its ancestors (replacing any of them would remove far more than a checkpoint).
 *
 * @param target - The path as the user gave it.
 * @param argument - What the message calls it, e.g. `Gan.save(dir)`.
 * @returns the resolved path.
 * @throws {@link CheckpointError} naming the path.
 */
export function checkSaveTarget(target: unknown, argument: string): string {
  if (typeof target !== 'string' || target.trim().length === 0)
    throw new CheckpointError(
      JSON.stringify(target) ?? String(target),
      `${argument}: expected a non-empty folder path (e.g. 'out/checkpoint')`,
    );
  const resolved = path.resolve(target);
  const cwd = process.cwd();
  const rootLike =
    resolved === path.parse(resolved).root ||
    resolved === path.resolve(os.homedir()) ||
    resolved === cwd ||
    cwd.startsWith(resolved + path.sep);
  if (rootLike)
    throw new CheckpointError(
      resolved,
      `${argument}: refusing to write a checkpoint over the file system root, the home folder or the current folder (or one holding it); give a subfolder such as 'out/checkpoint'`,
    );
  return resolved;
}

/** True when `dir` is one checkpoint that gankit wrote and that nothing has been added to since. */
async function isCheckpoint(dir: string): Promise<boolean> {
  const files = await listAll(dir);
  if (files.includes(MANIFEST_FILE)) {
    try {
      const listed = new Set((await verifyManifest(dir)).map((e) => e.path));
      return files.every((f) => f === MANIFEST_FILE || listed.has(f) || UNLISTED_AVERAGE.has(f));
    } catch (error) {
      if (error instanceof CheckpointError) return false;
      throw error;
    }
  }
  // Format 1: no manifest; the state file says so, and only checkpoint files are beside it.
  try {
    const state = JSON.parse(await fs.readFile(path.join(dir, FORMAT_1_STATE_FILE), 'utf8')) as Record<string, unknown>;
    if (state?.format !== 'gankit-checkpoint' || state.formatVersion !== 1) return false;
  } catch {
    return false;
  }
  return files.every(
    (f) =>
      f === FORMAT_1_STATE_FILE ||
      /^(generator|discriminator|ema-generator)\/(model\.json|weights\.bin)$/.test(f) ||
      /^optimizer-[a-z]+\.bin$/.test(f),
  );
}

/** True when `dir` holds only `step-NNNNNNNNN` checkpoints (and leftovers of their writes). */
async function isCollection(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir);
  if (!names.some((n) => COLLECTION_ENTRY.test(n) && !n.includes('.'))) return false;
  for (const name of names) {
    if (!COLLECTION_ENTRY.test(name) || (await kindOf(path.join(dir, name))) !== 'directory') return false;
    if (!name.includes('.') && !(await isCheckpoint(path.join(dir, name)))) return false;
  }
  return true;
}

/**
 * Checks that a save may replace what is at `target`: nothing, an empty folder, a gankit
 * checkpoint (its manifest verifies and lists every file there) or a folder of `step-NNNNNNNNN`
 * checkpoints. Call it before any work is written.
 *
 * @param target - The resolved target folder.
 * @throws {@link CheckpointError} naming the path and what to do, for anything else.
 */
export async function checkReplaceableCheckpoint(target: string): Promise<void> {
  const kind = await kindOf(target);
  if (kind === 'missing') return;
  if (kind === 'other')
    throw new CheckpointError(
      target,
      'is a file (or a link), not a checkpoint folder; gankit does not replace it: choose another path, or move the file away',
    );
  if ((await fs.readdir(target)).length === 0) return;
  if ((await isCheckpoint(target)) || (await isCollection(target))) return;
  throw new CheckpointError(
    target,
    `holds files that are not a gankit checkpoint (no ${MANIFEST_FILE} that verifies and lists every file, and not a folder of step-NNNNNNNNN checkpoints); gankit replaces only its own checkpoints: choose another folder, or move these files away`,
  );
}
