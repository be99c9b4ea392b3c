import { defineConfig } from 'tsup';

export default defineConfig({
  // The data-parallel worker is its own entry: worker threads load it by path, beside index.
  entry: { index: 'src/index.ts', 'parallel-worker': 'src/parallel/worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node18',
  platform: 'node',
  splitting: false,
  // __filename in the ESM build too: the trainer finds parallel-worker.js beside itself.
  shims: true,
});
