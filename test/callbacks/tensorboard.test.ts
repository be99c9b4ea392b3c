import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as protobuf from 'protobufjs';
import { encodePng } from '../../src/image/png';
import { createCgan } from '../../src/models/gan/create';
import { crc32c, maskedCrc32c } from '../../src/io/tensorboard/crc32c';
import { EventFileWriter } from '../../src/io/tensorboard/event-file-writer';
import { GanConfigError } from '../../src/errors';
import { imageGrid } from '../../src/image/grid';
import { tensorboard } from '../../src/callbacks/tensorboard';
import { type EpochLogs, type StepLogs } from '../../src/train/callbacks';
import { randomDataset, thrownBy, useDefaultBackend, useTempDir } from '../helpers';
import '../../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

const tempDir = useTempDir('tensorboard');
beforeAll(async () => {
  await useDefaultBackend();
});

// An independent reader: a bitwise (table-free) CRC-32C, TFRecord framing read by hand, and the
// Event schema given to protobufjs.
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function bitwiseMasked(bytes: Uint8Array): number {
  const c = bitwiseCrc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

const EVENT_PROTO = `
syntax = "proto3";
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
message Summary {
  message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
  message Value { string tag = 1; oneof value { float simple_value = 2; Image image = 4; } }
  repeated Value value = 1;
}`;
const Event = protobuf.parse(EVENT_PROTO).root.lookupType('Event');

interface DecodedValue {
  tag: string;
  simpleValue?: number;
  image?: { height: number; width: number; colorspace: number; encodedImageString: Uint8Array };
}
interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: { value: DecodedValue[] };
}

function readEventFile(bytes: Uint8Array): DecodedEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = Number(view.getBigUint64(offset, true));
    expect(view.getUint32(offset + 8, true)).toBe(bitwiseMasked(bytes.subarray(offset, offset + 8)));
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    expect(view.getUint32(offset + 12 + length, true)).toBe(bitwiseMasked(data));
    const message = Event.decode(data);
    events.push(Event.toObject(message, { longs: Number, bytes: Uint8Array as never }) as DecodedEvent);
    offset += 12 + length + 4;
  }
  expect(offset).toBe(bytes.length);
  return events;
}

const scalarsOf = (e: DecodedEvent): Record<string, number> =>
  Object.fromEntries(
    (e.summary?.value ?? []).filter((v) => v.simpleValue !== undefined).map((v) => [v.tag, v.simpleValue ?? NaN]),
  );

