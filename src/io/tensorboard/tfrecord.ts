/**
 * TFRecord framing, the container of TensorBoard's event files.
 *
 * @packageDocumentation
 */
import { maskedCrc32c } from './crc32c';

/**
 * One TFRecord: `uint64 length`, `uint32 masked_crc32c(length)`, `data`,
 * `uint32 masked_crc32c(data)`, all little-endian.
 *
 * @example
 * ```ts
 * await file.write(tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' })));
 * ```
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
