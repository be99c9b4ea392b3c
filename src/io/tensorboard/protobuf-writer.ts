/**
 * The few protocol-buffer encodings an Event needs, by hand: varints, doubles, floats and
 * length-delimited fields (strings, bytes, nested messages).
 *
 * @packageDocumentation
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Builds one message's bytes field by field, in the order they are added. */
export class ProtobufWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private varint(value: bigint): this {
    const bytes: number[] = [];
    let v = BigInt.asUintN(64, value); // negative int64 values take ten bytes, as protobuf says
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    return this.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: number): this {
    return this.varint(BigInt((field << 3) | wireType));
  }

  /** An `int32`/`int64` field (an integer). */
  int(field: number, value: number): this {
    return this.key(field, VARINT).varint(BigInt(Math.trunc(value)));
  }

  /** A `double` field. */
  double(field: number, value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.key(field, FIXED64).push(bytes);
  }

  /** A `float` field (rounded to float32). */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.key(field, FIXED32).push(bytes);
  }

  /** A `bytes` field, or a nested message's encoding. */
  bytes(field: number, value: Uint8Array): this {
    return this.key(field, LENGTH_DELIMITED).varint(BigInt(value.length)).push(value);
  }

  /** A `string` field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}
