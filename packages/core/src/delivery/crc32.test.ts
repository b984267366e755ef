import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from './crc32.ts';

describe('crc32', () => {
  it('gives the standard check value and the empty value', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it('agrees with a bit-at-a-time CRC on every length and offset up to 40 bytes', () => {
    const slow = (bytes: Uint8Array) => {
      let crc = 0xffffffff;
      for (const byte of bytes) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    const data = Uint8Array.from({ length: 48 }, (_, index) => (index * 151 + 7) & 0xff);
    for (let start = 0; start < 8; start++) {
      for (let end = start; end <= 48; end++) {
        assert.equal(crc32(data, start, end), slow(data.subarray(start, end)), `bytes ${start}..${end}`);
      }
    }
  });
});
