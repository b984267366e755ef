// The transform plugin: renames metrics and attributes, converts units (ms to s, By to MiBy),
// derives `nginx.status_range` ("2xx") from a status code, and moves attributes between a
// resource and its records (data points or log records). Names are resolved to the batch's
// string ids once per batch; every change is made in place and written back once.

import {
  Attributes,
  Config,
  ConfigKind,
  DataPoints,
  GlobSet,
  LogsBatch,
  Metric,
  MetricsBatch,
  NO_STRING,
  Plugin,
  Resource,
  StringTable,
  Value,
  ValueKind,
} from '@wasmpipe/sdk-assemblyscript/assembly';
import { conversionFactor, knownUnits } from './units';

const OPTIONS = [
  'rename_metrics',
  'rename_attributes',
  'rename_resource_attributes',
  'convert_units',
  'status_range',
  'move_to_resource',
  'move_to_records',
];

/** old -> new names, resolved to string ids per batch. */
class Renames {
  from: Array<string> = new Array<string>();
  to: Array<string> = new Array<string>();
  fromIds: Array<i32> = new Array<i32>();
  toIds: Array<i32> = new Array<i32>();

  read(node: Config | null): string {
    if (node == null || node.isNil) return '';
    if (!node.isMap) return 'Option "' + node.path + '" must be a map of old name to new name.';
    for (let index = 0; index < node.keys.length; index++) {
      const target = unchecked(node.items[index]);
      if (target.kind != ConfigKind.String || target.string.length == 0) return 'Option "' + target.path + '" must be a name.';
      this.from.push(unchecked(node.keys[index]));
      this.to.push(target.string);
    }
    return '';
  }

  /** Resolves the names present in this batch; false when none is. */
  resolve(table: StringTable): bool {
    this.fromIds.length = 0;
    this.toIds.length = 0;
    for (let index = 0; index < this.from.length; index++) {
      const id = table.lookup(unchecked(this.from[index]));
      if (id == NO_STRING) continue;
      this.fromIds.push(id);
      this.toIds.push(table.id(unchecked(this.to[index])));
    }
    return this.fromIds.length > 0;
  }

  /** The new id for `id`, or NO_STRING. */
  target(id: i32): i32 {
    const index = this.fromIds.indexOf(id);
    return index < 0 ? NO_STRING : unchecked(this.toIds[index]);
  }

  renameIn(attributes: Attributes): void {
    for (let index = 0; index < this.fromIds.length; index++) {
      attributes.rename(unchecked(this.fromIds[index]), unchecked(this.toIds[index]));
    }
  }

  /** Renames on every point of a metric at once (no object per point). */
  renameInPoints(points: DataPoints): void {
    for (let index = 0; index < this.fromIds.length; index++) {
      points.renameAttribute(unchecked(this.fromIds[index]), unchecked(this.toIds[index]));
    }
  }
}

class Conversion {
  metrics: GlobSet = new GlobSet();
  from: string = '';
  to: string = '';
  factor: f64 = 1;
  fromId: i32 = NO_STRING;
  toId: i32 = NO_STRING;
}

class StatusRange {
  from: string = 'http.response.status_code';
  to: string = 'nginx.status_range';
  fromId: i32 = NO_STRING;
  toId: i32 = NO_STRING;
  classes: Array<i32> = new Array<i32>();
  classValues: Array<Value> = new Array<Value>();

  resolve(table: StringTable): bool {
    this.fromId = table.lookup(this.from);
    if (this.fromId == NO_STRING) return false;
    this.toId = table.id(this.to);
    this.classes.length = 0;
    this.classValues.length = 0;
    for (let digit = 1; digit <= 5; digit++) {
      const id = table.id(digit.toString() + 'xx');
      this.classes.push(id);
      this.classValues.push(Value.string(id));
    }
    return true;
  }

  /** Derives the class on every point of a metric (no object per point). */
  applyToPoints(points: DataPoints, table: StringTable): void {
    for (let point = 0; point < points.count; point++) {
      const range = this.classOf(points.attribute(point, this.fromId), table);
      if (range != NO_STRING) points.setAttributeAt(point, this.toId, unchecked(this.classValues[this.classes.indexOf(range)]));
    }
  }

