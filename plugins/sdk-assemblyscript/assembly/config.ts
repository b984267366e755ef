// A plugin's config: the `config:` block from YAML, handed to `configure` as msgpack and read
// here into a small tree. The helpers return an error message ('' when all is well) naming the
// option's path, so a plugin rejects bad config with a message a user can act on.

import { Reader } from './msgpack';

export enum ConfigKind {
  Nil = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  List = 4,
  Map = 5,
}

/** One node of a config tree. */
export class Config {
  kind: ConfigKind = ConfigKind.Nil;
  bool: bool = false;
  number: f64 = 0;
  string: string = '';
  /** List items, or map values (in the order of `keys`). */
  items: Array<Config> = new Array<Config>();
  keys: Array<string> = new Array<string>();
  /** Where the node is, for messages: `exclude[0]`, `tables.upstream`. */
  path: string = '';

  /** Reads a configure payload; a node of kind Nil for an empty payload, null when it is not msgpack. */
  static parse(payload: ArrayBuffer): Config | null {
    if (payload.byteLength == 0) return new Config();
    const reader = Reader.over(payload);
    const root = readNode(reader, '', 0);
    if (reader.failed || !reader.atEnd()) return null;
    return root;
  }

  get isNil(): bool {
    return this.kind == ConfigKind.Nil;
  }

  get isMap(): bool {
    return this.kind == ConfigKind.Map;
  }

  /** The value of `key` in a map, or null. */
  get(key: string): Config | null {
    const index = this.keys.indexOf(key);
    return index < 0 ? null : unchecked(this.items[index]);
  }

  /** '' when every key of this map is in `known`, else a message naming the first unknown one. */
  unknownKeys(known: Array<string>): string {
    for (let index = 0; index < this.keys.length; index++) {
      const key = unchecked(this.keys[index]);
      if (known.indexOf(key) < 0) {
        const sorted = known.slice(0);
        sorted.sort();
        return 'Unknown option "' + this.child(key) + '"; known options: ' + sorted.join(', ') + '.';
      }
    }
    return '';
  }

  /** The path of a child, for messages. */
  child(key: string): string {
    return this.path.length == 0 ? key : this.path + '.' + key;
  }

  /** Reads a list of strings at `key` into `into`; '' when absent or valid, else a message. */
  stringList(key: string, into: Array<string>, what: string = 'strings'): string {
    const node = this.get(key);
    if (node == null || node.isNil) return '';
    if (node.kind != ConfigKind.List) return 'Option "' + node.path + '" must be a list of ' + what + '.';
    for (let index = 0; index < node.items.length; index++) {
      const item = unchecked(node.items[index]);
      if (item.kind != ConfigKind.String) return 'Option "' + item.path + '" must be a string.';
      into.push(item.string);
    }
    return '';
  }

  /** The string at `key`, or `fallback` when absent; `problem` receives a message when it is not a string. */
  stringAt(key: string, fallback: string, problem: Array<string>): string {
    const node = this.get(key);
    if (node == null || node.isNil) return fallback;
    if (node.kind != ConfigKind.String) {
      problem.push('Option "' + node.path + '" must be a string.');
      return fallback;
    }
    return node.string;
  }

  /** The number at `key`, or `fallback` when absent; `problem` receives a message when it is not a number. */
  numberAt(key: string, fallback: f64, problem: Array<string>): f64 {
    const node = this.get(key);
    if (node == null || node.isNil) return fallback;
    if (node.kind != ConfigKind.Number) {
      problem.push('Option "' + node.path + '" must be a number.');
      return fallback;
    }
    return node.number;
  }

  /** The boolean at `key`, or `fallback` when absent; `problem` receives a message when it is not a boolean. */
  boolAt(key: string, fallback: bool, problem: Array<string>): bool {
    const node = this.get(key);
    if (node == null || node.isNil) return fallback;
    if (node.kind != ConfigKind.Bool) {
      problem.push('Option "' + node.path + '" must be true or false.');
      return fallback;
    }
    return node.bool;
  }

  /** A scalar as text (a number without a fraction prints as an integer), for lookup tables and values. */
  get text(): string {
    if (this.kind == ConfigKind.String) return this.string;
    if (this.kind == ConfigKind.Bool) return this.bool ? 'true' : 'false';
    if (this.kind == ConfigKind.Number) {
      if (this.number == Math.floor(this.number) && Math.abs(this.number) < 1e15) return (<i64>this.number).toString();
      return this.number.toString();
    }
    return '';
  }
}

const MAX_DEPTH = 32;

function readNode(reader: Reader, path: string, depth: i32): Config {
  const node = new Config();
  node.path = path;
  if (depth > MAX_DEPTH) {
    reader.failed = true;
    return node;
  }
  const type = reader.peek();
  if (reader.failed) return node;
  if (type == 0xc0) {
    reader.pos += 1;
  } else if (type == 0xc2 || type == 0xc3) {
    node.kind = ConfigKind.Bool;
    node.bool = reader.readBool();
  } else if (reader.isNumber()) {
    node.kind = ConfigKind.Number;
    node.number = reader.readFloat();
  } else if ((type >= 0xa0 && type <= 0xbf) || (type >= 0xd9 && type <= 0xdb)) {
    node.kind = ConfigKind.String;
    node.string = reader.readString();
  } else if ((type >= 0x90 && type <= 0x9f) || type == 0xdc || type == 0xdd) {
    node.kind = ConfigKind.List;
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      node.items.push(readNode(reader, path + '[' + index.toString() + ']', depth + 1));
    }
  } else if ((type >= 0x80 && type <= 0x8f) || type == 0xde || type == 0xdf) {
    node.kind = ConfigKind.Map;
    const count = reader.readMapHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      const key = reader.readString();
      node.keys.push(key);
      node.items.push(readNode(reader, path.length == 0 ? key : path + '.' + key, depth + 1));
    }
  } else {
    reader.failed = true;
  }
  return node;
}
