/**
 * `io` (Node): files: checkpoint folders below the loaders (saving, listing, finding the newest
 * good one, reading a state file, the checksummed manifest), a tfjs IO handler for model folders,
 * atomic writes, and TensorBoard event files written without TensorFlow.
 *
 * @packageDocumentation
 */
export { fileSystemHandler, writeFileAtomic } from '../io/file-system';
export * from '../io/tensorboard/index';
export {
  resolveCheckpoint,
  readCheckpointState,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
} from '../models/gan/checkpoint-state';
export {
  saveCheckpoint,
  listCheckpoints,
  checkpointName,
  type Checkpointable,
  type CheckpointEntry,
  type CheckpointKind,
  type ResolvedCheckpoint,
  type SkippedCheckpoint,
} from '../train/checkpoint';
export { verifyManifest, MANIFEST_FILE, type ManifestEntry } from '../io/checkpoint-manifest';
export {
  NETS_CHECKPOINT_FORMAT_VERSION,
  NETS_STATE_FILE,
  type NetsCheckpointState,
  type SavedNet,
} from '../train/nets-checkpoint';
export { saveCycleCheckpoint } from '../models/cycle/checkpoint';
