/**
 * The manifest of a checkpoint directory: every file's relative path, size and SHA-256, written
 * last, so a checkpoint whose files were cut short, changed or lost is refused on load with the
 * file named.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../errors';
import { writeFileAtomic } from './file-system';

/** The manifest's file name inside a checkpoint directory. */
export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_FORMAT = 'gankit-checkpoint-manifest';

/** One file of a checkpoint as its manifest records it. */
export interface ManifestEntry {
  /** Path relative to the checkpoint directory, with `/` separators. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the contents, hex. */
  sha256: string;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile() && rel !== MANIFEST_FILE) out.push(rel);
  }
  return out.sort();
}

/** Records every file under `dir` (but the manifest itself) in `dir/manifest.json`. */
export async function writeManifest(dir: string): Promise<ManifestEntry[]> {
  const files: ManifestEntry[] = [];
  for (const rel of await listFiles(dir)) {
    const file = path.join(dir, rel);
    files.push({ path: rel, bytes: (await fs.stat(file)).size, sha256: await sha256(file) });
  }
  await writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify({ format: MANIFEST_FORMAT, files }, null, 2));
  return files;
}

/** True when `rel` names a file inside the directory (no absolute path, no `..`, no empty part). */
function isInside(rel: string): boolean {
  if (rel.length === 0 || rel.length > 1024 || rel.includes('\\') || rel.includes('\0') || rel.startsWith('/'))
    return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * Checks every file `dir/manifest.json` lists: present, of the recorded size and SHA-256, and
 * that `required` files are among them. Returns the entries.
 *
 * @throws {@link CheckpointError} naming the manifest or the file that does not match.
 */
export async function verifyManifest(dir: string, required: string[] = []): Promise<ManifestEntry[]> {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(manifestFile, 'utf8');
  } catch (error) {
    throw new CheckpointError(manifestFile, `cannot read the checkpoint's manifest (${(error as Error).message})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(manifestFile, `is not valid JSON (${(error as Error).message})`);
  }
  const m = manifest as { format?: unknown; files?: unknown };
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || !Array.isArray(m.files)) {
    throw new CheckpointError(manifestFile, `expected a ${MANIFEST_FORMAT} with a list of files`);
  }
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of (m.files as unknown[]).entries()) {
    const e = raw as Partial<ManifestEntry> | null;
    const valid =
      e !== null &&
      typeof e === 'object' &&
      typeof e.path === 'string' &&
      isInside(e.path) &&
      e.path !== MANIFEST_FILE &&
      Number.isSafeInteger(e.bytes) &&
      (e.bytes as number) >= 0 &&
      typeof e.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(e.sha256);
    if (!valid)
      throw new CheckpointError(
        manifestFile,
        `files[${i}]: expected { path inside the checkpoint, bytes, sha256 }, got ${JSON.stringify(raw)?.slice(0, 200)}`,
      );
    if (seen.has(e.path as string)) throw new CheckpointError(manifestFile, `lists '${e.path}' twice`);
    seen.add(e.path as string);
    entries.push(e as ManifestEntry);
  }
  for (const name of required) {
    if (!seen.has(name)) throw new CheckpointError(manifestFile, `does not list '${name}', which every checkpoint has`);
  }
  for (const entry of entries) {
    const file = path.join(dir, ...entry.path.split('/'));
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      throw new CheckpointError(file, 'is missing (the manifest lists it)');
    }
    if (stat.size !== entry.bytes)
      throw new CheckpointError(file, `holds ${stat.size} bytes; the manifest recorded ${entry.bytes}`);
    const digest = await sha256(file);
    if (digest !== entry.sha256)
      throw new CheckpointError(
        file,
        `does not match its checksum in the manifest (SHA-256 ${digest.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…)`,
      );
  }
  return entries;
}
