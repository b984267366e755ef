// Attribute rules: a rule is a map of attribute key to value glob, and matches an item (a data
// point or a log record) whose attributes match every entry. A string value is matched by its
// string id, memoised per batch; a number or boolean by its text ("200", "true").

import {
  Attributes,
  Config,
  ConfigKind,
  DataPoints,
  Glob,
  GlobSet,
  NO_STRING,
  StringTable,
  Value,
  ValueKind,
  globMatches,
} from '@wasmpipe/sdk-assemblyscript/assembly';

class Condition {
  keyId: i32 = NO_STRING;
  values: GlobSet = new GlobSet();
  glob: Glob;

  constructor(
    public key: string,
    pattern: string,
  ) {
    this.values.add(pattern);
    this.glob = new Glob(pattern);
  }

  /** True when `value` (the attribute's value, or null when absent) matches. */
  matches(table: StringTable, value: Value | null): bool {
    if (value == null) return false;
    if (value.kind == ValueKind.String) return this.values.matchesAny(table, value.string);
    const text = scalarText(value);
    if (text.length == 0) return false;
    const bytes = String.UTF8.encode(text);
    return globMatches(this.glob.pattern, changetype<usize>(bytes), bytes.byteLength);
  }
}

function scalarText(value: Value): string {
  if (value.kind == ValueKind.Int) return value.int.toString();
  if (value.kind == ValueKind.Bool) return value.int != 0 ? 'true' : 'false';
  if (value.kind == ValueKind.Float) {
    return value.float == Math.floor(value.float) && Math.abs(value.float) < 1e15 ? (<i64>value.float).toString() : value.float.toString();
  }
  return '';
}

/** Every entry must match. */
export class Rule {
  conditions: Array<Condition> = new Array<Condition>();

  /** Resolves the keys to string ids of this batch; false when a key is not in it (nothing can match). */
  resolve(table: StringTable): bool {
    let all = true;
    for (let index = 0; index < this.conditions.length; index++) {
      const condition = unchecked(this.conditions[index]);
      condition.keyId = table.lookup(condition.key);
      if (condition.keyId == NO_STRING) all = false;
    }
    return all;
  }

  matchesPoint(table: StringTable, points: DataPoints, index: i32): bool {
    for (let item = 0; item < this.conditions.length; item++) {
      const condition = unchecked(this.conditions[item]);
      const id = points.stringAttribute(index, condition.keyId);
      if (id != NO_STRING) {
        if (!condition.values.matchesAny(table, id)) return false;
      } else if (!condition.matches(table, points.attribute(index, condition.keyId))) return false;
    }
    return true;
  }

  matchesAttributes(table: StringTable, attributes: Attributes): bool {
    for (let item = 0; item < this.conditions.length; item++) {
      const condition = unchecked(this.conditions[item]);
      if (!condition.matches(table, attributes.get(condition.keyId))) return false;
    }
    return true;
  }
}

/** Reads a list of rules at `key` (each a map of attribute key to value glob); '' or a message. */
export function readRules(config: Config, key: string, into: Array<Rule>): string {
  const node = config.get(key);
  if (node == null || node.isNil) return '';
  if (node.kind != ConfigKind.List) return 'Option "' + node.path + '" must be a list of attribute rules (maps of key to glob).';
  for (let index = 0; index < node.items.length; index++) {
    const item = unchecked(node.items[index]);
    if (item.kind != ConfigKind.Map || item.keys.length == 0) {
      return 'Option "' + item.path + '" must be a map of attribute key to value glob, with at least one entry.';
    }
    const rule = new Rule();
    for (let entry = 0; entry < item.keys.length; entry++) {
      const value = unchecked(item.items[entry]);
      if (value.kind == ConfigKind.List || value.kind == ConfigKind.Map || value.kind == ConfigKind.Nil) {
        return 'Option "' + value.path + '" must be a glob (a string, number or boolean).';
      }
      rule.conditions.push(new Condition(unchecked(item.keys[entry]), value.text));
    }
    into.push(rule);
  }
  return '';
}