  /** The class id ("1xx".."5xx") of a status value, or NO_STRING. */
  classOf(value: Value | null, table: StringTable): i32 {
    if (value == null) return NO_STRING;
    let code: i64 = -1;
    if (value.kind == ValueKind.Int) code = value.int;
    else if (value.kind == ValueKind.Float && value.float == Math.floor(value.float)) code = <i64>value.float;
    else if (value.kind == ValueKind.String) code = parseCode(table, value.string);
    if (code < 100 || code > 599) return NO_STRING;
    return unchecked(this.classes[<i32>(code / 100) - 1]);
  }

  apply(attributes: Attributes, table: StringTable): void {
    const range = this.classOf(attributes.get(this.fromId), table);
    if (range != NO_STRING) attributes.setString(this.toId, range);
  }
}

// Three ASCII digits, or -1.
function parseCode(table: StringTable, id: i32): i64 {
  if (table.length(id) != 3) return -1;
  let code: i64 = 0;
  for (let index = 0; index < 3; index++) {
    const digit = <i32>load<u8>(table.pointer(id) + <usize>index) - 48;
    if (digit < 0 || digit > 9) return -1;
    code = code * 10 + digit;
  }
  return code;
}

// Keys resolved per batch; NO_STRING for a key absent from the batch.
function resolveKeys(keys: Array<string>, table: StringTable, into: Array<i32>): bool {
  into.length = 0;
  let any = false;
  for (let index = 0; index < keys.length; index++) {
    const id = table.lookup(unchecked(keys[index]));
    into.push(id);
    if (id != NO_STRING) any = true;
  }
  return any;
}

function sameValue(a: Value, b: Value): bool {
  if (a.kind != b.kind) return false;
  if (a.kind == ValueKind.String) return a.string == b.string;
  if (a.kind == ValueKind.Float) return a.float == b.float;
  if (a.kind == ValueKind.Int || a.kind == ValueKind.Bool) return a.int == b.int;
  if (a.kind == ValueKind.Nil) return true;
  return a.rawLength == b.rawLength && memory.compare(a.rawPointer, b.rawPointer, <usize>a.rawLength) == 0;
}

export class Transform extends Plugin {
  private metricRenames: Renames = new Renames();
  private attributeRenames: Renames = new Renames();
  private resourceRenames: Renames = new Renames();
  private conversions: Array<Conversion> = new Array<Conversion>();
  private statusRange: StatusRange | null = null;
  private toResource: Array<string> = new Array<string>();
  private toRecords: Array<string> = new Array<string>();
  private toResourceIds: Array<i32> = new Array<i32>();
  private toRecordIds: Array<i32> = new Array<i32>();

  constructor() {
    super('transform', '0.1.0');
  }

  handlesMetrics(): bool {
    return true;
  }

  handlesLogs(): bool {
    return true;
  }

  configure(config: Config): string {
    const metricRenames = new Renames();
    const attributeRenames = new Renames();
    const resourceRenames = new Renames();
    const conversions = new Array<Conversion>();
    let statusRange: StatusRange | null = null;
    const toResource = new Array<string>();
    const toRecords = new Array<string>();
    if (!config.isNil) {
      if (!config.isMap) return 'The transform config must be a map (options: ' + OPTIONS.join(', ') + ').';
      let problem = config.unknownKeys(OPTIONS);
      if (problem.length > 0) return problem;
      problem = metricRenames.read(config.get('rename_metrics'));
      if (problem.length > 0) return problem;
      problem = attributeRenames.read(config.get('rename_attributes'));
      if (problem.length > 0) return problem;
      problem = resourceRenames.read(config.get('rename_resource_attributes'));
      if (problem.length > 0) return problem;
      problem = readConversions(config.get('convert_units'), conversions);
      if (problem.length > 0) return problem;
      const status = config.get('status_range');
      if (status != null && !status.isNil) {
        if (status.kind == ConfigKind.Bool) {
          if (status.bool) statusRange = new StatusRange();
        } else if (status.isMap) {
          problem = status.unknownKeys(['from', 'to']);
          if (problem.length > 0) return problem;
          const range = new StatusRange();
          const problems = new Array<string>();
          range.from = status.stringAt('from', range.from, problems);
          range.to = status.stringAt('to', range.to, problems);
          if (problems.length > 0) return problems[0];
          statusRange = range;
        } else return 'Option "status_range" must be true, or a map with from and to.';
      }
      problem = config.stringList('move_to_resource', toResource, 'attribute keys');
      if (problem.length > 0) return problem;
      problem = config.stringList('move_to_records', toRecords, 'attribute keys');
      if (problem.length > 0) return problem;
    }
    this.metricRenames = metricRenames;
    this.attributeRenames = attributeRenames;
    this.resourceRenames = resourceRenames;
    this.conversions = conversions;
    this.statusRange = statusRange;
    this.toResource = toResource;
    this.toRecords = toRecords;
    return '';
  }

