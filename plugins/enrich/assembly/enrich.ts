// The enrich plugin: sets resource and record attributes (record: a data point or a log record)
// from static values and from lookup tables (for example an upstream address to a service name).
// Keys and values are resolved to the batch's string ids once per batch, and each lookup is
// computed once per distinct source string per batch.

import {
  Attributes,
  Config,
  ConfigKind,
  DataPoints,
  LogsBatch,
  MetricsBatch,
  NO_STRING,
  Plugin,
  StringTable,
  Value,
  ValueKind,
} from '@wasmpipe/sdk-assemblyscript/assembly';

const OPTIONS = ['resource', 'attributes', 'lookups', 'overwrite'];
const LOOKUP_OPTIONS = ['from', 'to', 'table', 'default', 'in'];

/** A value from the config, turned into a Value of the batch at hand. */
function valueOf(node: Config, table: StringTable): Value {
  if (node.kind == ConfigKind.String) return Value.string(table.id(node.string));
  if (node.kind == ConfigKind.Bool) return Value.bool(node.bool);
  if (node.number == Math.floor(node.number) && Math.abs(node.number) < 9e15) return Value.int(<i64>node.number);
  return Value.float(node.number);
}

function isScalar(node: Config): bool {
  return node.kind == ConfigKind.String || node.kind == ConfigKind.Number || node.kind == ConfigKind.Bool;
}

/** Static attributes: keys and config values, resolved per batch. */
class Statics {
  keys: Array<string> = new Array<string>();
  values: Array<Config> = new Array<Config>();
  keyIds: Array<i32> = new Array<i32>();
  resolved: Array<Value> = new Array<Value>();

  read(node: Config | null): string {
    if (node == null || node.isNil) return '';
    if (!node.isMap) return 'Option "' + node.path + '" must be a map of attribute key to value.';
    for (let index = 0; index < node.keys.length; index++) {
      const value = unchecked(node.items[index]);
      if (!isScalar(value)) return 'Option "' + value.path + '" must be a string, number or boolean.';
      this.keys.push(unchecked(node.keys[index]));
      this.values.push(value);
    }
    return '';
  }

  resolve(table: StringTable): void {
    this.keyIds.length = 0;
    this.resolved.length = 0;
    for (let index = 0; index < this.keys.length; index++) {
      this.keyIds.push(table.id(unchecked(this.keys[index])));
      this.resolved.push(valueOf(unchecked(this.values[index]), table));
    }
  }

  apply(attributes: Attributes, overwrite: bool): void {
    for (let index = 0; index < this.keyIds.length; index++) {
      const key = unchecked(this.keyIds[index]);
      if (!overwrite && attributes.has(key)) continue;
      attributes.set(key, unchecked(this.resolved[index]));
    }
  }

  /** Sets every value on every point of a metric at once (no object per point). */
  applyToPoints(points: DataPoints, overwrite: bool): void {
    for (let index = 0; index < this.keyIds.length; index++) {
      points.setAttribute(unchecked(this.keyIds[index]), unchecked(this.resolved[index]), overwrite);
    }
  }
}

const UNKNOWN: i32 = -2;
const NO_RESULT: i32 = -1;

/** `to` = table[`from`], with an optional default; applied to records or to resources. */
class Lookup {
  from: string = '';
  to: string = '';
  onResource: bool = false;
  entries: Map<string, Config> = new Map<string, Config>();
  fallback: Config | null = null;
  // Per batch: ids, the results as Values, and a memo from source string id to result index.
  fromId: i32 = NO_STRING;
  toId: i32 = NO_STRING;
  results: Array<Value> = new Array<Value>();
  memo: StaticArray<i32> = new StaticArray<i32>(0);
  fallbackResult: i32 = NO_RESULT;
  table: StringTable | null = null;

