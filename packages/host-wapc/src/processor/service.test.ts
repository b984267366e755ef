// The `wasm` processor inside a real service built from a config: a dead-letter exporter that no
// pipeline lists, config validation of the options and of the plugin's own config (what
// `wasmpipe validate` reports), and a configure error stopping the start.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Consumer,
  compileConfig,
  countDataPoints,
  createLogger,
  defineCollector,
  defineExporter,
  getPlatform,
  type MetricsBatch,
  Registry,
  Service,
  s,
} from '@wasmpipe/core';
import { sampleMetricsBatch } from '../testing/fixtures.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest, CONFIGURE_REJECTION } from '../testing/wat-guests.ts';
import { wasmProcessor } from './definition.ts';

let source: Consumer | undefined;
const sinks = new Map<string, MetricsBatch[]>();

const testSource = defineCollector({
  type: 'test_source',
  description: 'Hands the test a consumer to push batches into.',
  signals: ['metrics'],
  config: s.object({}),
  create: (_config, _context, next) => ({
    start() {
      source = next;
    },
  }),
});

const testSink = defineExporter({
  type: 'test_sink',
  description: 'Keeps what it receives, by exporter id.',
  signals: ['metrics'],
  config: s.object({}),
  create: (_config, context) => {
    const batches: MetricsBatch[] = [];
    sinks.set(context.id, batches);
    return { exportMetrics: async (batch) => void batches.push(batch) };
  },
});

const logsOnlySink = defineExporter({
  type: 'logs_sink',
  description: 'Takes logs only.',
  signals: ['logs'],
  config: s.object({}),
  create: () => ({ exportLogs: async () => {} }),
});

const registry = new Registry([testSource, testSink, logsOnlySink, wasmProcessor]);
let directory = '';
const skip = skipWithoutWat2wasm();

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-service-'));
  if (skip) return;
  await writeFile(join(directory, 'trap.wasm'), await buildGuest({ process: 'trap' }));
  await writeFile(join(directory, 'reject.wasm'), await buildGuest({ configure: 'reject' }));
});
after(() => rm(directory, { recursive: true, force: true }));

function compile(processor: Record<string, unknown>, exporters: Record<string, unknown> = { 'test_sink/main': {} }) {
  return compileConfig(
    {
      collectors: { test_source: {} },
      processors: { 'wasm/plugin': processor },
      exporters,
      pipelines: {
        metrics: { collectors: ['test_source'], processors: ['wasm/plugin'], exporters: ['test_sink/main'] },
      },
    },
    { registry, platform: getPlatform(), configDirectory: directory },
  );
}

describe('wasm processor in a service', { skip }, () => {
  it('dead-letters failed batches to an exporter no pipeline lists, through its queue, counted', async () => {
    const result = await compile(
      { path: 'trap.wasm', on_error: 'dead_letter', dead_letter: 'test_sink/dead' },
      { 'test_sink/main': {}, 'test_sink/dead': {} },
    );
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    const service = new Service(result.config, { platform: getPlatform(), logger: createLogger({ write: () => {} }) });
    await service.start();
    try {
      await source?.consumeMetrics?.(sampleMetricsBatch());
    } finally {
      await service.shutdown();
    }
    const items = countDataPoints(sampleMetricsBatch());
    assert.deepEqual(sinks.get('test_sink/main'), []);
    assert.deepStrictEqual(sinks.get('test_sink/dead'), [sampleMetricsBatch()]);
    const value = (id: string, name: string) => service.telemetry.value(id, name, 'metrics');
    assert.equal(value('wasm/plugin', 'wasmpipe.processor.incoming'), items);
    assert.equal(value('wasm/plugin', 'wasmpipe.processor.outgoing'), 0);
    assert.equal(value('wasm/plugin', 'wasmpipe.plugin.dead_lettered'), items);
    assert.equal(value('test_sink/dead', 'wasmpipe.exporter.sent'), items);
  });

  it('validate reports option rules and dead-letter exporters that are missing or take another signal', async () => {
    const problems = async (processor: Record<string, unknown>, exporters?: Record<string, unknown>) => {
      const result = await compile(processor, exporters);
      return result.ok ? [] : result.problems;
    };
    assert.deepEqual(await problems({ path: 'trap.wasm', on_error: 'dead_letter' }), [
      {
        path: 'processors.wasm/plugin.dead_letter',
        message: 'is required when on_error is dead_letter (an exporter id)',
      },
    ]);
    assert.deepEqual(await problems({ path: 'trap.wasm', on_error: 'dead_letter', dead_letter: 'test_sink/nowhere' }), [
      {
        path: 'processors.wasm/plugin.dead_letter',
        message: 'no exporter "test_sink/nowhere" is defined under exporters',
      },
    ]);
    assert.deepEqual(
      await problems(
        { path: 'trap.wasm', on_error: 'dead_letter', dead_letter: 'logs_sink' },
        { 'test_sink/main': {}, logs_sink: {} },
      ),
      [
        {
          path: 'processors.wasm/plugin.dead_letter',
          message: 'exporter "logs_sink" does not handle metrics, the signal of pipeline metrics',
        },
      ],
    );
    assert.deepEqual(await problems({ path: 'trap.wasm', workers: 0, timeout: '1s' }), [
      {
        path: 'processors.wasm/plugin.timeout',
        message: 'a plugin in the pipeline thread (workers: 0) cannot be stopped; use workers: 1 or more for a timeout',
      },
    ]);
    assert.deepEqual(await problems({ path: 'trap.wasm', reload: true, sha256: 'a'.repeat(64) }), [
      {
        path: 'processors.wasm/plugin.reload',
        message: 'cannot be combined with a sha256 pin: a changed module never matches the pin',
      },
    ]);
  });

  it("validate runs the plugin's configure and reports its own message at .config", async () => {
    const result = await compile({ path: 'reject.wasm', config: { threshold: 'höch' } });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems, [
      {
        path: 'processors.wasm/plugin.config',
        message: `${directory}/reject.wasm: The plugin rejected its config: The plugin failed in configure: ${CONFIGURE_REJECTION}`,
      },
    ]);
  });
});
