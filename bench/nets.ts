/** The three seed nets the bench times, built through gankit's public API exactly as the examples build them. */
import { createCgan, createGan, type Gan } from '../src/index';

export type BenchNet = 'gan' | 'cgan' | 'dcgan';

export interface BenchNetSpec {
  name: BenchNet;
  title: string;
  batchSize: number;
  build(seed: number): Gan;
}

export const BENCH_NETS: Record<BenchNet, BenchNetSpec> = {
  gan: { name: 'gan', title: 'seed 001 MLP GAN', batchSize: 100, build: (seed) => createGan({ seed }) },
  cgan: {
    name: 'cgan',
    title: 'seed 002 MLP CGAN',
    batchSize: 64,
    build: (seed) => createCgan({ seed, architecture: 'mlp' }),
  },
  dcgan: {
    name: 'dcgan',
    title: 'seed 000 DCGAN CGAN',
    batchSize: 64,
    build: (seed) => createCgan({ seed, architecture: 'dcgan' }),
  },
};

/** The nets a `--nets a,b` flag names, in its order; an unknown name is an error naming the flag. */
export function parseBenchNets(list: string | undefined): BenchNet[] {
  const nets = (list ?? '').split(',').filter(Boolean);
  for (const net of nets)
    if (!(net in BENCH_NETS))
      throw new Error(`--nets: expected some of ${Object.keys(BENCH_NETS).join(', ')}, got '${net}'`);
  return nets as BenchNet[];
}
