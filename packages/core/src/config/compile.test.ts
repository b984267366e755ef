import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../component/registry.ts';
import { getPlatform } from '../platform/index.ts';
import { batchProcessor } from '../processors/batch.ts';
import { manualCollector, recordingExporter, renameProcessor } from '../testing/components.test-support.ts';
import { compileConfig } from './compile.ts';
import { formatProblems } from './problems.ts';
import { parseYaml } from './yaml.ts';

const registry = createRegistry(manualCollector, renameProcessor, batchProcessor, recordingExporter);
const env: Record<string, string> = { PORT: '4318', SUFFIX: '_x' };

async function problemsOf(yaml: string): Promise<string[]> {
  const parsed = parseYaml(yaml, 'test.yaml');
  if (!parsed.ok) return parsed.problems.map((problem) => `${problem.path}: ${problem.message}`);
  const result = await compileConfig(parsed.value, {
    registry,
    platform: getPlatform(),
    configDirectory: '/tmp',
    env: (name) => env[name],
  });
  return result.ok ? [] : formatProblems(result.problems).split('\n');
}

const valid = `
collectors: { manual: {} }
processors: { rename: { suffix: "\${env:SUFFIX}" }, batch: { timeout: 1s } }
exporters: { recording: { delay: 10ms, sending_queue: { queue_size: 5 } } }
pipelines:
  metrics: { collectors: [manual], processors: [rename, batch], exporters: [recording] }
`;

/** Each invalid config beside every message it must produce. */
const invalid: Array<[string, string, string[]]> = [
  ['invalid YAML', 'collectors: { manual: {}\npipelines: [', ['test.yaml:']],
  [
    'unknown top-level section',
    `${valid}\nextras: {}`,
    ['extras: unknown section; expected one of collectors, processors, exporters, pipelines, admin, log'],
  ],
  [
    'unknown component type',
    'collectors: { nginx: {} }\nexporters: { recording: {} }\npipelines: { metrics: { collectors: [nginx], exporters: [recording] } }',
    ['collectors.nginx: unknown collector type "nginx"; known types: manual'],
  ],
  [
    'pipeline naming a missing component',
    'collectors: { manual: {} }\nexporters: { recording: {} }\npipelines: { metrics: { collectors: [manual, other], exporters: [recording, otlp] } }',
    [
      'pipelines.metrics.collectors[1]: no collector "other" is defined under collectors',
      'pipelines.metrics.exporters[1]: no exporter "otlp" is defined under exporters',
    ],
  ],
  [
    'wrong option types, all reported at once',
    'collectors: { manual: { label: 3 } }\nprocessors: { batch: { send_batch_size: -1, timeout: soon } }\nexporters: { recording: { fail: "yes" } }\npipelines: { metrics: { collectors: [manual], processors: [batch], exporters: [recording] } }',
    [
      'collectors.manual.label: expected a string, got number 3',
      'processors.batch.send_batch_size: must be at least 1, got -1',
      'processors.batch.timeout: expected a duration such as "10s" or "250ms", got "soon"',
      'exporters.recording.fail: expected true or false, got "yes"',
    ],
  ],
  [
    'unknown option and missing required option',
    'collectors: { manual: { lable: x } }\nprocessors: { rename: {} }\nexporters: { recording: {} }\npipelines: { metrics: { collectors: [manual], processors: [rename], exporters: [recording] } }',
    ['collectors.manual.lable: unknown option; known options: label', 'processors.rename.suffix: is required'],
  ],
  [
    'processor that does not handle the signal',
    'collectors: { manual: {} }\nprocessors: { rename: { suffix: a } }\nexporters: { recording: {} }\npipelines: { logs: { collectors: [manual], processors: [rename], exporters: [recording] } }',
    ['pipelines.logs.processors[0]: processor "rename" does not handle logs; it handles metrics'],
  ],
  [
    'pipeline id without a signal, and a pipeline without exporters',
    'collectors: { manual: {} }\nexporters: { recording: {} }\npipelines: { traces: { collectors: [manual], exporters: [recording] }, metrics: { collectors: [manual] } }',
    [
      'pipelines.traces: a pipeline id starts with its signal (metrics, logs), as in "metrics" or "metrics/nginx"',
      'pipelines.metrics.exporters: is required',
    ],
  ],
  ['no pipelines at all', 'collectors: { manual: {} }', ['pipelines: at least one pipeline is required']],
  [
    'unset environment variable',
    'collectors: { manual: { label: "${env:NOT_SET}" } }\nexporters: { recording: {} }\npipelines: { metrics: { collectors: [manual], exporters: [recording] } }',
    ['collectors.manual.label: environment variable NOT_SET is not set; set it or write ${env:NOT_SET:-default}'],
  ],
  [
    'bad sending queue, bad admin endpoint, bad log level',
    `${valid}\nadmin: { endpoint: localhost }\nlog: { level: loud }`.replace('queue_size: 5', 'queue_size: 0'),
    [
      'exporters.recording.sending_queue.queue_size: must be at least 1, got 0',
      'admin.endpoint: expected host:port such as "127.0.0.1:13133", got "localhost"',
      'log.level: expected one of debug, info, warn, error, got "loud"',
    ],
  ],
  [
    'bad delivery options, reported together',
    `${valid}`.replace(
      'sending_queue: { queue_size: 5 }',
      'sending_queue: { storage: file, on_full: drop_everything }, retry_on_failure: { initial_interval: 1m, max_interval: 10s, randomization_factor: 2 }',
    ),
    [
      'exporters.recording.sending_queue.on_full: expected one of block, drop_oldest, drop_newest, drop, got "drop_everything"',
      'exporters.recording.retry_on_failure.randomization_factor: must be at most 1, got 2',
    ],
  ],
  [
    'a directory without file storage; retry intervals crossed',
    `${valid}`.replace(
      'sending_queue: { queue_size: 5 }',
      'sending_queue: { directory: /tmp/q }, retry_on_failure: { initial_interval: 1m, max_interval: 10s }',
    ),
    [
      'exporters.recording.sending_queue.directory: is only used with storage: file',
      'exporters.recording.retry_on_failure.initial_interval: must not be longer than max_interval (10000ms), got 60000ms',
    ],
  ],
  [
    'file storage without a directory',
    `${valid}`.replace('sending_queue: { queue_size: 5 }', 'sending_queue: { storage: file }'),
    ['exporters.recording.sending_queue.directory: is required when storage is file'],
  ],
  [
    'component id with bad characters',
    `${valid}`.replace('collectors: { manual: {} }', 'collectors: { "Manual!": {} }'),
    ['collectors.Manual!: a component id is'],
  ],
];

