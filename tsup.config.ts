import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The data-parallel worker is its own entry: worker threads load it by path, beside index.
    entry: { index: 'src/index.ts', 'parallel-worker': 'src/parallel/worker.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // The `gankit` binary is built by the second config into the same folder: never clean it here
    // (the two builds run concurrently).
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node18',
    platform: 'node',
    splitting: false,
    // __filename in the ESM build too: the trainer finds parallel-worker.js beside itself.
    shims: true,
  },
  {
    // The `gankit` binary (package.json "bin"): ESM only; esbuild keeps the source's
    // `#!/usr/bin/env node` line, and tsup makes the file executable.
    entry: { cli: 'src/cli/gankit.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node18',
    platform: 'node',
    splitting: false,
    // __filename in ESM: the classifier's assets are found from the bundle's own path.
    shims: true,
  },
]);
