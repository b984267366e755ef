import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from './line-splitter.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it('splits complete lines and holds a partial last line until its newline', () => {
    const splitter = new LineSplitter(1024);
    assert.deepEqual(splitter.push(bytes('one\ntwo\nthr')), ['one', 'two']);
    assert.equal(splitter.pendingBytes, 3);
    assert.deepEqual(splitter.push(bytes('ee')), []);
    assert.deepEqual(splitter.push(bytes('\nfour\n')), ['three', 'four']);
    assert.equal(splitter.pendingBytes, 0);
  });

  it('drops a trailing carriage return and empty lines', () => {
    const splitter = new LineSplitter(1024);
    assert.deepEqual(splitter.push(bytes('a\r\n\n\r\nb\n')), ['a', 'b']);
  });

  it('emits the partial line on flush', () => {
    const splitter = new LineSplitter(1024);
    splitter.push(bytes('done\npartial'));
    assert.deepEqual(splitter.flush(), ['partial']);
    assert.deepEqual(splitter.flush(), []);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const splitter = new LineSplitter(1024);
    const encoded = bytes('caf\u00e9 \u{1F600}\n');
    const lines = [...splitter.push(encoded.subarray(0, 4)), ...splitter.push(encoded.subarray(4))];
    assert.deepEqual(lines, ['caf\u00e9 \u{1F600}']);
    assert.equal(splitter.counts.invalidUtf8, 0);
  });

  it('cuts a long complete line at max size and counts it', () => {
    const splitter = new LineSplitter(10);
    assert.deepEqual(splitter.push(bytes(`${'x'.repeat(25)}\nshort\n`)), ['x'.repeat(10), 'short']);
    assert.equal(splitter.counts.truncated, 1);
  });

  it('cuts a long line arriving in pieces and skips the rest of it up to its newline', () => {
    const splitter = new LineSplitter(8);
    assert.deepEqual(splitter.push(bytes('abcdef')), []);
    assert.deepEqual(splitter.push(bytes('ghijkl')), ['abcdefgh']);
    assert.equal(splitter.skipping, true);
    assert.equal(splitter.pendingBytes, 0);
    assert.deepEqual(splitter.push(bytes('mnopqrstuvw')), []);
    assert.deepEqual(splitter.push(bytes('xyz\nnext\n')), ['next']);
    assert.equal(splitter.counts.truncated, 1);
  });

  it('does not cut a character in half', () => {
    const splitter = new LineSplitter(5);
    // "aaaa" + "é" (2 bytes) = 6 bytes; the cut backs off to 4 bytes.
    assert.deepEqual(splitter.push(bytes('aaaa\u00e9bbbb\n')), ['aaaa']);
  });

  it('replaces bytes that are not UTF-8 and counts each bad line once', () => {
    const splitter = new LineSplitter(1024);
    const data = new Uint8Array([0x6f, 0x6b, 0x0a, 0x62, 0xff, 0xfe, 0x61, 0x0a, 0x00, 0x01, 0xc3, 0x0a, 0x65, 0x0a]);
    assert.deepEqual(splitter.push(data), ['ok', 'b\uFFFD\uFFFDa', '\u0000\u0001\uFFFD', 'e']);
    assert.equal(splitter.counts.invalidUtf8, 2);
  });

  it('does not count a real U+FFFD as invalid', () => {
    const splitter = new LineSplitter(1024);
    assert.deepEqual(splitter.push(bytes('a\uFFFDb\n')), ['a\uFFFDb']);
    assert.equal(splitter.counts.invalidUtf8, 0);
  });

  it('handles a 1 MB line within the limit and one beyond it', () => {
    const splitter = new LineSplitter(1024 * 1024);
    const big = 'y'.repeat(1024 * 1024);
    const chunk = bytes(`${big}\n${big}z\nafter\n`);
    const lines: string[] = [];
    for (let start = 0; start < chunk.length; start += 65536)
      splitter.push(chunk.subarray(start, start + 65536), lines);
    assert.equal(lines.length, 3);
    assert.equal(lines[0]?.length, 1024 * 1024);
    assert.equal(lines[1], big);
    assert.equal(lines[2], 'after');
    assert.equal(splitter.counts.truncated, 1);
  });

  it('forgets held bytes on reset', () => {
    const splitter = new LineSplitter(1024);
    splitter.push(bytes('partial'));
    splitter.reset();
    assert.deepEqual(splitter.push(bytes('new\n')), ['new']);
  });
});
