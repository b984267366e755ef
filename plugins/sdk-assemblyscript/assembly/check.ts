// Compiled by `npm run build` so the SDK's own build fails when it stops compiling: a plugin that
// touches every part of the API once. It is not shipped.

import { Config, LogsBatch, MetricsBatch, Plugin, registerPlugin, reportAbort, Value } from './index';

class Check extends Plugin {
  constructor() {
    super('sdk-check', '0.0.0');
  }

  handlesMetrics(): bool {
    return true;
  }

  handlesLogs(): bool {
    return true;
  }

  configure(config: Config): string {
    if (config.isNil) return '';
    if (!config.isMap) return 'The sdk-check config must be a map.';
    return config.unknownKeys(['keep']);
  }

  processMetrics(batch: MetricsBatch): void {
    const key = batch.strings.id('checked');
    const column = batch.strings.id('column');
    for (let index = 0; index < batch.metrics.length; index++) {
      const metric = batch.metrics[index];
      const points = metric.points;
      // Every other metric through the column operations, the others through objects: both paths
      // must write the same thing.
      if (index % 2 == 0) {
        points.setAttribute(column, Value.string(column));
        points.renameAttribute(column, key);
        for (let point = 0; point < points.count; point++) {
          if (points.stringAttribute(point, key) != key) points.setAttributeAt(point, key, Value.string(key));
        }
      } else {
        for (let point = 0; point < points.count; point++) points.attributes(point).setString(key, key);
      }
    }
  }

  processLogs(batch: LogsBatch): void {
    for (let index = 0; index < batch.records.length; index++) batch.records[index].kept = index % 2 == 0;
  }
}

registerPlugin(new Check());

export { __guest_call } from './guest-call';

function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  reportAbort(message, fileName, line, column);
  unreachable();
}
