import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { processCollector } from './factory.ts';

const PATH = 'collectors.process';

function parse(input: unknown) {
  const problems: Problem[] = [];
  const config = processCollector.config.parse(input, PATH, problems);
  return { config, problems };
}

describe('process collector config', () => {
  it('defaults to nginx from /run/nginx.pid with the nginx set of process metrics', () => {
    const { config, problems } = parse({});
    assert.deepEqual(problems, []);
    assert.equal(config?.pid_file, '/run/nginx.pid');
    assert.equal(config?.process_name, 'nginx');
    assert.equal(config?.discover, false);
    assert.equal(config?.config_path, '/etc/nginx/nginx.conf');
    assert.equal(config?.collection_interval, 10_000);
    assert.equal(config?.workers_count, true);
    const enabled = Object.entries(config!.metrics)
      .filter(([, toggle]) => toggle.enabled)
      .map(([name]) => name);
    assert.deepEqual(enabled, [
      'process.cpu.time',
      'process.memory.usage',
      'process.memory.virtual',
      'process.disk.io',
      'process.threads',
      'process.open_file_descriptors',
      'process.context_switches',
    ]);
  });

  const invalid: Array<[string, unknown, Problem[]]> = [
    ['an empty pid file', { pid_file: '' }, [{ path: `${PATH}.pid_file`, message: 'must not be empty' }]],
    [
      'an unknown naming',
      { naming: 'prometheus' },
      [{ path: `${PATH}.naming`, message: 'expected one of otel_contrib, semconv, got "prometheus"' }],
    ],
    [
      'a misspelt metric',
      { metrics: { 'process.fds': { enabled: true } } },
      [
        {
          path: `${PATH}.metrics.process.fds`,
          message:
            'unknown option; known options: process.cpu.time, process.cpu.utilization, process.memory.usage, process.memory.virtual, process.memory.utilization, process.disk.io, process.disk.operations, process.threads, process.open_file_descriptors, process.context_switches, process.paging.faults',
        },
      ],
    ],
  ];
  for (const [name, input, expected] of invalid) {
    it(`reports ${name}`, () => {
      assert.deepEqual(parse(input).problems, expected);
    });
  }
});
