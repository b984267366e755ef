// Splits the bytes of a growing file into lines. Pure: no I/O, so it is tested on byte arrays.

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const REPLACEMENT = '\uFFFD';

/** What a {@link LineSplitter} reports besides the lines themselves. */
export interface SplitCounts {
  /** Lines cut at `maxLineSize` bytes; the rest of each, up to its newline, was skipped. */
  truncated: number;
  /** Lines holding bytes that are not UTF-8; each such byte became U+FFFD. */
  invalidUtf8: number;
}

/**
 * Turns chunks of bytes into complete lines (without `\n` or a trailing `\r`), holding a partial
 * last line until its newline arrives or {@link LineSplitter.flush} is called. A line longer than
 * `maxLineSize` bytes is emitted cut at that size (on a character boundary) and the rest of it,
 * up to its newline, is skipped. Empty lines are dropped. Bytes that are not UTF-8 become U+FFFD.
 */
export class LineSplitter {
  readonly #maxLineSize: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  readonly #lenientDecoder = new TextDecoder('utf-8');
  /** The partial last line, kept as the chunks it arrived in (joining them on every push would be quadratic). */
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #skipping = false;
  /** Counts since creation. */
  readonly counts: SplitCounts = { truncated: 0, invalidUtf8: 0 };

  constructor(maxLineSize: number) {
    this.#maxLineSize = maxLineSize;
  }

  /** Bytes held for a line not complete yet (0 while skipping the rest of a long line). */
  get pendingBytes(): number {
    return this.#pendingLength;
  }

  /** True while skipping the tail of a line that was cut at `maxLineSize`. */
  get skipping(): boolean {
    return this.#skipping;
  }

  /** Feeds the next bytes of the file; returns the lines they complete, in order. */
  push(chunk: Uint8Array, lines: string[] = []): string[] {
    let start = 0;
    if (this.#skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) return lines;
      this.#skipping = false;
      start = newline + 1;
    }
    const first = chunk.indexOf(NEWLINE, start);
    if (first < 0) {
      this.#hold(chunk.subarray(start), lines);
      return lines;
    }
    if (this.#pendingLength > 0) {
      this.#emitBytes(this.#takePending(chunk.subarray(start, first)), lines);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      this.#splitComplete(chunk.subarray(start, last), lines);
      start = last + 1;
    }
    this.#hold(chunk.subarray(start), lines);
    return lines;
  }

  /** Emits the partial last line, if any, as a line of its own (after a timeout or at shutdown). */
  flush(lines: string[] = []): string[] {
    if (this.#pendingLength > 0) this.#emit(this.#takePending(new Uint8Array(0)), lines);
    return lines;
  }

  /** Forgets held bytes and skipping state (the file was truncated or replaced). */
  reset(): void {
    this.#pending = [];
    this.#pendingLength = 0;
    this.#skipping = false;
  }

  /** Keeps bytes with no newline yet; past the size limit they are emitted cut and the rest skipped. */
  #hold(bytes: Uint8Array, lines: string[]): void {
    if (bytes.length === 0) return;
    if (this.#pendingLength + bytes.length > this.#maxLineSize) {
      this.#emit(this.#cut(this.#takePending(bytes)), lines);
      this.counts.truncated++;
      this.#skipping = true;
      return;
    }
    this.#pending.push(bytes.slice());
    this.#pendingLength += bytes.length;
  }

  /** The held bytes followed by `tail`, in one array; clears what was held. */
  #takePending(tail: Uint8Array): Uint8Array {
    const joined = new Uint8Array(this.#pendingLength + tail.length);
    let position = 0;
    for (const part of this.#pending) {
      joined.set(part, position);
      position += part.length;
    }
    joined.set(tail, position);
    this.#pending = [];
    this.#pendingLength = 0;
    return joined;
  }

  /** One complete line as bytes: cut when too long, then decoded. */
  #emitBytes(line: Uint8Array, lines: string[]): void {
    if (line.length > this.#maxLineSize) {
      this.#emit(this.#cut(line), lines);
      this.counts.truncated++;
    } else this.#emit(line, lines);
  }

  /** Splits bytes holding only complete lines (the last newline excluded), decoding them at once. */
  #splitComplete(bytes: Uint8Array, lines: string[]): void {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      this.#splitSlowly(bytes, lines);
      return;
    }
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.#emitText(text, start, end, lines);
      start = end + 1;
    }
  }

  #emitText(text: string, start: number, end: number, lines: string[]): void {
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === CARRIAGE_RETURN) stop--;
    if (stop === start) return;
    const line = text.slice(start, stop);
    // A UTF-16 unit is at most 3 UTF-8 bytes, so only long lines need their bytes counted.
    if (line.length * 3 > this.#maxLineSize && new TextEncoder().encode(line).length > this.#maxLineSize) {
      this.#emit(this.#cut(new TextEncoder().encode(line)), lines);
      this.counts.truncated++;
      return;
    }
    lines.push(line);
  }

  /** The invalid-UTF-8 path: line by line, so each bad line is counted once. */
  #splitSlowly(bytes: Uint8Array, lines: string[]): void {
    let start = 0;
    while (start <= bytes.length) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end < 0) end = bytes.length;
      this.#emitBytes(bytes.subarray(start, end), lines);
      start = end + 1;
    }
  }

  #emit(bytes: Uint8Array, lines: string[]): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === 0) return;
    const text = this.#lenientDecoder.decode(bytes.subarray(0, end));
    if (text.includes(REPLACEMENT) && !isValidUtf8(this.#decoder, bytes.subarray(0, end))) this.counts.invalidUtf8++;
    lines.push(text);
  }

  /** The first `maxLineSize` bytes, backed off to the start of a UTF-8 character. */
  #cut(bytes: Uint8Array): Uint8Array {
    let end = this.#maxLineSize;
    // Step back over continuation bytes (10xxxxxx) so a character is not split.
    while (end > 0 && end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    return bytes.subarray(0, end === 0 ? this.#maxLineSize : end);
  }
}

function isValidUtf8(decoder: TextDecoder, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
