'use strict';
const { initBackend, createCgan, datasets } = require('gankit');
const smoke = require('./smoke.cjs');

smoke({ initBackend, createCgan, ImageDataset: datasets.ImageDataset }, 'cjs').catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
