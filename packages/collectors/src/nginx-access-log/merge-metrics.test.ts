import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createLogger, type HistogramDataPoint, type NumberDataPoint, type Problem, Telemetry } from '@wasmpipe/core';
import { AccessLogProcessor } from './collector.ts';
import { nginxAccessLogCollector } from './factory.ts';
import { parseLogFormat } from './log-format.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const lines = (name: string) =>
  fixture(name)
    .split('\n')
    .filter((line) => line !== '');

describe('AccessLogProcessor with a format per file (discovery)', () => {
  it('reads each file, and its rotated names, with its own format, and adds the metrics up', () => {
    const problems: Problem[] = [];
    const config = nginxAccessLogCollector.config.parse({ include: ['/x/*.log'] }, 'c', problems)!;
    assert.deepEqual(problems, []);
    const unparsed = new Telemetry().forComponent('c').counter('wasmpipe.collector.unparsed');
    const processor = new AccessLogProcessor(config, createLogger({ write: () => {} }), unparsed, 1n);
    assert.deepEqual(processor.addFile('/x/custom.log', parseLogFormat(fixture('custom20.conf'))), [
      'nginx.upstream.response.length',
    ]);
    const combined = processor.process({ path: '/x/access.log', lines: lines('combined.log') }, 2n, true);
    const custom = processor.process({ path: '/x/custom.log.1', lines: lines('custom20.log') }, 2n, true);
    assert.equal(unparsed.value, 0);
    assert.equal(combined[0]?.attributes['nginx.request_id'], undefined);
    assert.equal(typeof custom[0]?.attributes['nginx.request_id'], 'string');

    const metrics = processor.collectMetrics(3n);
    const responseCount = metrics.find((metric) => metric.name === 'nginx.http.response.count');
    assert.deepEqual(
      (responseCount!.data.dataPoints as NumberDataPoint[]).map((point) => point.value),
      [0, 20, 0, 6, 10],
    );
    const bodies = metrics.find((metric) => metric.name === 'nginx.http.request.body_bytes_sent');
    const point = bodies!.data.dataPoints[0] as HistogramDataPoint;
    assert.equal(point.count, 36);
    assert.equal(
      point.bucketCounts.reduce((sum, count) => sum + count, 0),
      36,
    );
    const time = metrics.find((metric) => metric.name === 'nginx.http.request.time');
    assert.equal((time!.data.dataPoints[0] as HistogramDataPoint).count, 18, 'only the custom format has it');
  });
});
