// The filter: drops metrics by name, data points by attributes, and log records by severity or
// attributes. It only ever drops, so it answers a selection (a few bits) and the host never
// decodes or re-encodes anything for it.

import { Config, ConfigKind, GlobSet, LogsBatch, MetricsBatch, Plugin, StringTable } from '@wasmpipe/sdk-assemblyscript/assembly';
import { readRules, Rule } from './rules';

const OPTIONS = ['include', 'exclude', 'exclude_points', 'min_severity', 'exclude_records'];

/** OTLP SeverityNumber ranges by name: each name is its range's lowest number. */
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export class Filter extends Plugin {
  private includes: GlobSet = new GlobSet();
  private excludes: GlobSet = new GlobSet();
  private pointRules: Array<Rule> = new Array<Rule>();
  private recordRules: Array<Rule> = new Array<Rule>();
  private minSeverity: i32 = 0;

  constructor() {
    super('filter', '0.2.0');
  }

  handlesMetrics(): bool {
    return true;
  }

  handlesLogs(): bool {
    return true;
  }

  configure(config: Config): string {
    const includes = new GlobSet();
    const excludes = new GlobSet();
    const pointRules = new Array<Rule>();
    const recordRules = new Array<Rule>();
    let minSeverity = 0;
    if (!config.isNil) {
      if (!config.isMap) return 'The filter config must be a map (options: ' + OPTIONS.join(', ') + ').';
      let problem = config.unknownKeys(OPTIONS);
      if (problem.length > 0) return problem;
      const names = new Array<string>();
      problem = config.stringList('include', names, 'glob strings');
      if (problem.length > 0) return problem;
      for (let index = 0; index < names.length; index++) includes.add(unchecked(names[index]));
      names.length = 0;
      problem = config.stringList('exclude', names, 'glob strings');
      if (problem.length > 0) return problem;
      for (let index = 0; index < names.length; index++) excludes.add(unchecked(names[index]));
      problem = readRules(config, 'exclude_points', pointRules);
      if (problem.length > 0) return problem;
      problem = readRules(config, 'exclude_records', recordRules);
      if (problem.length > 0) return problem;
      const severity = config.get('min_severity');
      if (severity != null && !severity.isNil) {
        minSeverity = severityNumber(severity);
        if (minSeverity < 0) {
          return 'Option "min_severity" must be a SeverityNumber from 1 to 24 or one of ' + SEVERITY_NAMES.join(', ') + '.';
        }
      }
    }
    this.includes = includes;
    this.excludes = excludes;
    this.pointRules = pointRules;
    this.recordRules = recordRules;
    this.minSeverity = minSeverity;
    return '';
  }

  processMetrics(batch: MetricsBatch): void {
    const table = batch.strings;
    const rules = resolvedRules(this.pointRules, batch.strings);
    for (let index = 0; index < batch.metrics.length; index++) {
      const metric = unchecked(batch.metrics[index]);
      if (!this.includes.isEmpty && !this.includes.matchesAny(table, metric.name)) {
        metric.kept = false;
        continue;
      }
      if (this.excludes.matchesAny(table, metric.name)) {
        metric.kept = false;
        continue;
      }
      if (rules.length == 0 || metric.pointCount == 0) continue;
      const points = metric.points;
      for (let point = 0; point < points.count; point++) {
        for (let rule = 0; rule < rules.length; rule++) {
          if (unchecked(rules[rule]).matchesPoint(table, points, point)) {
            points.keep(point, false);
            break;
          }
        }
      }
    }
  }

  processLogs(batch: LogsBatch): void {
    const table = batch.strings;
    const rules = resolvedRules(this.recordRules, table);
    for (let index = 0; index < batch.records.length; index++) {
      const record = unchecked(batch.records[index]);
      if (this.minSeverity > 0 && record.severityNumber > 0 && record.severityNumber < this.minSeverity) {
        record.kept = false;
        continue;
      }
      for (let rule = 0; rule < rules.length; rule++) {
        if (unchecked(rules[rule]).matchesAttributes(table, record.attributes)) {
          record.kept = false;
          break;
        }
      }
    }
  }
}

// The rules whose keys all occur in this batch (the others cannot match anything in it).
function resolvedRules(rules: Array<Rule>, table: StringTable): Array<Rule> {
  const usable = new Array<Rule>();
  for (let index = 0; index < rules.length; index++) {
    const rule = unchecked(rules[index]);
    if (rule.resolve(table)) usable.push(rule);
  }
  return usable;
}

// A SeverityNumber from 1 to 24, or a name (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21); -1 when neither.
function severityNumber(node: Config): i32 {
  const text = node.text.toUpperCase();
  const named = SEVERITY_NAMES.indexOf(text);
  if (named >= 0) return named * 4 + 1;
  if (node.kind == ConfigKind.Number && node.number >= 1 && node.number <= 24 && node.number == Math.floor(node.number)) return <i32>node.number;
  return -1;
}
