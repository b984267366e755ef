// `wasmpipe tap`: a running `wasmpipe run` with the redact plugin masking the `state` attribute of
// host metrics, tapped through its admin endpoint by a second wasmpipe process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  freeLoopbackPort,
  REDACT_WASM,
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
  wasm/redact:
    path: ${REDACT_WASM}
    config: { attributes: [state], mask: "<hidden>" }
exporters:
  debug: { verbosity: basic }
admin: { endpoint: "${admin}" }
pipelines:
  metrics: { collectors: [host_metrics], processors: [wasm/redact], exporters: [debug] }
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

/** Every `state` attribute value of the data points in one OTLP/JSON line. */
function states(line: string): string[] {
  const request = JSON.parse(line) as {
    resourceMetrics: {
      scopeMetrics: {
        metrics: Record<
          string,
          { dataPoints: { attributes?: { key: string; value: { stringValue?: string } }[] }[] }
        >[];
      }[];
    }[];
  };
  const values: string[] = [];
  for (const resource of request.resourceMetrics)
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics)
        for (const data of Object.values(metric))
          for (const point of data.dataPoints ?? [])
            for (const attribute of point.attributes ?? [])
              if (attribute.key === 'state') values.push(attribute.value.stringValue ?? '');
  return values;
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
    const processor = startWasmpipe(['tap', 'wasm/redact', '--admin', admin, '--format', 'json']);
    const collector = startWasmpipe(['tap', 'host_metrics', '--admin', admin, '--format', 'json']);
    try {
      const after = (await firstLines(processor, 2)).flatMap(states);
      const before = (await firstLines(collector, 2)).flatMap(states);
      assert.ok(before.includes('user') && before.includes('idle'), `the collector emits cpu states: ${before}`);
      assert.ok(after.length > 0, 'the processor passes the points on');
      assert.deepEqual(new Set(after), new Set(['<hidden>']), 'the plugin masked every state');
      assert.match(processor.stderr(), /Tapping wasm\/redact at 127\.0\.0\.1:\d+/);
    } finally {
      processor.child.kill('SIGINT');
      collector.child.kill('SIGINT');
    }
    assert.equal(await processor.exited(), 0, processor.stderr());
    assert.equal(await collector.exited(), 0, collector.stderr());
  });

  it('prints text like the debug exporter, and ends with the instance', async () => {
    const tap = startWasmpipe(['tap', 'wasm/redact', '--admin', admin]);
    await tap.waitFor(/system\.memory\.usage .*state="?<hidden>/, 20_000);
    assert.match(tap.stdout(), /Metrics: 1 resource\(s\), \d+ metric\(s\), \d+ data point\(s\)\./);
    assert.doesNotMatch(tap.stdout(), /state="?(user|idle|used|free)/);
    const unknown = startWasmpipe(['tap', 'wasm/nothing', '--admin', admin]);
    assert.equal(await unknown.exited(), 1);
    assert.match(unknown.stderr(), /No component "wasm\/nothing" can be tapped at [^;]+; known: .*wasm\/redact/);

    instance.child.kill('SIGTERM');
    assert.equal(await instance.exited(), 0, instance.stderr());
    assert.equal(await tap.exited(), 0, tap.stderr());
    assert.match(tap.stderr(), /The stream ended: the wasmpipe instance stopped\./);

    const gone = startWasmpipe(['tap', 'wasm/redact', '--admin', admin]);
    assert.equal(await gone.exited(), 1);
    assert.match(gone.stderr(), /Cannot reach the admin endpoint at 127\.0\.0\.1:\d+/);
  });
});
