import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';
import { metricsOf, shutdownAll, startCollector, waitFor } from './collector-harness.ts';
import { toSemanticConventions } from './semconv.ts';
import { metricNamed, namesOf, pointOf } from './test-helpers.ts';

const TIME = 1_700_000_100_000_000_000n;

function sum(name: string, unit: string, points: Array<[Record<string, string>, number]>): Metric {
  return {
    name,
    description: '',
    unit,
    data: {
      type: 'sum',
      aggregationTemporality: 'cumulative',
      isMonotonic: true,
      dataPoints: points.map(([attributes, value]) => ({
        attributes,
        value,
        timeUnixNano: TIME,
        startTimeUnixNano: TIME,
      })),
    },
  };
}

describe('naming: semconv', () => {
  it('renames metrics, units, attribute keys and values to semantic conventions v1.44', () => {
    const input = [
      sum('system.cpu.time', 's', [[{ cpu: 'cpu12', state: 'wait' }, 1]]),
      sum('system.network.packets', '{packets}', [[{ device: 'eth0.100', direction: 'receive' }, 2]]),
      sum('system.network.dropped', '{packets}', [[{ device: 'eth0', direction: 'transmit' }, 3]]),
      sum('system.network.connections', '{connections}', [[{ protocol: 'tcp', state: 'FIN_WAIT1' }, 4]]),
      sum('system.paging.operations', '{operations}', [[{ direction: 'page_in', type: 'major' }, 5]]),
      sum('system.processes.count', '{processes}', [[{ status: 'zombies' }, 6]]),
      sum('process.threads', '{threads}', [[{}, 7]]),
      sum('system.disk.io', 'By', [[{ device: 'sda', direction: 'read' }, 8]]),
      sum('system.filesystem.usage', 'By', [
        [{ device: '/dev/sda1', mode: 'rw', mountpoint: '/', type: 'ext4', state: 'used' }, 9],
      ]),
      sum('system.cpu.load_average.1m', '{thread}', [[{}, 10]]),
    ];
    const before = structuredClone(input);
    const output = toSemanticConventions(input);
    assert.deepEqual(input, before, 'the input is left untouched');
    assert.deepEqual(namesOf(output), [
      'system.cpu.time',
      'system.network.packet.count',
      'system.network.packet.dropped',
      'system.network.connection.count',
      'system.paging.operations',
      'system.process.count',
      'process.thread.count',
      'system.disk.io',
      'system.filesystem.usage',
      'system.cpu.load_average.1m',
    ]);
    const attributes = output.map((metric) => (metric.data.dataPoints[0] as NumberDataPoint).attributes);
    assert.deepEqual(attributes, [
      { 'cpu.logical_number': 12, 'cpu.mode': 'iowait' },
      { 'system.device': 'eth0.100', 'network.io.direction': 'receive' },
      { 'network.interface.name': 'eth0', 'network.io.direction': 'transmit' },
      { 'network.transport': 'tcp', 'network.connection.state': 'fin_wait_1' },
      { 'system.paging.direction': 'in', 'system.paging.fault.type': 'major' },
      { 'process.state': 'defunct' },
      {},
      { 'system.device': 'sda', 'disk.io.direction': 'read' },
      {
        'system.device': '/dev/sda1',
        'system.filesystem.mode': 'rw',
        'system.filesystem.mountpoint': '/',
        'system.filesystem.type': 'ext4',
        'system.filesystem.state': 'used',
      },
      {},
    ]);
    assert.deepEqual(
      output.map((metric) => metric.unit),
      ['s', '{packet}', '{packet}', '{connection}', '{operation}', '{process}', '{thread}', 'By', 'By', '{thread}'],
    );
  });

  it('moves the slab states of memory usage to system.memory.linux.slab.usage', () => {
    const usage = sum('system.memory.usage', 'By', [
      [{ state: 'used' }, 1],
      [{ state: 'buffered' }, 2],
      [{ state: 'slab_reclaimable' }, 3],
      [{ state: 'slab_unreclaimable' }, 4],
    ]);
    const [memory, slab] = toSemanticConventions([usage]);
    assert.deepEqual(
      memory!.data.dataPoints.map((point) => point.attributes),
      [{ 'system.memory.state': 'used' }, { 'system.memory.state': 'buffers' }],
    );
    assert.equal(slab!.name, 'system.memory.linux.slab.usage');
    assert.equal(pointOf(slab!, { 'system.memory.linux.slab.state': 'unreclaimable' }).value, 4);
  });

  it('applies to the collector output', async () => {
    const { batches } = await startCollector({
      collection_interval: '1h',
      naming: 'semconv',
      scrapers: { cpu: {}, memory: { metrics: { 'system.linux.memory.available': { enabled: true } } } },
    });
    try {
      await waitFor(() => batches.length >= 1);
      const metrics = metricsOf(batches[0]!);
      assert.deepEqual(namesOf(metrics), [
        'system.cpu.time',
        'system.memory.usage',
        'system.memory.linux.slab.usage',
        'system.memory.linux.available',
      ]);
      const point = metricNamed(metrics, 'system.cpu.time').data.dataPoints[0] as NumberDataPoint;
      assert.deepEqual(point.attributes, { 'cpu.logical_number': 0, 'cpu.mode': 'user' });
    } finally {
      await shutdownAll();
    }
  });
});
