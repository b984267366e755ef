import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import {
  type CreateContext,
  createLogger,
  getPlatform,
  type Metric,
  type MetricsBatch,
  type NumberDataPoint,
  type Problem,
  Telemetry,
} from '@wasmpipe/core';
import { PACKAGE_VERSION } from '../version.ts';
import { HOST_METRICS_SCOPE_NAME } from './collector.ts';
import { metricsOf, shutdownAll, sleep, startCollector, waitFor } from './collector-harness.ts';
import { hostMetricsCollector } from './factory.ts';
import { metricNamed, pointValue } from './test-helpers.ts';

afterEach(shutdownAll);

function bootTimeOfThisHost(): bigint {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('btime '));
  return BigInt(line!.slice('btime '.length)) * 1_000_000_000n;
}

describe('host_metrics collector on this machine', () => {
  it('pushes one batch per scrape with the host resource, the scope and the default metrics', async () => {
    const { batches } = await startCollector({ collection_interval: '50ms' });
    await waitFor(() => batches.length >= 2);
    const [first, second] = batches as [MetricsBatch, MetricsBatch];

    const resourceMetrics = first.resourceMetrics[0]!;
    const attributes = resourceMetrics.resource.attributes;
    assert.equal(attributes['host.name'], readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
    assert.equal(attributes['host.id'], readFileSync('/etc/machine-id', 'utf8').trim());
    assert.equal(attributes['os.type'], 'linux');
    assert.equal(attributes['host.arch'], process.arch === 'x64' ? 'amd64' : process.arch);
    assert.match(String(attributes['os.description']), /\(Linux \d+\.\d+/);
    assert.deepEqual(resourceMetrics.scopeMetrics[0]?.scope, {
      name: HOST_METRICS_SCOPE_NAME,
      version: PACKAGE_VERSION,
    });
    assert.deepEqual(
      metricsOf(first).map((metric) => metric.name),
      ['system.cpu.time', 'system.memory.usage'],
    );

    const timeBefore = metricNamed(metricsOf(first), 'system.cpu.time');
    const timeAfter = metricNamed(metricsOf(second), 'system.cpu.time');
    assert.equal(timeBefore.data.type === 'sum' && timeBefore.data.isMonotonic, true);
    const cpuCount = readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm)?.length;
    assert.equal(timeBefore.data.dataPoints.length, cpuCount! * 8);
    const busy = (metric: Metric) =>
      metric.data.dataPoints.reduce((sum, point) => sum + (point as NumberDataPoint).value, 0);
    assert.ok(busy(timeBefore) > 0);
    for (const point of timeAfter.data.dataPoints as NumberDataPoint[]) {
      assert.equal(point.startTimeUnixNano, bootTimeOfThisHost());
      // proc(5): iowait "is not reliable" and can decrease, so `wait` is left out of this check.
      if (point.attributes['state'] === 'wait') continue;
      const earlier = pointValue(timeBefore, point.attributes as Record<string, string>);
      assert.ok(point.value >= earlier, `${JSON.stringify(point.attributes)} went from ${earlier} to ${point.value}`);
    }
    assert.ok(
      (timeAfter.data.dataPoints[0] as NumberDataPoint).timeUnixNano >
        (timeBefore.data.dataPoints[0] as NumberDataPoint).timeUnixNano,
    );

    const usage = metricNamed(metricsOf(second), 'system.memory.usage');
    const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    const used = pointValue(usage, { state: 'used' });
    assert.ok(used > 0 && used < memTotal, `used ${used} of ${memTotal}`);
  });

  it('adds up the memory states to the total, exactly with the legacy used rule', async () => {
    const memoryMetrics = {
      'system.memory.limit': { enabled: true },
      'system.linux.memory.available': { enabled: true },
      'system.memory.utilization': { enabled: true },
    };
    const sumOfStates = (metrics: Metric[]) => {
      const usage = metricNamed(metrics, 'system.memory.usage');
      return ['used', 'free', 'buffered', 'cached'].reduce((sum, state) => sum + pointValue(usage, { state }), 0);
    };

    const legacy = await startCollector({
      collection_interval: '1h',
      scrapers: { memory: { metrics: memoryMetrics, used_calculation: 'total_minus_free_buffers_cached' } },
    });
    await waitFor(() => legacy.batches.length >= 1);
    const legacyMetrics = metricsOf(legacy.batches[0]!);
    assert.equal(sumOfStates(legacyMetrics), pointValue(metricNamed(legacyMetrics, 'system.memory.limit'), {}));

    // With used = total - available the sum overshoots by (free + buffered + cached) - available.
    const current = await startCollector({
      collection_interval: '1h',
      scrapers: { memory: { metrics: memoryMetrics } },
    });
    await waitFor(() => current.batches.length >= 1);
    const metrics = metricsOf(current.batches[0]!);
    const usage = metricNamed(metrics, 'system.memory.usage');
    const total = pointValue(metricNamed(metrics, 'system.memory.limit'), {});
    const available = pointValue(metricNamed(metrics, 'system.linux.memory.available'), {});
    const reclaimable = ['free', 'buffered', 'cached'].reduce((sum, state) => sum + pointValue(usage, { state }), 0);
    assert.equal(sumOfStates(metrics) - total, reclaimable - available);
    assert.ok(Math.abs(sumOfStates(metrics) - total) < total * 0.1);
    const utilization = metricNamed(metrics, 'system.memory.utilization');
    assert.ok(
      Math.abs(pointValue(utilization, { state: 'used' }) - pointValue(usage, { state: 'used' }) / total) < 1e-12,
    );
  });

  it('emits only what is enabled: cpu utilization from the second scrape, no memory when absent', async () => {
    const { batches } = await startCollector({
      collection_interval: '50ms',
      scrapers: {
        cpu: {
          metrics: {
            'system.cpu.time': { enabled: false },
            'system.cpu.utilization': { enabled: true },
            'system.cpu.logical.count': { enabled: true },
          },
        },
      },
    });
    await waitFor(() => batches.length >= 2);
    assert.deepEqual(
      metricsOf(batches[0]!).map((metric) => metric.name),
      ['system.cpu.logical.count'],
    );
    const metrics = metricsOf(batches[1]!);
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      ['system.cpu.utilization', 'system.cpu.logical.count'],
    );
    const utilization = metricNamed(metrics, 'system.cpu.utilization');
    const byCpu = new Map<string, number>();
    for (const point of utilization.data.dataPoints as NumberDataPoint[]) {
      assert.ok(point.value >= 0 && point.value <= 1, `${point.value}`);
      const cpu = String(point.attributes['cpu']);
      byCpu.set(cpu, (byCpu.get(cpu) ?? 0) + point.value);
    }
    // A CPU where no tick elapsed reports all zeros, as in contrib.
    for (const sum of byCpu.values()) assert.ok(Math.abs(sum - 1) < 1e-9 || sum === 0, `${sum}`);
    assert.equal(pointValue(metricNamed(metrics, 'system.cpu.logical.count'), {}), byCpu.size);
  });

  it('puts each selected process in its own resource, over the host resource', async () => {
    const { batches } = await startCollector({
      collection_interval: '1h',
      scrapers: { load: {}, process: { include: { names: [readFileSync('/proc/self/comm', 'utf8').trim()] } } },
    });
    await waitFor(() => batches.length >= 1);
    const [host, ...processes] = batches[0]!.resourceMetrics;
    assert.deepEqual(
      host!.scopeMetrics[0]!.metrics.map((metric) => metric.name),
      ['system.cpu.load_average.1m', 'system.cpu.load_average.5m', 'system.cpu.load_average.15m'],
    );
    const self = processes.find((resource) => resource.resource.attributes['process.pid'] === process.pid);
    assert.ok(self, 'this test process was not reported');
    assert.equal(self.resource.attributes['host.name'], host!.resource.attributes['host.name']);
    assert.deepEqual(
      self.scopeMetrics[0]!.metrics.map((metric) => metric.name),
      ['process.cpu.time', 'process.memory.usage', 'process.memory.virtual', 'process.disk.io'],
    );
  });

  it('stops on shutdown, after the scrape under way has been pushed', async () => {
    let releasePush: () => void = () => {};
    let pushing = false;
    const { collector, batches } = await startCollector(
      { collection_interval: '20ms' },
      {
        consume: async () => {
          pushing = true;
          await new Promise<void>((resolve) => {
            releasePush = resolve;
          });
          pushing = false;
        },
      },
    );
    await waitFor(() => pushing);
    let stopped = false;
    const shutdown = Promise.resolve(collector.shutdown?.()).then(() => {
      stopped = true;
    });
    await sleep(50);
    assert.equal(stopped, false, 'shutdown returned while a push was under way');
    releasePush();
    await shutdown;
    const count = batches.length;
    await sleep(100);
    assert.equal(batches.length, count);
    await collector.shutdown?.();
  });

  it('never overlaps scrapes when the consumer is slower than the interval', async () => {
    let active = 0;
    let most = 0;
    const { batches } = await startCollector(
      { collection_interval: '5ms' },
      {
        consume: async () => {
          active += 1;
          most = Math.max(most, active);
          await sleep(30);
          active -= 1;
        },
      },
    );
    await waitFor(() => batches.length >= 4);
    assert.equal(most, 1);
  });

  it('shuts down safely without start, and twice', async () => {
    const problems: Problem[] = [];
    const config = hostMetricsCollector.config.parse({}, '', problems)!;
    const context: CreateContext = {
      id: 'host_metrics',
      logger: createLogger({ write: () => {} }),
      telemetry: new Telemetry().forComponent('host_metrics'),
      platform: getPlatform(),
      configDirectory: '.',
    };
    const collector = await hostMetricsCollector.create(config, context, { consumeMetrics: async () => {} });
    await collector.shutdown?.();
    await collector.shutdown?.();
  });
});
