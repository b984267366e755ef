import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPlatform, type Problem } from '@wasmpipe/core';
import { hostMetricsCollector } from './factory.ts';
import { SCRAPER_NAMES } from './scrapers/index.ts';

const PATH = 'collectors.host_metrics';

function parse(input: unknown) {
  const problems: Problem[] = [];
  const config = hostMetricsCollector.config.parse(input, PATH, problems);
  return { config, problems };
}

describe('host_metrics config', () => {
  it('defaults to cpu and memory every 10s after 1s, reading /proc', () => {
    const { config, problems } = parse({});
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      collection_interval: 10_000,
      initial_delay: 1_000,
      root_path: '',
      scrapers: {
        cpu: {
          metrics: {
            'system.cpu.time': { enabled: true },
            'system.cpu.utilization': { enabled: false },
            'system.cpu.logical.count': { enabled: false },
            'system.cpu.physical.count': { enabled: false },
            'system.cpu.frequency': { enabled: false },
            'system.cpu.limit': { enabled: true },
          },
        },
        memory: {
          metrics: {
            'system.memory.usage': { enabled: true },
            'system.memory.utilization': { enabled: false },
            'system.linux.memory.available': { enabled: false },
            'system.memory.limit': { enabled: false },
          },
          used_calculation: 'total_minus_available',
        },
      },
      naming: 'otel_contrib',
      resource_detection: { detectors: ['system'] },
      cgroup_limits: 'auto',
    });
  });

  it('runs only the scrapers named, and takes an empty YAML value (null) as defaults', () => {
    const { config, problems } = parse({
      collection_interval: '30s',
      scrapers: { cpu: { metrics: { 'system.cpu.utilization': { enabled: true } } }, memory: null },
    });
    assert.deepEqual(problems, []);
    assert.equal(config?.collection_interval, 30_000);
    assert.equal(config?.scrapers.cpu?.metrics['system.cpu.utilization'].enabled, true);
    assert.equal(config?.scrapers.cpu?.metrics['system.cpu.time'].enabled, true);
    assert.equal(config?.scrapers.memory?.metrics['system.memory.usage'].enabled, true);
    const cpuOnly = parse({ scrapers: { cpu: {} } });
    assert.equal(cpuOnly.config?.scrapers.memory, undefined);
  });

  const invalid: Array<[string, unknown, Problem[]]> = [
    [
      'a zero interval',
      { collection_interval: '0s' },
      [{ path: `${PATH}.collection_interval`, message: 'must be at least 1ms, got "0s"' }],
    ],
    [
      'a misspelt scraper',
      { scrapers: { cpus: {} } },
      [{ path: `${PATH}.scrapers.cpus`, message: `unknown option; known options: ${SCRAPER_NAMES.join(', ')}` }],
    ],
    [
      'a misspelt metric',
      { scrapers: { cpu: { metrics: { 'system.cpu.usage': { enabled: true } } } } },
      [
        {
          path: `${PATH}.scrapers.cpu.metrics.system.cpu.usage`,
          message:
            'unknown option; known options: system.cpu.time, system.cpu.utilization, system.cpu.logical.count, system.cpu.physical.count, system.cpu.frequency, system.cpu.limit',
        },
      ],
    ],
    [
      'a non-boolean enabled, and an unknown used_calculation, together',
      {
        scrapers: {
          memory: { metrics: { 'system.memory.limit': { enabled: 'yes' } }, used_calculation: 'free' },
        },
      },
      [
        {
          path: `${PATH}.scrapers.memory.metrics.system.memory.limit.enabled`,
          message: 'expected true or false, got "yes"',
        },
        {
          path: `${PATH}.scrapers.memory.used_calculation`,
          message: 'expected one of total_minus_available, total_minus_free_buffers_cached, got "free"',
        },
      ],
    ],
  ];
  for (const [name, input, expected] of invalid) {
    it(`reports ${name}`, () => {
      assert.deepEqual(parse(input).problems, expected);
    });
  }

  it('requires at least one scraper, and a root_path holding proc/stat', async () => {
    const { config } = parse({ scrapers: {}, root_path: '/nonexistent-root' });
    const problems = await hostMetricsCollector.validate!(config!, {
      path: PATH,
      platform: getPlatform(),
      configDirectory: '.',
    });
    assert.deepEqual(problems, [
      { path: `${PATH}.scrapers`, message: `must name at least one scraper (${SCRAPER_NAMES.join(', ')})` },
      {
        path: `${PATH}.root_path`,
        message: 'expected a directory holding proc/stat, but /nonexistent-root/proc/stat is not a file',
      },
    ]);
    const valid = parse({ root_path: '/' }).config!;
    assert.deepEqual(
      await hostMetricsCollector.validate!(valid, { path: PATH, platform: getPlatform(), configDirectory: '.' }),
      [],
    );
  });

  it('is a metrics collector of type host_metrics', () => {
    assert.equal(hostMetricsCollector.kind, 'collector');
    assert.equal(hostMetricsCollector.type, 'host_metrics');
    assert.deepEqual(hostMetricsCollector.signals, ['metrics']);
  });
});
