/**
 * The seed-003 face GAN on CelebA, read from one HDF5 file in the seed's layout: a group
 * `img_align_celeba` holding one `uint8 [218, 178, 3]` dataset per image (`0.jpg`, `1.jpg`, …),
 * streamed a batch at a time, so the 23.6 GB set never has to fit in memory.
 *
 * - `--arch seed` (default): the seed's nets, fully connected on the flattened image: G maps
 *   z (100) → 300 → 218·178·3 (tanh) and back to an image; D flattens the image → 300 → one logit
 *   (the seed elides D's hidden width; 300 mirrors G). BCE (non-saturating) loss, Adam 2e-4 β1 0.5.
 * - `--arch dcgan`: the 64 px DCGAN (Radford et al. 2016) on centre-cropped, resized faces.
 *
 *   npx tsx examples/face-gan-celeba.ts --data celeba.h5 [--arch seed|dcgan] [--image-size 218x178]
 *                                       [--epochs 1] [--batch-size 64] [--out out/face-gan] [--resume]
 *                                       [--ema 0] [--limit N] [--backend wasm|cpu|tensorflow] [--seed 1]
 *
 * CelebA itself is not on the npm registry; build the file from the aligned images as the seed
 * does (one dataset per JPEG's pixels). The test writes a small file in the same layout.
 * Writes into --out: samples/epoch-NNN.png, losses.csv, losses.png and checkpoint/.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createGan, initBackend, cli, datasets } from '../src/index';

function imageSize(value: string): [number, number] {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (match === null || Number(match[1]) < 4 || Number(match[2]) < 4)
    throw new InvalidArgumentError(
      `--image-size must be <height>x<width> of at least 4x4, e.g. 218x178; got '${value}'.`,
    );
  return [Number(match[1]), Number(match[2])];
}

cli.runScript(async () => {
  const program = cli
    .addTrainingOptions(
      new Command('face-gan-celeba').description(
        'The seed-003 face GAN (or a 64 px DCGAN) on CelebA in the seed HDF5 layout.',
      ),
      { epochs: 1, batchSize: 64, out: 'out/face-gan', evalSamples: 0 },
    )
    .requiredOption(
      '--data <file.h5>',
      "an HDF5 file in the seed's layout (group img_align_celeba, one dataset per image)",
    )
    .addOption(
      new Option('--arch <name>', "the seed's fully connected nets, or a 64 px DCGAN")
        .choices(['seed', 'dcgan'])
        .default('seed'),
    )
    .option('--image-size <hxw>', 'the size the seed nets work at (default: the stored 218x178)', imageSize)
    .parse();
  const args = cli.trainingArgsFrom(program);
  const {
    data: file,
    arch,
    imageSize: size,
  } = program.opts<{ data: string; arch: 'seed' | 'dcgan'; imageSize?: [number, number] }>();
  const imageShape: datasets.ImageShape = arch === 'dcgan' ? [64, 64, 3] : [...(size ?? [218, 178]), 3];
  await initBackend({ backend: args.backend });
  const faces = await datasets.openHdf5Images(file, { images: 'img_align_celeba', imageShape, limit: args.limit });
  console.log(`data: ${file}: ${faces.size} faces, trained at ${imageShape.join('×')}`);
  try {
    await cli.runTraining(args, {
      data: faces,
      gridColumns: 8,
      build: () =>
        arch === 'dcgan'
          ? createGan({ architecture: 'dcgan', imageShape, seed: args.seed })
          : createGan({
              architecture: 'mlp',
              imageShape,
              latentDim: 100,
              generator: { hiddenUnits: [300], batchNorm: false },
              discriminator: { hiddenUnits: [300], dropout: 0 },
              seed: args.seed,
            }),
    });
  } finally {
    faces.close();
  }
});