describe('compileConfig', () => {
  it('compiles a valid config with env substitution, defaults and sending queue', async () => {
    const parsed = parseYaml(valid, 'valid.yaml');
    assert.ok(parsed.ok);
    const result = await compileConfig(parsed.value, {
      registry,
      platform: getPlatform(),
      configDirectory: '/tmp',
      env: (name) => env[name],
    });
    assert.ok(result.ok, result.ok ? '' : formatProblems(result.problems));
    assert.deepEqual(result.config.processors.get('rename')?.config, { suffix: '_x' });
    assert.deepEqual(result.config.processors.get('batch')?.config, { send_batch_size: 8192, timeout: 1000 });
    assert.deepEqual(result.config.exporters.get('recording')?.config, { delay: 10, fail: false });
    assert.deepEqual(result.config.exporters.get('recording')?.sendingQueue, {
      queue_size: 5,
      sizer: 'items',
      num_consumers: 2,
      on_full: 'block',
      storage: 'memory',
      directory: undefined,
      fsync: false,
      drain_timeout: 10_000,
    });
    assert.deepEqual(result.config.exporters.get('recording')?.retry, {
      enabled: true,
      initial_interval: 5000,
      max_interval: 30_000,
      max_elapsed_time: 300_000,
      multiplier: 1.5,
      randomization_factor: 0.5,
    });
    assert.deepEqual(result.config.pipelines, [
      {
        id: 'metrics',
        signal: 'metrics',
        collectors: ['manual'],
        processors: ['rename', 'batch'],
        exporters: ['recording'],
      },
    ]);
  });

  for (const [name, yaml, expected] of invalid) {
    it(`reports ${name}`, async () => {
      const problems = await problemsOf(yaml);
      assert.ok(problems.length >= expected.length, `expected problems, got: ${problems.join(' | ')}`);
      for (const message of expected) {
        assert.ok(
          problems.some((problem) => problem.startsWith(message)),
          `missing "${message}" in:\n${problems.join('\n')}`,
        );
      }
    });
  }
});