describe('CRC-32C', () => {
  test('the standard check value, and the reader in this test agrees on other bytes', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(crc32c(digits)).toBe(0xe3069283);
    expect(bitwiseCrc32c(digits)).toBe(0xe3069283);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(crc32c(bytes)).toBe(bitwiseCrc32c(bytes));
    expect(maskedCrc32c(bytes)).toBe(bitwiseMasked(bytes));
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

describe('EventFileWriter', () => {
  test('writes the header, scalars and a PNG image that an independent reader decodes; never overwrites a file', async () => {
    const logdir = path.join(tempDir(), 'writer');
    const now = () => 1700000000.25;
    const writer = await EventFileWriter.open(logdir, { now, host: 'test host' });
    expect(path.basename(writer.file)).toBe('events.out.tfevents.1700000000.test_host');
    await writer.scalars(3, { 'a/x': 0.1, 'a/y': -2.5e6 });
    await writer.scalars(2 ** 40, { big: 1 }); // int64 steps beyond 32 bits
    const image = { width: 3, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };
    await writer.image(4, 'img', { width: image.width, height: image.height, png: encodePng(image) });
    await writer.close();
    await writer.close();
    await expect(writer.scalars(5, { late: 1 })).rejects.toThrow(/closed/);
    const second = await EventFileWriter.open(logdir, { now, host: 'test host' });
    expect(path.basename(second.file)).toBe('events.out.tfevents.1700000000.test_host.1');
    await second.close();

    const events = readEventFile(await fs.readFile(writer.file));
    expect(events).toHaveLength(4);
    expect(events[0]).toEqual({ wallTime: 1700000000.25, fileVersion: 'brain.Event:2' }); // step 0: proto3's default, left out
    expect(events[1].step).toBe(3);
    expect(events[1].wallTime).toBe(1700000000.25);
    expect(scalarsOf(events[1])).toEqual({ 'a/x': Math.fround(0.1), 'a/y': -2.5e6 });
    expect(events[2].step).toBe(2 ** 40);
    const img = events[3].summary?.value[0];
    expect(img?.tag).toBe('img');
    expect([img?.image?.height, img?.image?.width, img?.image?.colorspace]).toEqual([2, 3, 4]);
    const png = PNG.sync.read(Buffer.from(img?.image?.encodedImageString ?? new Uint8Array(0)));
    expect([png.width, png.height]).toEqual([3, 2]);
    expect(Uint8Array.from(png.data)).toEqual(image.data);
    expect(readEventFile(await fs.readFile(second.file))).toHaveLength(1);
  });

  test('bad arguments are typed errors', async () => {
    await expect(EventFileWriter.open('')).rejects.toThrow(GanConfigError);
    const writer = await EventFileWriter.open(path.join(tempDir(), 'bad'));
    await expect(writer.scalars(-1, { x: 1 })).rejects.toThrow(/^step: expected an integer ≥ 0, got -1$/);
    await writer.close();
    expect((thrownBy(() => tensorboard({ logdir: 'x', everySteps: 0 })) as GanConfigError).argument).toBe(
      'options.everySteps',
    );
  });
});

describe('the tensorboard callback', () => {
  test('every step value, epoch mean and metric as scalars, and the sample grid per epoch as an image', async () => {
    const data = randomDataset(40, 28);
    const cgan = createCgan({
      latentDim: 8,
      generator: { hiddenUnits: [16] },
      discriminator: { hiddenUnits: [16] },
      seed: 5,
    });
    const logdir = path.join(tempDir(), 'fit');
    const steps: StepLogs[] = [];
    const epochs: EpochLogs[] = [];
    // A first epoch without the callback, so that the optimizer's state exists before counting tensors.
    await cgan.fit(data, { epochs: 1, batchSize: 10, stepsPerEpoch: 3 });
    const before = tf.memory().numTensors;
    await cgan.fit(data, {
      epochs: 3,
      batchSize: 10,
      stepsPerEpoch: 3,
      callbacks: [
        { onEpochEnd: (l: EpochLogs) => void (l.metrics = { fd: 10 + l.epoch, kid: 0.5 }) },
        tensorboard({ logdir, columns: 4, scale: 1 }),
        {
          onBatchEnd: (l: StepLogs) => void steps.push({ ...l }),
          onEpochEnd: (l: EpochLogs) => void epochs.push({ ...l }),
        },
      ],
    });
    const files = await fs.readdir(logdir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\.[A-Za-z0-9._-]+$/);
    const events = readEventFile(await fs.readFile(path.join(logdir, files[0])));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const stepEvents = events.filter((e) => Object.keys(scalarsOf(e)).some((t) => t.startsWith('step/')));
    expect(stepEvents.map((e) => e.step)).toEqual([4, 5, 6, 7, 8, 9]);
    stepEvents.forEach((e, i) => {
      const s = steps[i];
      expect(scalarsOf(e)).toEqual({
        'step/d_loss': Math.fround(s.dLoss),
        'step/g_loss': Math.fround(s.gLoss),
        'step/d_real': Math.fround(s.dRealMean),
        'step/d_fake': Math.fround(s.dFakeMean),
      });
    });
    const epochEvents = events.filter((e) => 'epoch/d_loss' in scalarsOf(e));
    expect(epochEvents.map((e) => e.step)).toEqual([6, 9]);
    epochEvents.forEach((e, i) => {
      const l = epochs[i];
      expect(scalarsOf(e)).toEqual({
        'epoch/d_loss': Math.fround(l.dLoss),
        'epoch/g_loss': Math.fround(l.gLoss),
        'epoch/d_real': Math.fround(l.dRealMean),
        'epoch/d_fake': Math.fround(l.dFakeMean),
        'epoch/seconds': Math.fround(l.seconds),
        'metrics/fd': 11 + i,
        'metrics/kid': 0.5,
      });
    });
    const images = events.filter((e) => e.summary?.value.some((v) => v.image !== undefined));
    expect(images.map((e) => e.step)).toEqual([6, 9]);
    expect(tf.memory().numTensors).toBe(before);
    // The last grid is of the trained model from the callback's fixed z (seed 1234): draw it again.
    const z = tf.randomNormal([40, 8], 0, 1, 'float32', 1234) as tf.Tensor2D;
    const fakes = cgan.generate({ z, labels: Array.from({ length: 40 }, (_, i) => Math.floor(i / 4)) });
    const expected = imageGrid(fakes, { columns: 4, scale: 1 });
    tf.dispose([z, fakes]);
    const value = images[1].summary?.value[0];
    expect(value?.tag).toBe('samples');
    expect([value?.image?.width, value?.image?.height]).toEqual([expected.width, expected.height]);
    const png = PNG.sync.read(Buffer.from(value?.image?.encodedImageString ?? new Uint8Array(0)));
    expect(Uint8Array.from(png.data)).toEqual(expected.data);
    cgan.dispose();
    data.dispose();
  });

  test('any model: its logFormat columns name the tags, everySteps thins the step values, no image without a sampler', async () => {
    const logdir = path.join(tempDir(), 'any-model');
    const model = {
      state: { step: 0, epoch: 0 } as never,
      logNames: ['translationLoss', 'criticLoss'],
      logFormat: { translationLoss: { label: 'T', column: 't_loss' } },
      stopTraining: () => undefined,
    };
    const cb = tensorboard({ logdir, everySteps: 2, file: { now: () => 1000, host: 'h' } });
    await cb.onTrainBegin?.({ model, initialEpoch: 0, epochs: 1, stepsPerEpoch: 3, batchSize: 1 });
    for (const step of [1, 2, 3])
      await cb.onBatchEnd?.({ epoch: 0, step, translationLoss: step / 10, criticLoss: -step } as never);
    await cb.onEpochEnd?.({ epoch: 0, step: 3, steps: 3, seconds: 1.5, translationLoss: 0.2, criticLoss: -2 } as never);
    await cb.onTrainEnd?.({ step: 3, epoch: 1, stopped: false });
    const events = readEventFile(await fs.readFile(path.join(logdir, 'events.out.tfevents.1000.h')));
    expect(events.slice(1).map((e) => [e.step, scalarsOf(e)])).toEqual([
      [2, { 'step/t_loss': Math.fround(0.2), 'step/critic_loss': -2 }],
      [3, { 'epoch/t_loss': Math.fround(0.2), 'epoch/critic_loss': -2, 'epoch/seconds': 1.5 }],
    ]);
    expect(events.some((e) => e.summary?.value.some((v) => v.image !== undefined))).toBe(false);
  });
});
