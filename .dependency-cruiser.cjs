/**
 * The layering rules of src/ (docs/architecture.md explains them), checked by `npm run deps` in
 * CI: each layer imports only the layers below it, and no import cycle, type-only imports included, since a type cycle is still two concepts that
 * cannot be read one without the other.
 * @type {import('dependency-cruiser').IConfiguration}
 */

/**
 * The layers of src/, lowest first. A module may import its own layer and the layers below it,
 * never one above: data flows from the parts (core, then layers/data/io/kernels, then nets,
 * conditioning and losses) through the training loop to what shows and keeps its results, the
 * model families that put it together, the command line and the entries.
 */
const LAYERS = [
  { name: 'core', path: '^src/(core/|errors\\.ts$|random\\.ts$|version\\.ts$)' },
  { name: 'base', path: '^src/(io/|kernels/|data/|layers/|platform\\.ts$|backend\\.ts$|backend-browser\\.ts$)' },
  { name: 'parts', path: '^src/(nets/|conditioning/|losses/|latent/)' },
  { name: 'training', path: '^src/(train/|parallel/)' },
  { name: 'outputs', path: '^src/(callbacks/|eval/|image/)' },
  { name: 'models', path: '^src/models/' },
  { name: 'cli', path: '^src/cli/(?!gankit\\.ts$)' },
  { name: 'entries', path: '^src/(api/|(index|browser|exports|node-services|cli/gankit)\\.ts$)' },
];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} may import only itself and the layers below it (docs/architecture.md)`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(i + 1).map((l) => l.path) },
}));

module.exports = {
  forbidden: [
    ...upward,
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
