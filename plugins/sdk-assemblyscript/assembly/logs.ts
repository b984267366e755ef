// A logs batch as a plugin sees it: resources, scopes and log records read in place, with a flat
// list of every record. As for metrics, drops alone are answered as a selection, and changes are
// written back with everything unchanged copied as it came.

import { Attributes } from './attributes';
import { LogRecordField, LogsBatchField } from './generated/contract';
import { setBit } from './metrics';
import { readStringTable } from './metrics';
import { Reader, Writer } from './msgpack';
import { copySpan, readAttributesAt, Resource, Scope } from './resource';
import { NO_STRING, StringTable } from './strings';
import { readOptionalStringId, readValue, Value } from './value';

/** One log record. */
export class LogRecord {
  /** Unix nanoseconds; 0 when absent. */
  time: u64 = 0;
  observedTime: u64 = 0;
  /** OTLP SeverityNumber, 0 when unknown. */
  severityNumber: i32 = 0;
  /** Severity text (a string id), or NO_STRING. */
  severityText: i32 = NO_STRING;
  attributes: Attributes;
  /** False once dropped. */
  kept: bool = true;

  private start: usize;
  private end: usize;
  private fields: i32;
  private bodyStart: usize = 0;
  private bodyEnd: usize = 0;
  private restStart: usize = 0;
  private newBody: Value | null = null;
  private severityChanged: bool = false;

  constructor(
    reader: Reader,
    private table: StringTable,
    /** The resource and scope the record belongs to. */
    public resource: Resource,
    public scope: Scope,
  ) {
    this.start = reader.pos;
    const fields = reader.readArrayHeader();
    this.fields = fields;
    if (fields <= LogRecordField.attributes) reader.failed = true;
    this.time = reader.readNil() ? 0 : reader.readUint();
    this.observedTime = reader.readUint();
    this.severityNumber = reader.readNil() ? 0 : <i32>reader.readUint();
    this.severityText = readOptionalStringId(reader, table);
    this.bodyStart = reader.pos;
    reader.skip();
    this.bodyEnd = reader.pos;
    this.attributes = readAttributesAt(reader, table);
    this.restStart = reader.pos;
    reader.skipMany(fields - LogRecordField.attributes - 1);
    this.end = reader.pos;
  }

  /** The body (nil when absent). */
  get body(): Value {
    const replaced = this.newBody;
    if (replaced != null) return replaced;
    return readValue(Reader.range(this.bodyStart, this.bodyEnd), this.table);
  }

  /** Replaces the body. */
  setBody(value: Value): void {
    this.newBody = value;
  }

  /** Sets the severity number and text (a string id, or NO_STRING). */
  setSeverity(number: i32, text: i32): void {
    this.severityNumber = number;
    this.severityText = text;
    this.severityChanged = true;
  }

  /** True when writing it changes its bytes. */
  get changed(): bool {
    return this.severityChanged || this.newBody != null || this.attributes.changed;
  }

  write(writer: Writer): void {
    if (!this.changed) {
      copySpan(writer, this.start, this.end);
      return;
    }
    writer.writeArrayHeader(this.fields);
    if (this.time == 0) writer.writeNil();
    else writer.writeUint(this.time);
    writer.writeUint(this.observedTime);
    if (this.severityNumber == 0 && !this.severityChanged) writer.writeNil();
    else writer.writeUint(<u64>this.severityNumber);
    if (this.severityText == NO_STRING) writer.writeNil();
    else writer.writeUint(<u64>this.severityText);
    const body = this.newBody;
    if (body != null) body.write(writer);
    else copySpan(writer, this.bodyStart, this.bodyEnd);
    this.attributes.write(writer);
    copySpan(writer, this.restStart, this.end);
  }
}

/** The log records of one scope. */
export class ScopeLogs {
  scope: Scope;
  records: Array<LogRecord> = new Array<LogRecord>();
  private fields: i32;
  private restStart: usize;
  private end: usize;

  constructor(reader: Reader, table: StringTable, batch: LogsBatch, resource: Resource) {
    this.fields = reader.readArrayHeader();
    if (this.fields < 2) reader.failed = true;
    this.scope = new Scope(reader, table);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      const record = new LogRecord(reader, table, resource, this.scope);
      this.records.push(record);
      batch.records.push(record);
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
  }

