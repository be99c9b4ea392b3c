/**
 * Which loader reads which checkpoint: a loader handed another family's checkpoint says which
 * one to use instead of only that the files it looked for are not there.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';

/** One kind of checkpoint gankit writes or wrote, and the function that loads it. */
interface KnownCheckpoint {
  /** The state file that marks it. */
  stateFile: string;
  /** For a named-nets checkpoint (`state.json`), the family it records. */
  family?: string;
  /** A word for messages. */
  label: string;
  /** The function to load it with. */
  loader: string;
}

// The named-nets state file (NETS_STATE_FILE); spelled here so that this table needs no import of its module.
const NETS = 'state.json';

const KNOWN: readonly KnownCheckpoint[] = [
  { stateFile: NETS, family: 'gan', label: 'GAN', loader: 'loadGan() (gankit sample draws it)' },
  { stateFile: 'gankit.json', label: 'GAN', loader: 'loadGan() (gankit sample draws it)' },
  { stateFile: 'cyclegan.json', label: 'CycleGAN', loader: 'loadCycleGan()' },
  { stateFile: NETS, family: 'cycle-gan', label: 'CycleGAN', loader: 'loadCycleGan()' },
  { stateFile: NETS, family: 'image-to-image', label: 'image-to-image GAN', loader: 'loadImageToImageGan()' },
];

/** `a` or `an`, as `word` needs. */
const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/**
 * Why a named-nets checkpoint of `family` is not one of the family `wanted` (whose loader's
 * messages call it `label`): what it holds and, for a family gankit knows, the loader that reads it.
 * @internal
 */
export function familyMismatch(family: string, wanted: { family: string; label: string }): string {
  const known = KNOWN.find((k) => k.stateFile === NETS && k.family === family);
  const not = `not ${article(wanted.label)} ${wanted.label} ('${wanted.family}') one`;
  if (known === undefined) return `holds a '${family}' checkpoint, ${not}`;
  return `holds ${article(known.label)} ${known.label} checkpoint ('${family}'), ${not}; load it with ${known.loader}`;
}

const readFamily = async (file: string): Promise<string | null> => {
  try {
    const raw = JSON.parse(await fs.readFile(file, 'utf8')) as { family?: unknown } | null;
    return typeof raw?.family === 'string' ? raw.family : null;
  } catch {
    return null;
  }
};

/**
 * When `dir` holds none of `stateFiles` but another kind's state file, the error saying so and
 * which loader reads it (`null` otherwise: then `dir` is simply not a checkpoint, or one of this kind).
 * `label` names the kind the caller wanted (e.g. `CycleGAN`).
 * @internal
 */
export async function otherKindOfCheckpoint(
  dir: string,
  stateFiles: readonly string[],
  label: string,
): Promise<CheckpointError | null> {
  const present = async (file: string): Promise<boolean> =>
    fs.stat(path.join(dir, file)).then(
      (s) => s.isFile(),
      () => false,
    );
  for (const file of stateFiles) if (await present(file)) return null;
  for (const known of KNOWN) {
    if (!(await present(known.stateFile))) continue;
    if (known.family !== undefined && (await readFamily(path.join(dir, known.stateFile))) !== known.family) continue;
    return new CheckpointError(
      dir,
      `holds a ${known.label} checkpoint (${known.stateFile}), not a ${label} one; load it with ${known.loader}`,
    );
  }
  return null;
}
