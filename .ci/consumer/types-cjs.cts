// Type-only check (never run): under node16 resolution a .cts file gets gankit's `require` types (index.d.cts).
import { createCGAN, type Gan, type TrainHistory } from 'gankit';

export async function train(): Promise<TrainHistory> {
  const cgan: Gan = createCGAN({ numClasses: 10, imageShape: [8, 8, 1] });
  const sample: number[] = cgan.generate({ labels: [1] }).shape;
  void sample;
  return [];
}
