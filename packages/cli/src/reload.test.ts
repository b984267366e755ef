// SIGHUP: `wasmpipe run` reads its config again. An invalid config is logged with the problem's
// location and the running pipelines carry on; an unchanged one restarts nothing; a changed one
// replaces the pipelines after draining them, and the counters carry on.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeMetricsRequest } from '@wasmpipe/exporters';
import { eventually, freeLoopbackPort, startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-reload-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

function batch(value: number) {
  return encodeMetricsRequest({
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'reload-test' } },
        scopeMetrics: [
          {
            scope: { name: 'reload-test' },
            metrics: [
              {
                name: 'reload.value',
                data: {
                  type: 'gauge',
                  dataPoints: [{ attributes: {}, timeUnixNano: 1n, value, isInteger: true }],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

const config = (port: number, file: string) => `
collectors:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
exporters:
  file:
    path: ${file}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics: { collectors: [otlp], exporters: [file] }
`;

/** Posts one point; resolves with the HTTP status. */
async function post(port: number, value: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/metrics`, {
    method: 'POST',
    body: batch(value),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  await response.arrayBuffer();
  return response.status;
}

describe('wasmpipe run: SIGHUP reloads the config', () => {
  it('keeps the old pipelines on an invalid config, and swaps in a valid changed one', async () => {
    const port = await freeLoopbackPort();
    const path = join(directory, 'pipeline.yaml');
    const first = join(directory, 'first.jsonl');
    const second = join(directory, 'second.jsonl');
    await writeFile(path, config(port, first));
    const wasmpipe = startWasmpipe(['run', '--config', path, '--log-format', 'json']);
    try {
      await wasmpipe.waitFor(/Everything is ready/);
      const admin = await wasmpipe.adminUrl();
      assert.equal(await post(port, 1), 200);

      // Invalid: an unknown option. The error names its location; the old pipeline still takes data.
      await writeFile(path, config(port, first).replace('path:', 'pathh:'));
      wasmpipe.child.kill('SIGHUP');
      await wasmpipe.waitFor(/the new config is not valid/);
      assert.match(wasmpipe.stderr(), /exporters\.file\.pathh/);
      assert.equal(await post(port, 2), 200);
      assert.equal((await fetch(`${admin}/readyz`)).status, 200);

      // Unchanged (the invalid file put back as it was): nothing restarts.
      await writeFile(path, config(port, first));
      wasmpipe.child.kill('SIGHUP');
      await wasmpipe.waitFor(/the config is unchanged/);

      // Valid and changed: the file exporter now writes elsewhere.
      await writeFile(path, config(port, second));
      wasmpipe.child.kill('SIGHUP');
      await wasmpipe.waitFor(/the new config is running/);
      await eventually(async () => (await post(port, 3).catch(() => 0)) === 200, 'the new pipeline to take data');

      const components = (await (await fetch(`${admin}/components`)).json()).components;
      assert.equal(components.otlp['wasmpipe.collector.accepted{signal=metrics}'], 3, 'counters carry on');

      wasmpipe.child.kill('SIGTERM');
      assert.equal(await wasmpipe.exited(), 0, wasmpipe.stderr());
      const values = async (file: string) =>
        [...(await readFile(file, 'utf8')).matchAll(/"asInt":"?(\d+)/g)].map((match) => Number(match[1]));
      assert.deepEqual(await values(first), [1, 2], 'the old pipeline drained what it took');
      assert.deepEqual(await values(second), [3]);
    } finally {
      if (wasmpipe.child.exitCode === null) wasmpipe.child.kill('SIGKILL');
    }
  });
});
