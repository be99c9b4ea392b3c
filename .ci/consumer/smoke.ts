// Run with tsx (ESM: the consumer package is "type": "module") and type-checked with tsc (node16).
import { initBackend, createCgan, datasets, type Gan, type training } from 'gankit';

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`tsx: ${what}`);
}

try {
  await initBackend({ log: null });
  const cgan: Gan = createCgan({
    numClasses: 10,
    latentDim: 16,
    imageShape: [8, 8, 1],
    seed: 1,
    generator: { hiddenUnits: [32] },
    discriminator: { hiddenUnits: [32], dropout: 0 },
  });
  const pixels = new Uint8Array(200 * 8 * 8).map(() => Math.floor(Math.random() * 256));
  const data = datasets.ImageDataset.fromPixels(
    pixels,
    [200, 8, 8, 1],
    Array.from({ length: 200 }, (_, i) => i % 10),
    { numClasses: 10 },
  );
  const history: training.TrainHistory = await cgan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 20 });
  check(history.length === 1, `history has ${history.length} entries, expected 1`);
  const epoch = history[0]!;
  check(epoch.steps === 20, `history[0].steps is ${epoch.steps}, expected 20`);
  check(Number.isFinite(epoch.dLoss) && Number.isFinite(epoch.gLoss), `losses not finite: ${JSON.stringify(epoch)}`);
  check(cgan.trainer.step === 20, `trainer.step is ${cgan.trainer.step}, expected 20`);
  const imgs = cgan.generate({ labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  const shape: number[] = imgs.shape;
  check(JSON.stringify(shape) === '[10,8,8,1]', `generated shape [${shape}], expected [10,8,8,1]`);
  check(
    Array.from(imgs.dataSync()).every((v) => Number.isFinite(v) && v >= -1 && v <= 1),
    'generated values outside [-1, 1]',
  );
  imgs.dispose();
  console.log('tsx ok');
} catch (err) {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
}
