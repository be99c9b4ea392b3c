/**
 * The layering rules of src/ (docs/architecture.md explains them), checked by `npm run deps` in
 * CI: no import cycle, type-only imports included, since a type cycle is still two concepts that
 * cannot be read one without the other.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: the modules in it can be neither read nor changed one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code (entries and the worker are imported by path).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '^src/(index|browser|node|cli/gankit)\\.ts$', '^src/parallel/worker\\.ts$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
