// Type-only check (never run): under node16 resolution a .cts file gets gankit's `require` types (index.d.cts),
// including a namespace's types and a deprecated 0.1 name (createCGAN), which must still type-check.
import { createCGAN, type Gan, type training } from 'gankit';

export async function train(): Promise<training.TrainHistory> {
  const cgan: Gan = createCGAN({ numClasses: 10, imageShape: [8, 8, 1] });
  const sample: number[] = cgan.generate({ labels: [1] }).shape;
  void sample;
  return [];
}
