/** This gankit's version (the package's `version`), stored in every checkpoint. */
export const VERSION = '0.2.0';