  processMetrics(batch: MetricsBatch): void {
    const table = batch.strings;
    const renameMetrics = this.metricRenames.resolve(table);
    const renameAttributes = this.attributeRenames.resolve(table);
    const range = this.statusRange;
    const derive = range != null && range.resolve(table);
    const convert = this.resolveConversions(table);
    const toResource = resolveKeys(this.toResource, table, this.toResourceIds);
    const toRecords = resolveKeys(this.toRecords, table, this.toRecordIds);
    this.renameResources(table, batchResources(batch));
    for (let index = 0; index < batch.metrics.length; index++) {
      const metric = unchecked(batch.metrics[index]);
      if (renameMetrics) {
        const target = this.metricRenames.target(metric.name);
        if (target != NO_STRING) metric.setName(target);
      }
      if (convert) this.convert(table, metric.name, metric.unit, metric.points, metric);
      if (!renameAttributes && !derive && !toRecords) continue;
      const points = metric.points;
      if (points.count == 0) continue;
      if (toRecords) this.copyToPoints(metric.resource, points);
      if (renameAttributes) this.attributeRenames.renameInPoints(points);
      if (derive) (<StatusRange>range).applyToPoints(points, table);
    }
    if (toResource) {
      for (let index = 0; index < batch.resources.length; index++) {
        const resource = unchecked(batch.resources[index]);
        const sets = new Array<Attributes>();
        for (let scope = 0; scope < resource.scopes.length; scope++) {
          const metrics = unchecked(resource.scopes[scope]).metrics;
          for (let item = 0; item < metrics.length; item++) {
            const points = unchecked(metrics[item]).points;
            for (let point = 0; point < points.count; point++) sets.push(points.attributes(point));
          }
        }
        this.moveToResource(resource.resource, sets);
      }
    }
    if (toRecords) this.removeFromResources(batchResources(batch));
  }

  processLogs(batch: LogsBatch): void {
    const table = batch.strings;
    const renameAttributes = this.attributeRenames.resolve(table);
    const range = this.statusRange;
    const derive = range != null && range.resolve(table);
    const toResource = resolveKeys(this.toResource, table, this.toResourceIds);
    const toRecords = resolveKeys(this.toRecords, table, this.toRecordIds);
    const resources = new Array<Resource>();
    for (let index = 0; index < batch.resources.length; index++) resources.push(unchecked(batch.resources[index]).resource);
    this.renameResources(table, resources);
    for (let index = 0; index < batch.records.length; index++) {
      const record = unchecked(batch.records[index]);
      if (toRecords) this.copyFromResource(record.resource, record.attributes);
      if (renameAttributes) this.attributeRenames.renameIn(record.attributes);
      if (derive) (<StatusRange>range).apply(record.attributes, table);
    }
    if (toResource) {
      for (let index = 0; index < batch.resources.length; index++) {
        const resource = unchecked(batch.resources[index]);
        const sets = new Array<Attributes>();
        for (let scope = 0; scope < resource.scopes.length; scope++) {
          const records = unchecked(resource.scopes[scope]).records;
          for (let item = 0; item < records.length; item++) sets.push(unchecked(records[item]).attributes);
        }
        this.moveToResource(resource.resource, sets);
      }
    }
    if (toRecords) this.removeFromResources(resources);
  }

  private renameResources(table: StringTable, resources: Array<Resource>): void {
    if (!this.resourceRenames.resolve(table)) return;
    for (let index = 0; index < resources.length; index++) {
      this.resourceRenames.renameIn(unchecked(resources[index]).attributes);
    }
  }

  private resolveConversions(table: StringTable): bool {
    let any = false;
    for (let index = 0; index < this.conversions.length; index++) {
      const conversion = unchecked(this.conversions[index]);
      conversion.fromId = table.lookup(conversion.from);
      if (conversion.fromId != NO_STRING) {
        conversion.toId = table.id(conversion.to);
        any = true;
      }
    }
    return any;
  }

