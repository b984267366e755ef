import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  countDataPoints,
  createLogger,
  getPlatform,
  type LogsBatch,
  type MetricsBatch,
  type Problem,
  type ProcessorContext,
  type Signal,
  Telemetry,
} from '@wasmpipe/core';
import { sha256Hex } from '../plugin/validate-module.ts';
import { FILTER_WASM_URL, readFilterWasm, sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import { buildGuestImporting, buildTestGuest } from '../testing/guests.ts';
import { wasmProcessor } from './definition.ts';
import { resolvePath } from './resolve-path.ts';

const ID = 'wasm/filter';
let directory = '';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-host-wapc-'));
  await writeFile(join(directory, 'trap.wasm'), buildTestGuest('trap'));
  await writeFile(join(directory, 'unchanged.wasm'), buildTestGuest('unchanged'));
  await writeFile(join(directory, 'metrics-only.wasm'), buildTestGuest('unchanged', ['metrics']));
  await writeFile(join(directory, 'imports-env.wasm'), buildGuestImporting('env', 'abort'));
  await writeFile(join(directory, 'not-wasm.wasm'), '#!/bin/sh\n');
});
after(() => rm(directory, { recursive: true, force: true }));

function parseConfig(input: unknown) {
  const problems: Problem[] = [];
  const config = wasmProcessor.config.parse(input, `processors.${ID}`, problems);
  return { config, problems };
}

async function start(input: unknown, signal: Signal = 'metrics') {
  const { config, problems } = parseConfig(input);
  assert.deepEqual(problems, []);
  const telemetry = new Telemetry();
  const lines: string[] = [];
  const received: (MetricsBatch | LogsBatch)[] = [];
  const context: ProcessorContext = {
    id: ID,
    signal,
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    telemetry: telemetry.forComponent(ID),
    platform: getPlatform(),
    configDirectory: directory,
  };
  const next = {
    consumeMetrics: async (batch: MetricsBatch) => void received.push(batch),
    consumeLogs: async (batch: LogsBatch) => void received.push(batch),
  };
  const processor = await wasmProcessor.create(config!, context, next);
  const count = (name: string) => telemetry.value(ID, name, signal);
  return { processor, received, lines, count };
}

const filterPath = fileURLToPath(FILTER_WASM_URL);

describe('wasm processor config', () => {
  it('applies defaults and requires path', () => {
    assert.deepEqual(parseConfig({ path: 'filter.wasm' }).config, { path: 'filter.wasm', on_error: 'pass' });
    assert.deepEqual(parseConfig({}).problems, [{ path: `processors.${ID}.path`, message: 'is required' }]);
    assert.match(
      parseConfig({ path: 'x.wasm', sha256: 'abc', on_error: 'retry' })
        .problems.map((p) => p.message)
        .join('\n'),
      /64 hexadecimal[\s\S]*one of pass, drop/,
    );
  });

  it('validates the file: existence, magic bytes, sha256 pin and imports', async () => {
    const validate = async (input: Record<string, unknown>) =>
      wasmProcessor.validate?.(parseConfig(input).config!, {
        path: `processors.${ID}`,
        platform: getPlatform(),
        configDirectory: directory,
      });
    assert.deepEqual(await validate({ path: filterPath, sha256: await sha256Hex(await readFilterWasm()) }), []);
    assert.deepEqual(await validate({ path: 'missing.wasm' }), [
      { path: `processors.${ID}.path`, message: `no plugin file at ${directory}/missing.wasm` },
    ]);
    assert.deepEqual(await validate({ path: 'not-wasm.wasm' }), [
      { path: `processors.${ID}.path`, message: `${directory}/not-wasm.wasm is not a WebAssembly module` },
    ]);
    const [pin] = (await validate({ path: filterPath, sha256: '0'.repeat(64) })) ?? [];
    assert.equal(pin?.path, `processors.${ID}.sha256`);
    const [imports] = (await validate({ path: 'imports-env.wasm' })) ?? [];
    assert.match(imports?.message ?? '', /imports "env\.abort"/);
  });

  it('resolves relative paths against the config directory', () => {
    assert.equal(resolvePath('/etc/wasmpipe/', './plugins/a.wasm'), '/etc/wasmpipe/plugins/a.wasm');
    assert.equal(resolvePath('/etc/wasmpipe', '/opt/a.wasm'), '/opt/a.wasm');
    assert.equal(resolvePath('C:\\wasmpipe', 'D:\\a.wasm'), 'D:\\a.wasm');
  });
});

describe('wasm processor with the filter plugin', () => {
  it('filters each batch with one guest call and counts items', async () => {
    const { processor, received, count } = await start({ path: filterPath, config: { exclude: ['system.*'] } });
    await processor.consumeMetrics?.(sampleMetricsBatch());
    assert.equal(received.length, 1);
    assert.equal((received[0] as MetricsBatch).resourceMetrics.length, 1);
    assert.equal(count('wasmpipe.plugin.calls'), 1);
    assert.equal(countDataPoints(received[0] as MetricsBatch), 3);
    assert.equal(count('wasmpipe.processor.dropped'), 3);
  });

  it('hands nothing on when every metric was dropped', async () => {
    const { processor, received, count } = await start({ path: filterPath, config: { exclude: ['*'] } });
    await processor.consumeMetrics?.(sampleMetricsBatch());
    assert.equal(received.length, 0);
    assert.equal(count('wasmpipe.processor.dropped'), 6);
  });

  it('fails to start on invalid plugin config or an unsupported signal', async () => {
    await assert.rejects(start({ path: filterPath, config: { exclude: 'x' } }), /must be a list of glob strings/);
    await assert.rejects(start({ path: 'metrics-only.wasm' }, 'logs'), /handles metrics, not logs/);
  });
});

describe('wasm processor failure policy', () => {
  it('on_error pass: a trapping plugin lets the batch through unchanged, logged once', async () => {
    const { processor, received, lines, count } = await start({ path: 'trap.wasm' });
    await processor.consumeMetrics?.(sampleMetricsBatch());
    await processor.consumeMetrics?.(sampleMetricsBatch());
    assert.deepStrictEqual(received, [sampleMetricsBatch(), sampleMetricsBatch()]);
    assert.equal(count('wasmpipe.plugin.traps'), 2);
    assert.equal(count('wasmpipe.plugin.errors'), 2);
    assert.equal(count('wasmpipe.processor.dropped'), 0);
    assert.equal(lines.filter((line) => line.includes('The plugin failed')).length, 1);
  });

  it('on_error drop: a trapping plugin drops the batch and counts it', async () => {
    const { processor, received, count } = await start({ path: 'trap.wasm', on_error: 'drop' }, 'logs');
    await processor.consumeLogs?.(sampleLogsBatch());
    assert.equal(received.length, 0);
    assert.equal(count('wasmpipe.plugin.traps'), 1);
    assert.equal(count('wasmpipe.processor.dropped'), 2);
  });

  it('passes logs through a plugin that answers "unchanged"', async () => {
    const { processor, received, count } = await start({ path: 'unchanged.wasm' }, 'logs');
    await processor.consumeLogs?.(sampleLogsBatch());
    assert.deepStrictEqual(received, [sampleLogsBatch()]);
    assert.equal(count('wasmpipe.processor.dropped'), 0);
  });
});
