// CRC-32 (IEEE 802.3, the one zlib and PNG use), to detect torn or corrupted queue records.
// Slicing-by-8: eight tables let the loop take eight bytes per step, several times faster than
// one table and one byte per step.

const TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const first = tables[0] as Uint32Array;
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    first[index] = value >>> 0;
  }
  for (let index = 0; index < 256; index++) {
    let value = first[index] as number;
    for (let table = 1; table < 8; table++) {
      value = (first[value & 0xff] as number) ^ (value >>> 8);
      (tables[table] as Uint32Array)[index] = value >>> 0;
    }
  }
  return tables;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

/** The CRC-32 of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  let index = start;
  for (; index + 8 <= end; index += 8) {
    const low =
      (crc ^
        ((bytes[index] as number) |
          ((bytes[index + 1] as number) << 8) |
          ((bytes[index + 2] as number) << 16) |
          ((bytes[index + 3] as number) << 24))) >>>
      0;
    crc =
      (T7[low & 0xff] as number) ^
      (T6[(low >>> 8) & 0xff] as number) ^
      (T5[(low >>> 16) & 0xff] as number) ^
      (T4[low >>> 24] as number) ^
      (T3[bytes[index + 4] as number] as number) ^
      (T2[bytes[index + 5] as number] as number) ^
      (T1[bytes[index + 6] as number] as number) ^
      (T0[bytes[index + 7] as number] as number);
  }
  for (; index < end; index++) crc = (T0[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
