/**
 * Measures an emoji-cgan checkpoint on a set that is not MNIST, through a feature net the library
 * trains on the emoji themselves (trainFeatureNet): the 1,906 emoji are shuffled with --seed and
 * halved; the feature net is trained on all of them (it is a feature extractor, not a judge of
 * held-out accuracy), half A is the reference, half B the real-vs-real baseline, and as many
 * samples of the averaged G and of the raw G (labels i mod 9) are measured against half A.
 *
 * `--task rotations` trains the feature net without the categories (which of four rotations each
 * emoji was turned by), as for a folder of unlabelled images; it then measures features only.
 *
 *   npx tsx scripts/emoji-metrics.ts [--checkpoint out/emoji-cgan/checkpoint] [--task labels|rotations] [--steps 600] [--seed 0] [--out out/emoji-feature-net]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { Rng, initBackend, loadGan, datasets, quality } from '../src/index';
import { openEmoji } from '../examples/emoji-data';

const opts = new Command('emoji-metrics')
  .description(
    'KID, precision/recall, density/coverage and FD of an emoji-cgan checkpoint in a feature net trained on the emoji.',
  )
  .option('--checkpoint <dir>', 'the emoji-cgan checkpoint', 'out/emoji-cgan/checkpoint')
  .addOption(
    new Option('--task <name>', 'what the feature net learns to predict')
      .choices(['labels', 'rotations'])
      .default('labels'),
  )
  .option('--steps <n>', 'feature net training steps', Number, 600)
  .option('--seed <n>', 'seed of the halves, the feature net, z and the KID subsets', Number, 0)
  .option('--out <dir>', 'where the feature net is saved', 'out/emoji-feature-net')
  .parse()
  .opts<{ checkpoint: string; task: 'labels' | 'rotations'; steps: number; seed: number; out: string }>();

/** The whole set in memory, in a seeded order, as two halves. */
async function halves(): Promise<[datasets.ImageDataset, datasets.ImageDataset, number]> {
  const source = await openEmoji({ side: 32, cache: path.join(opts.out, '..', 'emoji-cgan', 'emoji-32px.cache') });
  const [batch] = [...source.batches(source.size, { rng: new Rng(opts.seed), dropRemainder: false })];
  source.close();
  const labels = Int32Array.from(await (batch.labels as tf.Tensor).data());
  const half = Math.floor(source.size / 2);
  const part = (from: number, to: number): datasets.ImageDataset =>
    datasets.ImageDataset.fromTensor(
      tf.slice(batch.images, [from, 0, 0, 0], [to - from, -1, -1, -1]),
      labels.slice(from, to),
      {
        numClasses: source.numClasses,
      },
    );
  const result: [datasets.ImageDataset, datasets.ImageDataset, number] = [
    part(0, half),
    part(half, 2 * half),
    source.numClasses,
  ];
  tf.dispose([batch.images, batch.labels ?? []]);
  return result;
}

function row(
  name: string,
  m: { kid: number; kidStd: number; precision: number; recall: number; density: number; coverage: number },
  fd: number,
  accuracy?: number,
): string {
  const cells = [
    accuracy === undefined ? '–' : accuracy.toFixed(3),
    fd.toFixed(2),
    `${m.kid.toFixed(3)} ± ${m.kidStd.toFixed(3)}`,
    m.precision.toFixed(3),
    m.recall.toFixed(3),
    m.density.toFixed(3),
    m.coverage.toFixed(3),
  ];
  return `| ${name} | ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  await initBackend();
  const [a, b, numClasses] = await halves();
  const all = datasets.ImageDataset.fromTensor(
    tf.concat([a.images, b.images]),
    Int32Array.from([...(a.labels ?? []), ...(b.labels ?? [])]),
    { numClasses },
  );
  const started = Date.now();
  const net = await quality.trainFeatureNet(all, {
    dir: opts.out,
    task: opts.task,
    steps: opts.steps,
    seed: opts.seed,
    reference: a,
    referenceName: `emoji half A: ${a.size} of ${a.size + b.size} (seeded halves, seed ${opts.seed})`,
    onProgress: (p) =>
      console.error(
        `feature net step ${p.step}/${p.steps}: loss ${p.loss.toFixed(3)}, accuracy ${p.accuracy.toFixed(3)}`,
      ),
  });
  console.error(
    `feature net (task ${opts.task}, accuracy ${net.info.testAccuracy.toFixed(3)} on the emoji it trained on): ${opts.steps} steps in ${((Date.now() - started) / 1000).toFixed(0)} s, saved to ${net.dir}`,
  );
  const reference = await quality.loadFeatureNetReference(net);
  const baselineOut = await net.classify(b.images);
  const baseline = {
    source: `emoji half B: ${b.size} images`,
    features: baselineOut.features,
    featureDim: baselineOut.featureDim,
    labels: Int32Array.from(b.labels ?? []),
  };
  const measure = async (raw: boolean): Promise<quality.GanEvaluation> => {
    const gan = await loadGan(opts.checkpoint, { averagedGenerator: !raw });
    try {
      return await quality.evaluateGan(gan, {
        classifier: net,
        samples: a.size,
        seed: opts.seed,
        real: { reference, baseline },
      });
    } finally {
      gan.dispose();
    }
  };
  const averaged = await measure(false);
  const raw = await measure(true);
  const base = averaged.baseline;
  console.log(`protocol: ${JSON.stringify(averaged.protocol)}`);
  console.log('| samples | label accuracy | FD | KID | precision | recall | density | coverage |');
  console.log('|---|---|---|---|---|---|---|---|');
  if (averaged.sampleSet)
    console.log(row('averaged G', averaged.sampleSet, averaged.frechetDistance, averaged.labelAccuracy ?? undefined));
  if (raw.sampleSet) console.log(row('raw G', raw.sampleSet, raw.frechetDistance, raw.labelAccuracy ?? undefined));
  // The feature net was trained on half B too: its accuracy there is an upper bound, not a held-out figure.
  const predicted = quality.argmaxRows(baselineOut.probabilities, baselineOut.numClasses);
  const hits = predicted.filter((label, k) => label === baseline.labels[k]).length;
  const accuracy = net.measuresClasses ? hits / b.size : undefined;
  if (base?.sampleSet) console.log(row(`real, half B (${b.size})`, base.sampleSet, base.frechetDistance, accuracy));
  net.dispose();
  all.dispose();
  a.dispose();
  b.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
