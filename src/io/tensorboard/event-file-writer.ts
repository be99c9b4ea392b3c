/**
 * A TensorBoard event file written without TensorFlow: TFRecord-framed `Event` protos appended to
 * `<logdir>/events.out.tfevents.<seconds>.<host>`, which `tensorboard --logdir <logdir>` reads.
 *
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, GanConfigError } from '../../errors';
import { encodeEvent, type SummaryValue } from './event';
import { tfRecord } from './tfrecord';

/** The version header TensorBoard expects as the first event. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

/** Options of {@link EventFileWriter.open}. */
export interface EventFileWriterOptions {
  /** The clock, in seconds since 1970 (default `Date.now() / 1000`); tests fix it. */
  now?: () => number;
  /** Host name in the file name (default `os.hostname()`). */
  host?: string;
}

/**
 * Appends events to one new event file. Every call writes its record at once (a crash loses at
 * most the event being written); {@link EventFileWriter.close} it when done.
 *
 * @example
 * ```ts
 * const writer = await EventFileWriter.open('out/tb');
 * await writer.scalars(10, { 'train/d_loss': 0.69, 'train/g_loss': 0.71 });
 * await writer.image(10, 'samples', { width: grid.width, height: grid.height, png: encodePng(grid) });
 * await writer.close();
 * ```
 */
export class EventFileWriter {
  /** The event file's path. */
  readonly file: string;
  private handle: FileHandle | null;
  private readonly now: () => number;

  private constructor(file: string, handle: FileHandle, now: () => number) {
    this.file = file;
    this.handle = handle;
    this.now = now;
  }

  /**
   * Creates `logdir` if needed and a new event file in it, named
   * `events.out.tfevents.<seconds>.<host>` (with `.1`, `.2`, … added rather than touch a file
   * already there), and writes the version header.
   *
   * @throws {@link GanConfigError} for an empty `logdir`; {@link CheckpointError} naming the file when it cannot be created.
   */
  static async open(logdir: string, options: EventFileWriterOptions = {}): Promise<EventFileWriter> {
    if (typeof logdir !== 'string' || logdir === '')
      throw new GanConfigError('logdir', `expected a folder path, got ${String(logdir)}`);
    const now = options.now ?? (() => Date.now() / 1000);
    const host = (options.host ?? os.hostname()).replace(/[^A-Za-z0-9._-]/g, '_');
    const base = path.join(logdir, `events.out.tfevents.${Math.floor(now())}.${host}`);
    try {
      await fs.mkdir(logdir, { recursive: true });
    } catch (error) {
      throw new CheckpointError(logdir, `cannot create the log folder (${(error as Error).message})`);
    }
    for (let n = 0; ; n++) {
      const file = n === 0 ? base : `${base}.${n}`;
      try {
        const handle = await fs.open(file, 'wx');
        const writer = new EventFileWriter(file, handle, now);
        await writer.write(encodeEvent({ wallTime: now(), step: 0, fileVersion: EVENT_FILE_VERSION }));
        return writer;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && n < 1000) continue;
        throw new CheckpointError(file, `cannot write the event file (${(error as Error).message})`);
      }
    }
  }

  private async write(event: Uint8Array): Promise<void> {
    if (this.handle === null) throw new CheckpointError(this.file, 'the event file is closed');
    await this.handle.write(tfRecord(event));
  }

  /** Writes summary values at `step` as one event. */
  async values(step: number, values: readonly SummaryValue[]): Promise<void> {
    if (!Number.isInteger(step) || step < 0) throw new GanConfigError('step', `expected an integer ≥ 0, got ${step}`);
    if (values.length === 0) return;
    await this.write(encodeEvent({ wallTime: this.now(), step, values }));
  }

  /** Writes each `tag → value` as a scalar at `step` (one event; non-finite values are written as they are, TensorBoard shows them). */
  async scalars(step: number, scalars: Readonly<Record<string, number>>): Promise<void> {
    await this.values(
      step,
      Object.entries(scalars).map(([tag, scalar]) => ({ tag, scalar })),
    );
  }

  /** Writes an RGBA image, encoded as PNG, as an image summary under `tag` at `step`. */
  async image(step: number, tag: string, image: { width: number; height: number; png: Uint8Array }): Promise<void> {
    const { width, height, png } = image;
    await this.values(step, [{ tag, image: { height, width, colorspace: 4, png } }]);
  }

  /** Flushes and closes the file; later writes throw. Closing twice does nothing. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle !== null) {
      await handle.sync();
      await handle.close();
    }
  }
}
