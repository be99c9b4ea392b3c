'use strict';
const { initBackend, createCGAN, ImageDataset } = require('gankit');
const smoke = require('./smoke.cjs');

smoke({ initBackend, createCGAN, ImageDataset }, 'cjs').catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
