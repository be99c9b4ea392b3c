import { initBackend, createCgan, datasets } from 'gankit';
import { createRequire } from 'node:module';

const smoke = createRequire(import.meta.url)('./smoke.cjs');
try {
  await smoke({ initBackend, createCgan, ImageDataset: datasets.ImageDataset }, 'esm');
} catch (err) {
  console.error(err?.stack ?? err);
  process.exit(1);
}
