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
