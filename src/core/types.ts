/**
 * Small shared types of gankit's configs.
 *
 * @packageDocumentation
 */

/** A named part of a config (a loss or a conditioning strategy) with its options. */
export interface NamedConfig {
  /** The part's registered name, e.g. `non-saturating` or `label-embedding`. */
  name: string;
  /** The part's options. */
  [option: string]: unknown;
}

/** Settings of one value per net: G's and D's. */
export interface PerNet<T> {
  /** The generator's. */
  generator: T;
  /** The discriminator's. */
  discriminator: T;
}

/** Gives a conditioning strategy (or a net builder) seeds for the layers it creates. */
export interface BuildContext {
  /** A seed for the next layer's initialiser; draws from the net's seeded random stream. */
  nextSeed(): number;
}
