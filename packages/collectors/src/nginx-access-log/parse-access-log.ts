// The pure access-log parser: a log format compiled once into a scanner and one field writer per
// variable, turning lines into OTLP log records. No I/O; tested on captured lines.
import type { Attributes, LogRecord } from '@wasmpipe/core';
import { compileFieldWriters, type FieldWriter, type RecordDraft } from './fields.ts';
import { type LogEscape, type LogFormat, parseLogFormat } from './log-format.ts';
import { compileScanner, type Scanner } from './scanner.ts';

/** Parses lines written with one log format. Not reentrant: `offsets` belong to the last scan. */
export class AccessLogParser {
  readonly format: LogFormat;
  readonly scanner: Scanner;
  /** Where each variable's value was found by the last successful {@link scan}. */
  readonly offsets: Int32Array;
  readonly #writers: FieldWriter[];

  /** Compiles `format` (see {@link parseLogFormat}); throws when it is not a valid nginx format. */
  constructor(format: string | LogFormat, escaping?: LogEscape) {
    this.format = typeof format === 'string' ? parseLogFormat(format, escaping) : format;
    this.scanner = compileScanner(this.format);
    this.offsets = new Int32Array(Math.max(2, 2 * this.format.variables.length));
    this.#writers = compileFieldWriters(this.format.variables, this.format.escape);
  }

  /** Finds the variables' values in `line`; false when the line does not have the format's shape. */
  scan(line: string): boolean {
    return this.scanner.scan(line, this.offsets);
  }

  /** The attributes and time of the line last scanned successfully. */
  fields(line: string, attributes: Attributes = {}): RecordDraft {
    const draft: RecordDraft = { attributes, timeUnixNano: undefined };
    const offsets = this.offsets;
    const writers = this.#writers;
    for (let index = 0; index < writers.length; index++) {
      (writers[index] as FieldWriter)(draft, line, offsets[2 * index] as number, offsets[2 * index + 1] as number);
    }
    return draft;
  }

  /** Scans and converts one line; undefined when it does not match the format. */
  parse(line: string): RecordDraft | undefined {
    return this.scan(line) ? this.fields(line) : undefined;
  }

  /** A log record for `line`: parsed attributes when it matches, the raw line alone when not. */
  record(line: string, observedTimeUnixNano: bigint, matched: boolean): LogRecord {
    if (!matched) return { observedTimeUnixNano, body: line, attributes: {} };
    const { attributes, timeUnixNano } = this.fields(line);
    const record: LogRecord = { observedTimeUnixNano, body: line, attributes };
    if (timeUnixNano !== undefined) record.timeUnixNano = timeUnixNano;
    return record;
  }
}