  // The first conversion whose unit and metric names match is applied.
  private convert(table: StringTable, name: i32, unit: i32, points: DataPoints, metric: Metric): void {
    for (let index = 0; index < this.conversions.length; index++) {
      const conversion = unchecked(this.conversions[index]);
      if (conversion.fromId == NO_STRING || unit != conversion.fromId) continue;
      if (!conversion.metrics.isEmpty && !conversion.metrics.matchesAny(table, name)) continue;
      if (points.scale(conversion.factor)) metric.setUnit(conversion.toId);
      return;
    }
  }

  // Record <- resource: the resource's value for each key, unless the record has its own.
  private copyFromResource(resource: Resource, attributes: Attributes): void {
    for (let index = 0; index < this.toRecordIds.length; index++) {
      const key = unchecked(this.toRecordIds[index]);
      if (key == NO_STRING || attributes.has(key)) continue;
      const value = resource.attributes.get(key);
      if (value != null) attributes.set(key, value);
    }
  }

  // Points <- resource: the resource's value for each key, where a point has none of its own.
  private copyToPoints(resource: Resource, points: DataPoints): void {
    for (let index = 0; index < this.toRecordIds.length; index++) {
      const key = unchecked(this.toRecordIds[index]);
      if (key == NO_STRING) continue;
      const value = resource.attributes.get(key);
      if (value != null) points.setAttribute(key, value, false);
    }
  }

  private removeFromResources(resources: Array<Resource>): void {
    for (let index = 0; index < resources.length; index++) {
      const attributes = unchecked(resources[index]).attributes;
      for (let key = 0; key < this.toRecordIds.length; key++) {
        const id = unchecked(this.toRecordIds[key]);
        if (id != NO_STRING) attributes.remove(id);
      }
    }
  }

  // Resource <- records: the first record's value goes to the resource; records holding that same
  // value lose it, records holding another value keep theirs (nothing is lost).
  private moveToResource(resource: Resource, records: Array<Attributes>): void {
    for (let index = 0; index < this.toResourceIds.length; index++) {
      const key = unchecked(this.toResourceIds[index]);
      if (key == NO_STRING) continue;
      let chosen: Value | null = null;
      for (let item = 0; item < records.length && chosen == null; item++) chosen = unchecked(records[item]).get(key);
      if (chosen == null) continue;
      const moved = <Value>chosen;
      resource.attributes.set(key, moved);
      for (let item = 0; item < records.length; item++) {
        const attributes = unchecked(records[item]);
        const value = attributes.get(key);
        if (value != null && sameValue(value, moved)) attributes.remove(key);
      }
    }
  }
}

function batchResources(batch: MetricsBatch): Array<Resource> {
  const resources = new Array<Resource>();
  for (let index = 0; index < batch.resources.length; index++) resources.push(unchecked(batch.resources[index]).resource);
  return resources;
}

function readConversions(node: Config | null, into: Array<Conversion>): string {
  if (node == null || node.isNil) return '';
  if (node.kind != ConfigKind.List) return 'Option "convert_units" must be a list of conversions ({from, to, metrics?}).';
  for (let index = 0; index < node.items.length; index++) {
    const item = unchecked(node.items[index]);
    if (!item.isMap) return 'Option "' + item.path + '" must be a map with from, to and optionally metrics.';
    let problem = item.unknownKeys(['from', 'to', 'metrics']);
    if (problem.length > 0) return problem;
    const conversion = new Conversion();
    const problems = new Array<string>();
    conversion.from = item.stringAt('from', '', problems);
    conversion.to = item.stringAt('to', '', problems);
    if (problems.length > 0) return problems[0];
    conversion.factor = conversionFactor(conversion.from, conversion.to);
    if (conversion.factor == 0) {
      return 'Option "' + item.path + '" converts "' + conversion.from + '" to "' + conversion.to + '": both must be units of one kind (' + knownUnits() + ').';
    }
    const globs = new Array<string>();
    problem = item.stringList('metrics', globs, 'metric name globs');
    if (problem.length > 0) return problem;
    for (let glob = 0; glob < globs.length; glob++) conversion.metrics.add(unchecked(globs[glob]));
    into.push(conversion);
  }
  return '';
}