  read(node: Config): string {
    if (!node.isMap) return 'Option "' + node.path + '" must be a map with from, to and table.';
    const problem = node.unknownKeys(LOOKUP_OPTIONS);
    if (problem.length > 0) return problem;
    const problems = new Array<string>();
    this.from = node.stringAt('from', '', problems);
    this.to = node.stringAt('to', '', problems);
    const where = node.stringAt('in', 'record', problems);
    if (problems.length > 0) return problems[0];
    if (this.from.length == 0) return 'Option "' + node.child('from') + '" is required: the attribute to look up.';
    if (this.to.length == 0) return 'Option "' + node.child('to') + '" is required: the attribute to set.';
    if (where != 'record' && where != 'resource') return 'Option "' + node.child('in') + '" must be record or resource.';
    this.onResource = where == 'resource';
    const table = node.get('table');
    if (table == null || !table.isMap) return 'Option "' + node.child('table') + '" must be a map of value to value.';
    for (let index = 0; index < table.keys.length; index++) {
      const value = unchecked(table.items[index]);
      if (!isScalar(value)) return 'Option "' + value.path + '" must be a string, number or boolean.';
      this.entries.set(unchecked(table.keys[index]), value);
    }
    const fallback = node.get('default');
    if (fallback != null && !fallback.isNil) {
      if (!isScalar(fallback)) return 'Option "' + fallback.path + '" must be a string, number or boolean.';
      this.fallback = fallback;
    }
    return '';
  }

  resolve(table: StringTable): void {
    this.table = table;
    this.fromId = table.lookup(this.from);
    this.toId = table.id(this.to);
    this.results.length = 0;
    this.memo = new StaticArray<i32>(table.count + 64);
    for (let index = 0; index < this.memo.length; index++) unchecked((this.memo[index] = UNKNOWN));
    this.fallbackResult = NO_RESULT;
    const fallback = this.fallback;
    if (fallback != null) {
      this.results.push(valueOf(fallback, table));
      this.fallbackResult = 0;
    }
  }

  // The result index for a source value, or NO_RESULT.
  private resultFor(value: Value | null): i32 {
    const table = <StringTable>this.table;
    if (value == null) return this.fallbackResult;
    if (value.kind == ValueKind.String && value.string < this.memo.length) {
      const known = unchecked(this.memo[value.string]);
      if (known != UNKNOWN) return known;
      const result = this.compute(table.text(value.string));
      unchecked((this.memo[value.string] = result));
      return result;
    }
    return this.compute(scalarText(value, table));
  }

  private compute(text: string): i32 {
    if (!this.entries.has(text)) return this.fallbackResult;
    this.results.push(valueOf(this.entries.get(text), <StringTable>this.table));
    return this.results.length - 1;
  }

  apply(attributes: Attributes, overwrite: bool): void {
    if (this.fromId == NO_STRING && this.fallbackResult == NO_RESULT) return;
    if (!overwrite && attributes.has(this.toId)) return;
    let source: Value | null = null;
    if (this.fromId != NO_STRING) source = attributes.get(this.fromId);
    const result = this.resultFor(source);
    if (result != NO_RESULT) attributes.set(this.toId, unchecked(this.results[result]));
  }

  /** Looks up every point of a metric and sets the results column-wise (no object per point). */
  applyToPoints(points: DataPoints, overwrite: bool): void {
    if (this.fromId == NO_STRING && this.fallbackResult == NO_RESULT) return;
    for (let point = 0; point < points.count; point++) {
      let source: Value | null = null;
      if (this.fromId != NO_STRING) source = points.attribute(point, this.fromId);
      const result = this.resultFor(source);
      if (result != NO_RESULT) points.setAttributeAt(point, this.toId, unchecked(this.results[result]), overwrite);
    }
  }
}

function scalarText(value: Value, table: StringTable): string {
  if (value.kind == ValueKind.String) return table.text(value.string);
  if (value.kind == ValueKind.Int) return value.int.toString();
  if (value.kind == ValueKind.Bool) return value.int != 0 ? 'true' : 'false';
  if (value.kind == ValueKind.Float) {
    return value.float == Math.floor(value.float) && Math.abs(value.float) < 1e15 ? (<i64>value.float).toString() : value.float.toString();
  }
  return '';
}

