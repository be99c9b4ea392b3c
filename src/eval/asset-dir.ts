/**
 * Where the files gankit ships beside its code (`assets/`) are, in every way gankit runs: the
 * bundled `dist/index.js`, `dist/index.cjs` and `dist/cli.js`, or the TypeScript source under tsx
 * or ts-jest.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { GanConfigError } from '../errors';

/** This module's own file (the bundle it was built into, or the source file). */
function thisFile(): string | null {
  // ts-jest and the CJS build define __filename; tsup's shims define it in the ESM build too.
  if (typeof __filename === 'string') return __filename;
  // ESM source under tsx: read it off the stack.
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n')) {
    const match = /((?:file:\/\/)?\/[^\s()]*?asset-dir\.[cm]?[jt]s)/.exec(line);
    if (match) return decodeURIComponent(match[1].replace(/^file:\/\//, ''));
  }
  return null;
}

/** How many folders up from this module `assets/` may be: `src/eval/` → package root is two. */
const MAX_LEVELS = 3;

/**
 * The folder `assets/<name>` of the installed gankit package, found by walking up from gankit's
 * own module (`dist/` in a build, `src/eval/` in the source) until a folder holding
 * `assets/<name>/<marker>` appears.
 *
 * @param name - the asset folder, e.g. `'mnist-classifier'`.
 * @param marker - a file that must exist in it (default `model.json`).
 * @throws {@link GanConfigError} (argument `dir`) when no such folder is found; pass the folder
 * explicitly then.
 */
export function packageAssetDir(name: string, marker = 'model.json'): string {
  const self = thisFile();
  const looked: string[] = [];
  if (self !== null) {
    let dir = path.dirname(self);
    for (let level = 0; level <= MAX_LEVELS; level++) {
      const candidate = path.join(dir, 'assets', name);
      if (existsSync(path.join(candidate, marker))) return candidate;
      looked.push(candidate);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new GanConfigError(
    'dir',
    `gankit's bundled assets/${name} was not found (looked in ${looked.length > 0 ? looked.join(', ') : 'no folder: cannot tell where gankit is installed'}); pass the folder explicitly`,
  );
}
