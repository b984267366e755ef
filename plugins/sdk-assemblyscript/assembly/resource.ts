// Resource and InstrumentationScope: read once per batch, written back as they came unless their
// attributes changed.

import { Attributes } from './attributes';
import { Reader, Writer } from './msgpack';
import { NO_STRING, StringTable } from './strings';
import { readOptionalStringId, readStringId } from './value';

/** Copies the bytes [start, end) of the payload. */
export function copySpan(writer: Writer, start: usize, end: usize): void {
  writer.writeRaw(start, <i32>(end - start));
}

/** Skips a value and returns where it ended (the reader is left there). */
export function skipValue(reader: Reader): usize {
  reader.skip();
  return reader.pos;
}

/** Reads an attributes map (or nil) and returns its Attributes (empty for nil). */
export function readAttributesAt(reader: Reader, table: StringTable): Attributes {
  if (reader.readNil()) return Attributes.empty(table);
  const start = reader.pos;
  const type = reader.peek();
  if (!((type >= 0x80 && type <= 0x8f) || type == 0xde || type == 0xdf)) {
    reader.failed = true;
    return Attributes.empty(table);
  }
  reader.skip();
  return new Attributes(table, start, reader.pos);
}

/** The entity that produced the telemetry. */
export class Resource {
  attributes: Attributes;
  /** The tuple, and where its fields after `attributes` start. */
  private start: usize;
  private end: usize;
  private fields: i32;
  private restStart: usize;

  constructor(reader: Reader, table: StringTable) {
    this.start = reader.pos;
    this.fields = reader.readArrayHeader();
    this.attributes = readAttributesAt(reader, table);
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 1);
    this.end = reader.pos;
    if (this.fields < 1) reader.failed = true;
  }

  /** True when writing it would change its bytes. */
  get changed(): bool {
    return this.attributes.changed;
  }

  write(writer: Writer): void {
    if (!this.changed) {
      copySpan(writer, this.start, this.end);
      return;
    }
    writer.writeArrayHeader(this.fields);
    this.attributes.write(writer);
    copySpan(writer, this.restStart, this.end);
  }
}

/** The library or component that produced the telemetry. */
export class Scope {
  /** The scope's name (a string id). */
  name: i32 = NO_STRING;
  /** The scope's version (a string id), or NO_STRING. */
  version: i32 = NO_STRING;
  attributes: Attributes;
  private start: usize;
  private end: usize;
  private fields: i32;
  private attributesStart: usize = 0;
  private restStart: usize = 0;

  constructor(reader: Reader, table: StringTable) {
    this.start = reader.pos;
    this.fields = reader.readArrayHeader();
    if (this.fields < 1) reader.failed = true;
    this.name = readStringId(reader, table);
    if (this.fields > 1) this.version = readOptionalStringId(reader, table);
    this.attributesStart = reader.pos;
    this.attributes = this.fields > 2 ? readAttributesAt(reader, table) : Attributes.empty(table);
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 3);
    this.end = reader.pos;
  }

  /** True when writing it would change its bytes. */
  get changed(): bool {
    return this.attributes.changed;
  }

  write(writer: Writer): void {
    if (!this.changed) {
      copySpan(writer, this.start, this.end);
      return;
    }
    const fields = this.fields < 3 ? 3 : this.fields;
    writer.writeArrayHeader(fields);
    copySpan(writer, this.start + headerSizeAt(this.start), this.attributesStart);
    if (this.fields < 2) writer.writeNil();
    this.attributes.write(writer);
    copySpan(writer, this.restStart, this.end);
  }
}

/** The size of the array header at `pointer` (1, 3 or 5 bytes). */
export function headerSizeAt(pointer: usize): usize {
  const type = load<u8>(pointer);
  if (type == 0xdc) return 3;
  if (type == 0xdd) return 5;
  return 1;
}
