/**
 * CRC-32C (Castagnoli), the checksum of TFRecord framing, and the "masked" form TensorFlow stores.
 *
 * @packageDocumentation
 */

/** The reflected Castagnoli polynomial. */
const POLYNOMIAL = 0x82f63b78;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32C of `bytes` (reflected, initial value and final xor 0xFFFFFFFF): `crc32c("123456789")`
 * is `0xE3069283`.
 *
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode('123456789')); // 0xe3069283
 * ```
 */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * TensorFlow's masked CRC, `((crc >>> 15) | (crc << 17)) + 0xA282EAD8` (mod 2³²), stored in
 * TFRecord files because a CRC of data that itself holds CRCs is weak.
 *
 * @example
 * ```ts
 * maskedCrc32c(bytes); // as TFRecord stores it
 * ```
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
