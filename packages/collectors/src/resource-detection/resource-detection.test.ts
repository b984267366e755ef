import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createLogger,
  getPlatform,
  type MetricsBatch,
  type Platform,
  type Problem,
  type ProcessorContext,
  Telemetry,
} from '@wasmpipe/core';
import { fixtureEnvironment } from '../host-metrics/test-helpers.ts';
import {
  detectEnvironment,
  detectResource,
  detectSystem,
  hostArch,
  parseOsRelease,
  parseResourceAttributes,
} from './detect.ts';
import { resourceDetectionProcessor } from './processor.ts';

const DEBIAN = readFileSync(new URL('./__fixtures__/os-release-debian-12.txt', import.meta.url), 'utf8');

const env = (values: Record<string, string>) => (name: string) => values[name];

describe('env detector', () => {
  it('parses OTEL_RESOURCE_ATTRIBUTES with percent-encoding, skipping malformed pairs', () => {
    assert.deepEqual(
      parseResourceAttributes(
        'service.namespace=shop, deployment.environment = prod,team=a%2Cb%3Dc,bad,=x,k8s.pod.name=%E2%9C%93',
      ),
      {
        'service.namespace': 'shop',
        'deployment.environment': 'prod',
        team: 'a,b=c',
        'k8s.pod.name': '✓',
      },
    );
    assert.deepEqual(parseResourceAttributes(''), {});
    assert.deepEqual(parseResourceAttributes('broken=%E2%9C'), { broken: '%E2%9C' });
  });

  it('lets OTEL_SERVICE_NAME win over service.name in OTEL_RESOURCE_ATTRIBUTES', () => {
    assert.deepEqual(
      detectEnvironment(env({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=a,x=1', OTEL_SERVICE_NAME: 'edge' })),
      {
        'service.name': 'edge',
        x: '1',
      },
    );
    assert.deepEqual(detectEnvironment(env({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=a' })), { 'service.name': 'a' });
  });
});

describe('system detector', () => {
  it('reads host and OS attributes from the host files', () => {
    const { environment } = fixtureEnvironment({
      'sys/kernel/hostname': 'web-1\n',
      'sys/kernel/arch': 'aarch64\n',
      'sys/kernel/osrelease': '6.1.0-18-arm64\n',
      '/etc/machine-id': '3d1219c7c4c5404aaa1f6d2a48adfda4\n',
      '/etc/os-release': DEBIAN,
    });
    assert.deepEqual(detectSystem({ files: environment.files, env: env({}) }), {
      'host.name': 'web-1',
      'host.id': '3d1219c7c4c5404aaa1f6d2a48adfda4',
      'host.arch': 'arm64',
      'os.type': 'linux',
      'os.description': 'Debian GNU/Linux 12 (bookworm) (Linux 6.1.0-18-arm64)',
      'os.name': 'Debian GNU/Linux',
      'os.version': '12',
    });
  });

  it('leaves out what it cannot read, falls back to dbus machine-id and the runtime arch', () => {
    const { environment } = fixtureEnvironment({ '/var/lib/dbus/machine-id': 'abc\n' });
    assert.deepEqual(detectSystem({ files: environment.files, env: env({}), machine: () => 'x64' }), {
      'host.id': 'abc',
      'host.arch': 'amd64',
      'os.type': 'linux',
    });
  });

  it('maps machine names to host.arch and parses quoted os-release values', () => {
    assert.deepEqual(['x86_64', 'aarch64', 'armv7l', 'i686', 'ppc64le', 's390x', 'riscv64'].map(hostArch), [
      'amd64',
      'arm64',
      'arm32',
      'x86',
      'ppc64',
      's390x',
      'riscv64',
    ]);
    assert.deepEqual(parseOsRelease('NAME="Ubuntu"\nVERSION_ID=\'22.04\'\nPRETTY_NAME="A \\"quoted\\" name"\n# c\n'), {
      NAME: 'Ubuntu',
      VERSION_ID: '22.04',
      PRETTY_NAME: 'A "quoted" name',
    });
  });

  it('runs detectors in order, the first to find an attribute winning', () => {
    const { environment } = fixtureEnvironment({ 'sys/kernel/hostname': 'web-1\n' });
    const sources = { files: environment.files, env: env({ OTEL_RESOURCE_ATTRIBUTES: 'host.name=override,a=b' }) };
    assert.equal(detectResource(['env', 'system'], sources)['host.name'], 'override');
    assert.equal(detectResource(['system', 'env'], sources)['host.name'], 'web-1');
    assert.equal(detectResource(['system'], sources)['a'], undefined);
  });
});

describe('resource_detection processor', () => {
  async function run(input: unknown, environment: Record<string, string>, batch: MetricsBatch) {
    const problems: Problem[] = [];
    const config = resourceDetectionProcessor.config.parse(input, 'processors.resource_detection', problems);
    assert.deepEqual(problems, []);
    const platform: Platform = { ...getPlatform(), env: (name) => environment[name] };
    const context: ProcessorContext = {
      id: 'resource_detection',
      logger: createLogger({ write: () => {} }),
      telemetry: new Telemetry().forComponent('resource_detection'),
      platform,
      configDirectory: '.',
      signal: 'metrics',
    };
    const received: MetricsBatch[] = [];
    const processor = await resourceDetectionProcessor.create(config!, context, {
      consumeMetrics: async (output) => void received.push(output),
    });
    await processor.start?.({ platform, logger: context.logger });
    await processor.consumeMetrics!(batch);
    return received[0]!.resourceMetrics.map((resourceMetrics) => resourceMetrics.resource.attributes);
  }

  const batch = (): MetricsBatch => ({
    resourceMetrics: [
      { resource: { attributes: { 'service.name': 'mine', 'process.pid': 7 } }, scopeMetrics: [] },
      { resource: { attributes: {} }, scopeMetrics: [] },
    ],
  });

  it('adds the detected attributes to every resource, overriding by default', async () => {
    const hostName = readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
    const [first, second] = await run({}, { OTEL_SERVICE_NAME: 'edge' }, batch());
    assert.equal(first!['service.name'], 'edge');
    assert.equal(first!['process.pid'], 7);
    assert.equal(first!['host.name'], hostName);
    assert.equal(second!['host.id'], readFileSync('/etc/machine-id', 'utf8').trim());
  });

  it('keeps existing attributes with override: false, and runs only the detectors named', async () => {
    const [first] = await run({ override: false, detectors: ['env'] }, { OTEL_SERVICE_NAME: 'edge' }, batch());
    assert.deepEqual(first, { 'service.name': 'mine', 'process.pid': 7 });
  });
});
