/**
 * Installs gankit's Node-only services (src/platform.ts): the file system for checkpoints and
 * model folders, and worker threads for data-parallel training. Imported for its effect by the
 * Node entry (src/index.ts); the browser entry leaves it out.
 *
 * @packageDocumentation
 */
import * as path from 'node:path';
import { saveGan } from './models/gan/load';
import { restoreGan } from './models/gan/restore';
import { fileSystemHandler } from './io/file-system';
import { DataParallelSession } from './parallel/data-parallel';
import { installNodeServices } from './platform';
import { writeNetsCheckpoint } from './train/nets-checkpoint';

installNodeServices({
  fileHandler: (dir) => fileSystemHandler(path.resolve(dir)),
  saveGan,
  saveNetsCheckpoint: writeNetsCheckpoint,
  restoreGan,
  startDataParallel: (trainer, replicas, maxBatch) => DataParallelSession.start(trainer, replicas, maxBatch),
});
