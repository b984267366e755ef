// The binary's commands and its answers to bad input, run as a child process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, FILTER_WASM, startWasmpipe } from './testing/wasmpipe-process.test-support.ts';
import { version } from './version.ts';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-cli-'));
});
after(() => rm(directory, { recursive: true, force: true }));

async function configFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('wasmpipe', () => {
  it('prints its version and its help', async () => {
    const versionRun = startWasmpipe(['--version']);
    assert.equal(await versionRun.exited(), 0);
    assert.equal(versionRun.stdout().trim(), version);
    const help = startWasmpipe(['--help']);
    assert.equal(await help.exited(), 0);
    assert.match(help.stdout(), /wasmpipe run \[--config FILE\]/);
    const unknown = startWasmpipe(['launch']);
    assert.equal(await unknown.exited(), 2);
    assert.match(unknown.stderr(), /Unknown command "launch"/);
  });

  it('validate lists every problem with its path and exits 1', async () => {
    const notWasm = await configFile('not-wasm.wasm', 'this is text, not WebAssembly');
    const config = await configFile(
      'bad.yaml',
      `
collectors:
  host_metrics: { collection_interval: often }
  no_such_collector: {}
processors:
  wasm/missing: { path: ./does-not-exist.wasm }
  wasm/text: { path: ${notWasm} }
exporters:
  otlp_http: { endpoint: 42 }
pipelines:
  metrics:
    collectors: [host_metrics, nowhere]
    processors: [wasm/missing, wasm/text]
    exporters: [otlp_http]
`,
    );
    const run = startWasmpipe(['validate', '--config', config]);
    assert.equal(await run.exited(), 1);
    const output = run.stdout();
    for (const expected of [
      /collectors\.host_metrics\.collection_interval: expected a duration/,
      /collectors\.no_such_collector: unknown collector type "no_such_collector"/,
      /processors\.wasm\/missing\.path: .*does-not-exist\.wasm/,
      /processors\.wasm\/text\.path: .*not a WebAssembly module/i,
      /exporters\.otlp_http\.endpoint: expected a string, got number 42/,
      /pipelines\.metrics\.collectors\[1\]: no collector "nowhere" is defined under collectors/,
    ]) {
      assert.match(output, expected);
    }
  });

  it('validate reports invalid YAML with its line', async () => {
    const config = await configFile('broken.yaml', 'collectors:\n  host_metrics: {\npipelines: [\n');
    const run = startWasmpipe(['validate', '--config', config]);
    assert.equal(await run.exited(), 1);
    assert.match(run.stdout(), /broken\.yaml:\d+:\d+: invalid YAML/);
  });

  it('validate accepts a good config', async () => {
    const config = await configFile(
      'good.yaml',
      `collectors: { host_metrics: {} }
processors: { wasm/filter: { path: ${FILTER_WASM}, config: { exclude: ["system.cpu.*"] } } }
exporters: { debug: {} }
pipelines: { metrics: { collectors: [host_metrics], processors: [wasm/filter], exporters: [debug] } }
`,
    );
    const run = startWasmpipe(['validate', '--config', config]);
    assert.equal(await run.exited(), 0, run.stdout());
    assert.match(run.stdout(), /is valid: 1 pipeline/);
  });

  it('run refuses an invalid config, starts nothing and exits 1', async () => {
    const config = await configFile(
      'missing.yaml',
      'collectors: { host_metrics: {} }\nexporters: { debug: {} }\npipelines: { metrics: { collectors: [host_metrics], exporters: [otlp_http] } }\n',
    );
    const run = startWasmpipe(['run', '--config', config]);
    assert.equal(await run.exited(), 1);
    assert.match(run.stderr(), /nothing was started/);
    assert.match(run.stderr(), /pipelines\.metrics\.exporters\[0\]: no exporter "otlp_http"/);
    assert.doesNotMatch(run.stderr(), /Everything is ready/);
    const absent = startWasmpipe(['run', '--config', join(directory, 'absent.yaml')]);
    assert.equal(await absent.exited(), 1);
    assert.match(absent.stderr(), /cannot read the config: no such file/);
  });

  it('runs the embedded default: host metrics to the debug exporter, and exits 0 on SIGINT', async () => {
    const run = startWasmpipe(['run'], { OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    await run.waitFor(/system\.cpu\.time/, 20_000);
    assert.match(run.stdout(), /system\.memory\.usage/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited(), 0, run.stderr());
  });

  it('keeps running when the OTLP endpoint is down, retrying, then dropping, logging once and counting every failure', async () => {
    const { createServer } = await import('node:net');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const downPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));

    // max_elapsed_time leaves room for the first attempt: a fresh process's first request can take
    // most of a second on a loaded machine, and a batch already past the limit is dropped unretried.
    const config = await configFile(
      'down.yaml',
      `collectors: { host_metrics: { collection_interval: 100ms, initial_delay: 0s } }
exporters:
  otlp_http:
    endpoint: "http://127.0.0.1:${downPort}"
    timeout: 1s
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms, max_elapsed_time: 3s }
admin: { endpoint: "127.0.0.1:0" }
pipelines: { metrics: { collectors: [host_metrics], exporters: [otlp_http] } }
`,
    );
    const run = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
    await run.waitFor(/Everything is ready/);
    const admin = await run.adminUrl();
    const counters = async () => (await (await fetch(`${admin}/components`)).json()).components;
    await eventually(
      async () => ((await counters()).otlp_http?.['wasmpipe.exporter.send_failed{signal=metrics}'] ?? 0) > 0,
      'a failed send',
    );
    const firstFailed = (await counters()).otlp_http['wasmpipe.exporter.send_failed{signal=metrics}'];
    await eventually(
      async () => (await counters()).otlp_http['wasmpipe.exporter.send_failed{signal=metrics}'] > firstFailed,
      'more failed sends: the collector keeps running',
    );
    run.child.kill('SIGTERM');
    assert.equal(await run.exited(), 0, run.stderr());
    const entries = run
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    const retrying = entries.filter((entry) => /retrying with backoff/.test(entry.message));
    const dropped = entries.filter((entry) => /past max_elapsed_time; the batch was dropped/.test(entry.message));
    assert.equal(retrying.length, 1, `exactly one retry warning expected:\n${run.stderr()}`);
    assert.equal(dropped.length, 1, `exactly one drop error expected, not one per batch:\n${run.stderr()}`);
    assert.equal(dropped[0].level, 'error');
    assert.equal(dropped[0]['component.id'], 'otlp_http');
    assert.match(dropped[0].error, new RegExp(`127\\.0\\.0\\.1:${downPort}`));
    const errors = entries.filter((entry) => entry.level === 'error');
    assert.ok(errors.length <= 2, `the drop, and at most the shutdown's count of what it left:\n${run.stderr()}`);
  });
});
