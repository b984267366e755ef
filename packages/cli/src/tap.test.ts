// `wasmpipe tap`: a running `wasmpipe run` with the filter plugin, tapped through its admin
// endpoint by a second wasmpipe process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FILTER_WASM,
  freeLoopbackPort,
  startWasmpipe,
  type WasmpipeProcess,
} from './testing/wasmpipe-process.test-support.ts';

let directory: string;
let instance: WasmpipeProcess;
let admin: string;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-tap-'));
  admin = `127.0.0.1:${await freeLoopbackPort()}`;
  const config = join(directory, 'tap.yaml');
  await writeFile(
    config,
    `collectors:
  host_metrics: { collection_interval: 200ms, initial_delay: 0s }
processors:
  wasm/filter:
    path: ${FILTER_WASM}
    config: { exclude: ["system.cpu.*"] }
exporters:
  debug: { verbosity: basic }
admin: { endpoint: "${admin}" }
pipelines:
  metrics: { collectors: [host_metrics], processors: [wasm/filter], exporters: [debug] }
`,
  );
  instance = startWasmpipe(['run', '--config', config]);
  await instance.waitFor(/Everything is ready/);
});
after(async () => {
  if (instance.child.exitCode === null) {
    instance.child.kill('SIGKILL');
    await instance.exited();
  }
  await rm(directory, { recursive: true, force: true });
});

function metricNames(line: string): string[] {
  const request = JSON.parse(line) as {
    resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[];
  };
  return request.resourceMetrics.flatMap((resource) =>
    resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
  );
}

async function firstLines(tap: WasmpipeProcess, count: number): Promise<string[]> {
  const pattern = new RegExp(`(^\\{.*\\n){${count}}`, 'm');
  await tap.waitFor(pattern, 20_000);
  return tap
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .slice(0, count);
}

describe('wasmpipe tap', () => {
  it('streams the OTLP/JSON leaving a wasm processor, and what enters it from the collector', async () => {
    const processor = startWasmpipe(['tap', 'wasm/filter', '--admin', admin, '--format', 'json']);
    const collector = startWasmpipe(['tap', 'host_metrics', '--admin', admin, '--format', 'json']);
    try {
      const after = (await firstLines(processor, 2)).flatMap(metricNames);
      const before = (await firstLines(collector, 2)).flatMap(metricNames);
      assert.ok(
        before.some((name) => name.startsWith('system.cpu.')),
        `the collector emits cpu metrics: ${before}`,
      );
      assert.ok(after.includes('system.memory.usage'), `the filter keeps memory metrics: ${after}`);
      assert.ok(!after.some((name) => name.startsWith('system.cpu.')), `the filter drops cpu metrics: ${after}`);
      assert.match(processor.stderr(), /Tapping wasm\/filter at 127\.0\.0\.1:\d+/);
    } finally {
      processor.child.kill('SIGINT');
      collector.child.kill('SIGINT');
    }
    assert.equal(await processor.exited(), 0, processor.stderr());
    assert.equal(await collector.exited(), 0, collector.stderr());
  });

  it('prints text like the debug exporter, and ends with the instance', async () => {
    const tap = startWasmpipe(['tap', 'wasm/filter', '--admin', admin]);
    await tap.waitFor(/system\.memory\.usage/, 20_000);
    assert.match(tap.stdout(), /Metrics: 1 resource\(s\), \d+ metric\(s\), \d+ data point\(s\)\./);
    assert.doesNotMatch(tap.stdout(), /system\.cpu\./);
    const unknown = startWasmpipe(['tap', 'wasm/nothing', '--admin', admin]);
    assert.equal(await unknown.exited(), 1);
    assert.match(unknown.stderr(), /No component "wasm\/nothing" can be tapped at [^;]+; known: .*wasm\/filter/);

    instance.child.kill('SIGTERM');
    assert.equal(await instance.exited(), 0, instance.stderr());
    assert.equal(await tap.exited(), 0, tap.stderr());
    assert.match(tap.stderr(), /The stream ended: the wasmpipe instance stopped\./);

    const gone = startWasmpipe(['tap', 'wasm/filter', '--admin', admin]);
    assert.equal(await gone.exited(), 1);
    assert.match(gone.stderr(), /Cannot reach the admin endpoint at 127\.0\.0\.1:\d+/);
  });
});
