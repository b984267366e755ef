import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { NumberDataPoint } from '@wasmpipe/core';
import { metricsOf, shutdownAll, startCollector, waitFor } from './collector-harness.ts';
import { metricNamed, pointValue } from './test-helpers.ts';

afterEach(shutdownAll);

const fixtures = new URL('./__fixtures__/', import.meta.url);

/** A temporary host root with `proc/stat`, `proc/meminfo` and a hostname from the fixtures. */
function fixtureRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'host-metrics-'));
  mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
  cpSync(new URL('proc-stat-64cpu.txt', fixtures), join(root, 'proc/stat'));
  cpSync(new URL('meminfo-round-numbers.txt', fixtures), join(root, 'proc/meminfo'));
  writeFileSync(join(root, 'proc/sys/kernel/hostname'), 'fixture-host\n');
  return root;
}

describe('host_metrics collector with a failing scraper', () => {
  it('keeps the other scrapers running and logs once per change of state', async () => {
    const root = fixtureRoot();
    try {
      // A directory where /proc/meminfo should be: every read fails with EISDIR.
      rmSync(join(root, 'proc/meminfo'));
      mkdirSync(join(root, 'proc/meminfo'));
      const { batches, logs } = await startCollector({ collection_interval: '20ms', root_path: root });
      await waitFor(() => batches.length >= 3);
      for (const batch of batches) {
        assert.deepEqual(
          metricsOf(batch).map((metric) => metric.name),
          ['system.cpu.time'],
        );
      }
      const failures = logs.filter((line) => line.includes('The memory scraper failed'));
      assert.equal(failures.length, 1);
      assert.match(failures[0]!, /WARN.*EISDIR/);

      rmSync(join(root, 'proc/meminfo'), { recursive: true });
      cpSync(new URL('meminfo-round-numbers.txt', fixtures), join(root, 'proc/meminfo'));
      const seen = batches.length;
      await waitFor(() => batches.length >= seen + 2);
      assert.deepEqual(
        metricsOf(batches.at(-1)!).map((metric) => metric.name),
        ['system.cpu.time', 'system.memory.usage'],
      );
      assert.equal(logs.filter((line) => line.includes('The memory scraper recovered.')).length, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('host_metrics collector with root_path', () => {
  it('reads <root_path>/proc, here a copy of the fixtures', async () => {
    const root = fixtureRoot();
    try {
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

  it('says once which scrapers are unavailable without /proc, and runs nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'host-metrics-empty-'));
    try {
      const { logs, batches } = await startCollector({
        collection_interval: '10ms',
        root_path: root,
        scrapers: { cpu: {}, load: {}, paging: {} },
      });
      await waitFor(() => logs.some((line) => line.includes('unavailable')));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const notices = logs.filter((line) => line.includes('unavailable'));
      assert.equal(notices.length, 1);
      assert.match(
        notices[0]!,
        /WARN.*proc\/stat.*These scrapers are unavailable: cpu, load, paging\. No scraper can run\./,
      );
      assert.equal(batches.length, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