export class Enrich extends Plugin {
  private resource: Statics = new Statics();
  private records: Statics = new Statics();
  private lookups: Array<Lookup> = new Array<Lookup>();
  private overwrite: bool = true;

  constructor() {
    super('enrich', '0.1.0');
  }

  handlesMetrics(): bool {
    return true;
  }

  handlesLogs(): bool {
    return true;
  }

  configure(config: Config): string {
    const resource = new Statics();
    const records = new Statics();
    const lookups = new Array<Lookup>();
    let overwrite = true;
    if (!config.isNil) {
      if (!config.isMap) return 'The enrich config must be a map (options: ' + OPTIONS.join(', ') + ').';
      let problem = config.unknownKeys(OPTIONS);
      if (problem.length > 0) return problem;
      problem = resource.read(config.get('resource'));
      if (problem.length > 0) return problem;
      problem = records.read(config.get('attributes'));
      if (problem.length > 0) return problem;
      const list = config.get('lookups');
      if (list != null && !list.isNil) {
        if (list.kind != ConfigKind.List) return 'Option "lookups" must be a list of lookups ({from, to, table}).';
        for (let index = 0; index < list.items.length; index++) {
          const lookup = new Lookup();
          problem = lookup.read(unchecked(list.items[index]));
          if (problem.length > 0) return problem;
          lookups.push(lookup);
        }
      }
      const problems = new Array<string>();
      overwrite = config.boolAt('overwrite', true, problems);
      if (problems.length > 0) return problems[0];
    }
    this.resource = resource;
    this.records = records;
    this.lookups = lookups;
    this.overwrite = overwrite;
    return '';
  }

  private resolve(table: StringTable): void {
    this.resource.resolve(table);
    this.records.resolve(table);
    for (let index = 0; index < this.lookups.length; index++) unchecked(this.lookups[index]).resolve(table);
  }

  private enrichResource(attributes: Attributes): void {
    this.resource.apply(attributes, this.overwrite);
    for (let index = 0; index < this.lookups.length; index++) {
      const lookup = unchecked(this.lookups[index]);
      if (lookup.onResource) lookup.apply(attributes, this.overwrite);
    }
  }

  private enrichRecord(attributes: Attributes): void {
    this.records.apply(attributes, this.overwrite);
    for (let index = 0; index < this.lookups.length; index++) {
      const lookup = unchecked(this.lookups[index]);
      if (!lookup.onResource) lookup.apply(attributes, this.overwrite);
    }
  }

  private get touchesRecords(): bool {
    if (this.records.keys.length > 0) return true;
    for (let index = 0; index < this.lookups.length; index++) if (!unchecked(this.lookups[index]).onResource) return true;
    return false;
  }

  processMetrics(batch: MetricsBatch): void {
    this.resolve(batch.strings);
    for (let index = 0; index < batch.resources.length; index++) {
      this.enrichResource(unchecked(batch.resources[index]).resource.attributes);
    }
    if (!this.touchesRecords) return;
    for (let index = 0; index < batch.metrics.length; index++) {
      const points = unchecked(batch.metrics[index]).points;
      if (points.count == 0) continue;
      this.records.applyToPoints(points, this.overwrite);
      for (let lookup = 0; lookup < this.lookups.length; lookup++) {
        const item = unchecked(this.lookups[lookup]);
        if (!item.onResource) item.applyToPoints(points, this.overwrite);
      }
    }
  }

  processLogs(batch: LogsBatch): void {
    this.resolve(batch.strings);
    for (let index = 0; index < batch.resources.length; index++) {
      this.enrichResource(unchecked(batch.resources[index]).resource.attributes);
    }
    if (!this.touchesRecords) return;
    for (let index = 0; index < batch.records.length; index++) {
      this.enrichRecord(unchecked(batch.records[index]).attributes);
    }
  }
}
