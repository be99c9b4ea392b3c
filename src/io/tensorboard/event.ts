/**
 * TensorBoard's `Event` protocol buffer (tensorflow/core/util/event.proto), encoded by hand for the
 * fields gankit writes:
 *
 * ```proto
 * message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
 * message Summary { repeated Value value = 1;
 *   message Value { string tag = 1; oneof value { float simple_value = 2; Image image = 4; } }
 *   message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; } }
 * ```
 *
 * @packageDocumentation
 */
import { ProtobufWriter } from './protobuf-writer';

/** An image summary: an encoded PNG and its size. */
export interface EventImage {
  /** Height in pixels. */
  height: number;
  /** Width in pixels. */
  width: number;
  /** Channels: 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA. */
  colorspace: number;
  /** The PNG file's bytes. */
  png: Uint8Array;
}

/** A scalar summary value. */
export interface ScalarValue {
  /** The chart it belongs to, e.g. `step/d_loss`. */
  tag: string;
  /** The value (stored as float32). */
  scalar: number;
}

/** An image summary value. */
export interface ImageValue {
  /** The image's name, e.g. `samples`. */
  tag: string;
  /** The encoded image. */
  image: EventImage;
}

/** One value of a summary: a scalar or an image, under a tag. */
export type SummaryValue = ScalarValue | ImageValue;

/** An event: a file-version header or a summary of values at a step. */
export interface TensorBoardEvent {
  /** Seconds since 1970 (fractions allowed). */
  wallTime: number;
  /** Global step the values belong to. */
  step: number;
  /** The header every event file starts with (`'brain.Event:2'`); no values then. */
  fileVersion?: string;
  /** The values. */
  values?: readonly SummaryValue[];
}

function encodeValue(value: SummaryValue): Uint8Array {
  const w = new ProtobufWriter().string(1, value.tag);
  if ('scalar' in value) return w.float(2, value.scalar).finish();
  const { height, width, colorspace, png } = value.image;
  const image = new ProtobufWriter().int(1, height).int(2, width).int(3, colorspace).bytes(4, png).finish();
  return w.bytes(4, image).finish();
}

/**
 * The bytes of one `Event` message (see the package comment for the fields).
 *
 * @example
 * ```ts
 * encodeEvent({ wallTime: Date.now() / 1000, step: 10, values: [{ tag: 'train/d_loss', scalar: 0.7 }] });
 * ```
 */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  const w = new ProtobufWriter().double(1, event.wallTime).int(2, event.step);
  if (event.fileVersion !== undefined) w.string(3, event.fileVersion);
  if (event.values !== undefined) {
    const summary = new ProtobufWriter();
    for (const v of event.values) summary.bytes(1, encodeValue(v));
    w.bytes(5, summary.finish());
  }
  return w.finish();
}
