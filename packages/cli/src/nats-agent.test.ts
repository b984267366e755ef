// The nats exporter through the binary: examples/agent.yaml validates, and a token or password in
// a config never reaches `validate` output or the log of a run that cannot connect.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

const AGENT_YAML = fileURLToPath(new URL('../../../examples/agent.yaml', import.meta.url));
const TOKEN = 'tok-9c1e55b2-must-never-be-printed';
const PASSWORD = 'pw-0d7f3a91-must-never-be-printed';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nats-cli-'));
});
after(() => rm(directory, { recursive: true, force: true }));

/** A loopback port nobody listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('nats exporter in the wasmpipe binary', () => {
  it('examples/agent.yaml is valid', async () => {
    const run = startWasmpipe(['validate', '--config', AGENT_YAML], { WASMPIPE_QUEUE_DIR: directory });
    assert.equal(await run.exited(), 0, run.stdout() + run.stderr());
    assert.match(run.stdout(), /is valid: 1 pipeline\(s\), 2 collector\(s\), 2 processor\(s\), 1 exporter\(s\)/);
  });

  it('validate never prints a token or a password, valid or not', async () => {
    const bad = join(directory, 'bad.yaml');
    await writeFile(
      bad,
      `collectors: { host_metrics: {} }
exporters:
  nats:
    token: \${env:NATS_TOKEN}
    user: agent
    password: ${PASSWORD}
    servers: [ "nats://agent:${PASSWORD}@127.0.0.1:4222" ]
  nats/second: { token: [ "${TOKEN}" ] }
  nats/third: { password: 12345 }
pipelines: { metrics: { collectors: [host_metrics], exporters: [nats, nats/second, nats/third] } }
`,
    );
    const invalid = startWasmpipe(['validate', '--config', bad], { NATS_TOKEN: TOKEN });
    assert.equal(await invalid.exited(), 1);
    const output = invalid.stdout() + invalid.stderr();
    for (const expected of [
      /exporters\.nats: choose one authentication method; found token and user\/password/,
      /exporters\.nats\.servers\[0\]: must not carry credentials/,
      /exporters\.nats\/second\.token: expected a secret string, got a list/,
      /exporters\.nats\/third\.user: is required with the other of user and password/,
    ]) {
      assert.match(output, expected);
    }
    assert.ok(!output.includes(TOKEN), `the token leaked:\n${output}`);
    assert.ok(!output.includes(PASSWORD), `the password leaked:\n${output}`);
    assert.ok(!output.includes('12345'), `a numeric password leaked:\n${output}`);

    const good = join(directory, 'good.yaml');
    await writeFile(
      good,
      `collectors: { host_metrics: {} }
exporters: { nats: { token: "\${env:NATS_TOKEN}" } }
pipelines: { metrics: { collectors: [host_metrics], exporters: [nats] } }
`,
    );
    const valid = startWasmpipe(['validate', '--config', good], { NATS_TOKEN: TOKEN });
    assert.equal(await valid.exited(), 0, valid.stdout());
    assert.ok(!(valid.stdout() + valid.stderr()).includes(TOKEN));
  });

  it('a run that cannot reach NATS logs the failure without the token, and keeps running', async () => {
    const port = await closedPort();
    const config = join(directory, 'unreachable.yaml');
    await writeFile(
      config,
      `collectors: { host_metrics: { collection_interval: 1s, scrapers: { memory: {} } } }
exporters:
  nats:
    servers: [ "nats://127.0.0.1:${port}" ]
    token: "\${env:NATS_TOKEN}"
    connect_timeout: 500ms
    reconnect_wait: 100ms
    max_reconnect_wait: 200ms
pipelines: { metrics: { collectors: [host_metrics], exporters: [nats] } }
`,
    );
    const run = startWasmpipe(['run', '--config', config], { NATS_TOKEN: TOKEN });
    try {
      await run.waitFor(/Cannot connect to NATS/, 30_000);
      await run.waitFor(/Everything is ready|NATS is not reachable yet/, 30_000);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited();
    }
    const output = run.stdout() + run.stderr();
    assert.match(output, /NATS is not reachable yet; batches queue until it is/);
    assert.ok(!output.includes(TOKEN), `the token leaked:\n${output}`);
  });
});
