import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  type Collector,
  type CreateContext,
  createLogger,
  getPlatform,
  type Metric,
  type MetricsBatch,
  type NumberDataPoint,
  type Platform,
  type Problem,
  Telemetry,
} from '@wasmpipe/core';
import { PACKAGE_VERSION } from '../version.ts';
import { HOST_METRICS_SCOPE_NAME } from './collector.ts';
import { hostMetricsCollector } from './factory.ts';
import { metricNamed, pointValue } from './test-helpers.ts';

interface Harness {
  collector: Collector;
  batches: MetricsBatch[];
  logs: string[];
}

const running: Collector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((collector) => collector.shutdown?.()));
});

async function startCollector(
  input: Record<string, unknown>,
  options: { platform?: Platform; consume?: (batch: MetricsBatch) => Promise<void> } = {},
): Promise<Harness> {
  const problems: Problem[] = [];
  const config = hostMetricsCollector.config.parse({ initial_delay: 0, ...input }, 'host_metrics', problems);
  assert.deepEqual(problems, []);
  const batches: MetricsBatch[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const platform = options.platform ?? getPlatform();
  const context: CreateContext = {
    id: 'host_metrics',
    logger,
    telemetry: new Telemetry().forComponent('host_metrics'),
    platform,
    configDirectory: '.',
  };
  const consumer = {
    async consumeMetrics(batch: MetricsBatch) {
      batches.push(batch);
      await options.consume?.(batch);
    },
  };
  const collector = await hostMetricsCollector.create(config!, context, consumer);
  running.push(collector);
  await collector.start?.({ platform, logger });
  return { collector, batches, logs };
}

async function waitFor(condition: () => boolean, timeoutMillis = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the collector.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

function metricsOf(batch: MetricsBatch): Metric[] {
  assert.equal(batch.resourceMetrics.length, 1);
  assert.equal(batch.resourceMetrics[0]?.scopeMetrics.length, 1);
  return batch.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
}

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
    assert.deepEqual(resourceMetrics.resource.attributes, {
      'host.name': readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(),
      'os.type': 'linux',
    });
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

describe('host_metrics collector with a failing scraper', () => {
  it('keeps the other scrapers running and logs once per change of state', async () => {
    const real = getPlatform();
    let meminfoBroken = true;
    const platform: Platform = {
      ...real,
      readTextFile: async (path) => {
        if (path === '/proc/meminfo' && meminfoBroken) throw new Error('EACCES: permission denied, open /proc/meminfo');
        return real.readTextFile(path);
      },
    };
    const { batches, logs } = await startCollector({ collection_interval: '20ms' }, { platform });
    await waitFor(() => batches.length >= 3);
    for (const batch of batches) {
      assert.deepEqual(
        metricsOf(batch).map((metric) => metric.name),
        ['system.cpu.time'],
      );
    }
    const failures = logs.filter((line) => line.includes('The memory scraper failed'));
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /WARN.*EACCES/);

    meminfoBroken = false;
    const seen = batches.length;
    await waitFor(() => batches.length >= seen + 2);
    assert.deepEqual(
      metricsOf(batches.at(-1)!).map((metric) => metric.name),
      ['system.cpu.time', 'system.memory.usage'],
    );
    assert.equal(logs.filter((line) => line.includes('The memory scraper recovered.')).length, 1);
  });
});

describe('host_metrics collector with root_path', () => {
  it('reads <root_path>/proc, here a copy of the fixtures', async () => {
    const root = mkdtempSync(join(tmpdir(), 'host-metrics-'));
    try {
      mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
      const fixtures = new URL('./__fixtures__/', import.meta.url);
      cpSync(new URL('proc-stat-64cpu.txt', fixtures), join(root, 'proc/stat'));
      cpSync(new URL('meminfo-round-numbers.txt', fixtures), join(root, 'proc/meminfo'));
      writeFileSync(join(root, 'proc/sys/kernel/hostname'), 'fixture-host\n');

      const { batches } = await startCollector({ collection_interval: '1h', root_path: `${root}/` });
      await waitFor(() => batches.length >= 1);
      const batch = batches[0]!;
      assert.equal(batch.resourceMetrics[0]?.resource.attributes['host.name'], 'fixture-host');
      const metrics = metricsOf(batch);
      const time = metricNamed(metrics, 'system.cpu.time');
      assert.equal(time.data.dataPoints.length, 64 * 8);
      assert.equal((time.data.dataPoints[0] as NumberDataPoint).startTimeUnixNano, 1_700_000_000_000_000_000n);
      assert.equal(pointValue(metricNamed(metrics, 'system.memory.usage'), { state: 'used' }), 500_000 * 1024);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