  /** Writes the scope with its kept records; returns false (writing nothing) when none remain. */
  write(writer: Writer): bool {
    const start = writer.position;
    writer.writeArrayHeader(this.fields);
    this.scope.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.records.length; index++) {
      const record = unchecked(this.records[index]);
      if (!record.kept) continue;
      record.write(writer);
      written++;
    }
    if (written == 0) {
      writer.position = start;
      return false;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
    return true;
  }
}

/** The log records of one resource. */
export class ResourceLogs {
  resource: Resource;
  scopes: Array<ScopeLogs> = new Array<ScopeLogs>();
  private fields: i32;
  private restStart: usize;
  private end: usize;

  constructor(reader: Reader, table: StringTable, batch: LogsBatch) {
    this.fields = reader.readArrayHeader();
    if (this.fields < 2) reader.failed = true;
    this.resource = new Resource(reader, table);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      this.scopes.push(new ScopeLogs(reader, table, batch, this.resource));
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
  }

  /** Writes the resource with its remaining scopes; returns false (writing nothing) when none remain. */
  write(writer: Writer): bool {
    const start = writer.position;
    writer.writeArrayHeader(this.fields);
    this.resource.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.scopes.length; index++) {
      if (unchecked(this.scopes[index]).write(writer)) written++;
    }
    if (written == 0) {
      writer.position = start;
      return false;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
    return true;
  }
}

/** A logs batch. */
export class LogsBatch {
  /** The batch's strings: every key and string value is an id into it. */
  strings: StringTable = new StringTable();
  resources: Array<ResourceLogs> = new Array<ResourceLogs>();
  /** Every log record, in order, across resources and scopes. */
  records: Array<LogRecord> = new Array<LogRecord>();
  /** True when the payload is not a logs batch in the contract's layout. */
  failed: bool = false;

  private fields: i32 = 0;
  private restStart: usize = 0;
  private end: usize = 0;

  /** Reads a batch from a process_logs payload (which must stay alive while the batch is used). */
  constructor(private payload: ArrayBuffer) {
    const reader = Reader.over(payload);
    this.fields = reader.readArrayHeader();
    if (this.fields <= LogsBatchField.resourceLogs) reader.failed = true;
    readStringTable(reader, this.strings);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      this.resources.push(new ResourceLogs(reader, this.strings, this));
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
    if (!reader.failed && reader.pos != reader.end) reader.failed = true;
    this.failed = reader.failed;
  }

  /** True when writing the batch would change bytes beyond leaving records out. */
  get changed(): bool {
    for (let index = 0; index < this.resources.length; index++) {
      const resource = unchecked(this.resources[index]);
      if (resource.resource.changed) return true;
      for (let scope = 0; scope < resource.scopes.length; scope++) {
        if (unchecked(resource.scopes[scope]).scope.changed) return true;
      }
    }
    for (let index = 0; index < this.records.length; index++) {
      const record = unchecked(this.records[index]);
      if (record.kept && record.changed) return true;
    }
    return false;
  }

  /** True when some record was dropped. */
  get drops(): bool {
    for (let index = 0; index < this.records.length; index++) {
      if (!unchecked(this.records[index]).kept) return true;
    }
    return false;
  }

  /** Writes the whole batch (a replacement), leaving dropped records out. */
  write(writer: Writer): void {
    writer.writeArrayHeader(this.fields);
    this.strings.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.resources.length; index++) {
      if (unchecked(this.resources[index]).write(writer)) written++;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
  }

  /** Writes the selection: `keep` over log records. */
  writeSelection(writer: Writer): void {
    writer.writeMapHeader(1);
    writer.writeString('keep');
    const size = (this.records.length + 7) >> 3;
    writer.writeBinHeader(size);
    const bits = writer.claim(size);
    memory.fill(bits, 0, <usize>size);
    for (let index = 0; index < this.records.length; index++) {
      if (unchecked(this.records[index]).kept) setBit(bits, index);
    }
  }
}
