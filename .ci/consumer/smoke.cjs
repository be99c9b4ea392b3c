// Shared smoke check for the .mjs / .cjs consumers: gets gankit's exports (however they were loaded).
'use strict';
module.exports = async function smoke({ initBackend, createCgan, ImageDataset }, label) {
  await initBackend({ log: null });
  const cgan = createCgan({
    numClasses: 10,
    latentDim: 16,
    imageShape: [8, 8, 1],
    seed: 1,
    generator: { hiddenUnits: [32] },
    discriminator: { hiddenUnits: [32, 32], dropout: 0.3 }, // the worker must rebuild SeededDropout from dist
  });
  const pixels = new Uint8Array(200 * 8 * 8).map(() => Math.floor(Math.random() * 256));
  const data = ImageDataset.fromPixels(
    pixels,
    [200, 8, 8, 1],
    Array.from({ length: 200 }, (_, i) => i % 10),
    { numClasses: 10 },
  );
  const history = await cgan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 20 });
  const check = (ok, what) => {
    if (!ok) throw new Error(`${label}: ${what}`);
  };
  check(Array.isArray(history) && history.length === 1, `history has ${history?.length} entries, expected 1`);
  check(history[0].steps === 20, `history[0].steps is ${history[0].steps}, expected 20`);
  check(
    Number.isFinite(history[0].dLoss) && Number.isFinite(history[0].gLoss),
    `losses not finite: ${JSON.stringify(history[0])}`,
  );
  check(cgan.trainer.step === 20, `trainer.step is ${cgan.trainer.step}, expected 20`);
  const imgs = cgan.generate({ labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  check(JSON.stringify(imgs.shape) === '[10,8,8,1]', `generated shape [${imgs.shape}], expected [10,8,8,1]`);
  const values = imgs.dataSync();
  check(
    values.every((v) => Number.isFinite(v) && v >= -1 && v <= 1),
    'generated values outside [-1, 1]',
  );
  imgs.dispose();
  // Data-parallel: the worker thread loads dist/parallel-worker.(c)js beside the entry point.
  const parallel = await cgan.fit(data, { epochs: 2, batchSize: 10, stepsPerEpoch: 5, workers: 2 });
  check(
    parallel.length === 1 && parallel[0].steps === 5,
    `workers: 2 ran ${JSON.stringify(parallel)}, expected one epoch of 5 steps`,
  );
  check(
    Number.isFinite(parallel[0].dLoss) && Number.isFinite(parallel[0].gLoss),
    `workers: 2 losses not finite: ${JSON.stringify(parallel[0])}`,
  );
  console.log(`${label} ok`);
};
