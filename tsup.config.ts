import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The data-parallel worker is its own entry: worker threads load it by path, beside index.
    entry: { index: 'src/index.ts', 'parallel-worker': 'src/parallel/worker.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // The `gankit` binary and the browser entry are built by the other configs into the same
    // folder: never clean them here (the builds run concurrently).
    clean: ['!cli.js', '!cli.js.map', '!browser.js', '!browser.js.map', '!browser.d.ts'],
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
  {
    // The browser entry (package.json exports, condition "browser"): no Node built-in may be
    // reached from it; platform 'browser' makes esbuild refuse one at build time.
    entry: { browser: 'src/browser.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'es2020',
    platform: 'browser',
    splitting: false,
  },
]);
