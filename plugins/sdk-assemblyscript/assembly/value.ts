// AnyValue: the value of an attribute or a log body. Scalars are held as numbers, strings as
// string ids; bytes, lists and maps keep their encoded bytes (they are copied as they are).

import { Reader, STRING_REF_EXT, Writer } from './msgpack';
import { NO_STRING, StringTable } from './strings';

export enum ValueKind {
  Nil = 0,
  Bool = 1,
  Int = 2,
  Float = 3,
  String = 4,
  Bytes = 5,
  List = 6,
  Map = 7,
}

/** One AnyValue. */
export class Value {
  kind: ValueKind = ValueKind.Nil;
  /** Bool (0 or 1) or Int. */
  int: i64 = 0;
  float: f64 = 0;
  /** String: the string id. */
  string: i32 = NO_STRING;
  /** Bytes, List, Map: the encoded value (header included). */
  rawPointer: usize = 0;
  rawLength: i32 = 0;

  static nil(): Value {
    return new Value();
  }

  static bool(value: bool): Value {
    const result = new Value();
    result.kind = ValueKind.Bool;
    result.int = value ? 1 : 0;
    return result;
  }

  static int(value: i64): Value {
    const result = new Value();
    result.kind = ValueKind.Int;
    result.int = value;
    return result;
  }

  static float(value: f64): Value {
    const result = new Value();
    result.kind = ValueKind.Float;
    result.float = value;
    return result;
  }

  /** A string value, by string id (see StringTable.id). */
  static string(id: i32): Value {
    const result = new Value();
    result.kind = ValueKind.String;
    result.string = id;
    return result;
  }

  /** A value kept as its encoded bytes (they must outlive the batch). */
  static encoded(kind: ValueKind, pointer: usize, length: i32): Value {
    const result = new Value();
    result.kind = kind;
    result.rawPointer = pointer;
    result.rawLength = length;
    return result;
  }

  /** True for Int, and for a Float with no fraction. */
  get isWhole(): bool {
    return this.kind == ValueKind.Int || (this.kind == ValueKind.Float && this.float == Math.floor(this.float));
  }

  /** An Int or Float as i64 (a Float is truncated); 0 otherwise. */
  get asInt(): i64 {
    if (this.kind == ValueKind.Int) return this.int;
    if (this.kind == ValueKind.Float) return <i64>this.float;
    return 0;
  }

  /** Writes the value. */
  write(writer: Writer): void {
    switch (this.kind) {
      case ValueKind.Nil:
        writer.writeNil();
        break;
      case ValueKind.Bool:
        writer.writeBool(this.int != 0);
        break;
      case ValueKind.Int:
        writer.writeInt(this.int);
        break;
      case ValueKind.Float:
        writer.writeFloat64(this.float);
        break;
      case ValueKind.String:
        writer.writeStringRef(this.string);
        break;
      default:
        writer.writeRaw(this.rawPointer, this.rawLength);
    }
  }
}

/** Reads a `string` field: a table index or an inline str (added to the table). NO_STRING and `failed` otherwise. */
export function readStringId(reader: Reader, table: StringTable): i32 {
  const type = reader.peek();
  if (type <= 0x7f || type == 0xcc || type == 0xcd || type == 0xce) {
    const index = <i32>reader.readUint();
    if (!table.isValid(index)) {
      reader.failed = true;
      return NO_STRING;
    }
    return index;
  }
  const length = reader.readStrHeader();
  if (length < 0) return NO_STRING;
  return table.intern(reader.dataPtr, length);
}

/** Reads an optional `string` field (NO_STRING for nil). */
export function readOptionalStringId(reader: Reader, table: StringTable): i32 {
  if (reader.readNil()) return NO_STRING;
  return readStringId(reader, table);
}

/** True when the next value is a string (inline or a reference); it is not consumed. */
export function isStringValue(reader: Reader): bool {
  const type = reader.peek();
  return (type >= 0xa0 && type <= 0xbf) || (type >= 0xd9 && type <= 0xdb) || (type >= 0xd4 && type <= 0xd6);
}

/** Reads a string in an AnyValue position (inline str or ext type 1); NO_STRING (not consumed) for any other value. */
export function readValueStringId(reader: Reader, table: StringTable): i32 {
  const type = reader.peek();
  if (type >= 0xd4 && type <= 0xd6) {
    const width: i32 = type == 0xd4 ? 1 : type == 0xd5 ? 2 : 4;
    if (!reader.has(2 + width)) return NO_STRING;
    if (load<u8>(reader.pos + 1) != STRING_REF_EXT) {
      reader.failed = true;
      return NO_STRING;
    }
    const at = reader.pos + 2;
    const index: i32 =
      width == 1 ? <i32>load<u8>(at) : width == 2 ? <i32>bswap<u16>(load<u16>(at)) : <i32>bswap<u32>(load<u32>(at));
    reader.pos = at + <usize>width;
    if (!table.isValid(index)) {
      reader.failed = true;
      return NO_STRING;
    }
    return index;
  }
  if ((type >= 0xa0 && type <= 0xbf) || (type >= 0xd9 && type <= 0xdb)) {
    const length = reader.readStrHeader();
    if (length < 0) return NO_STRING;
    return table.intern(reader.dataPtr, length);
  }
  return NO_STRING;
}

/** Reads an AnyValue. */
export function readValue(reader: Reader, table: StringTable): Value {
  const type = reader.peek();
  if (isStringValue(reader)) return Value.string(readValueStringId(reader, table));
  if (type == 0xc0) {
    reader.pos += 1;
    return Value.nil();
  }
  if (type == 0xc2 || type == 0xc3) return Value.bool(reader.readBool());
  if (type == 0xca || type == 0xcb) return Value.float(reader.readFloat());
  if (reader.isInteger()) return Value.int(reader.readInt());
  const start = reader.pos;
  reader.skip();
  const kind =
    type >= 0xc4 && type <= 0xc6
      ? ValueKind.Bytes
      : (type >= 0x90 && type <= 0x9f) || type == 0xdc || type == 0xdd
        ? ValueKind.List
        : ValueKind.Map;
  if ((type >= 0xc7 && type <= 0xc9) || type == 0xd7 || type == 0xd8 || type == 0xc1) reader.failed = true;
  return Value.encoded(kind, start, <i32>(reader.pos - start));
}
