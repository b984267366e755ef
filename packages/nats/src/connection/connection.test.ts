import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPlatform, type Problem, Secret, substituteEnv } from '@wasmpipe/core';
import { createTestContext } from '../../../exporters/src/testing/create-context.ts';
import { natsServerSkipReason, startNatsServer, waitFor } from '../testing/nats-server.test-support.ts';
import { natsConnectionConfig, validateNatsConnection } from './config.ts';
import { backoffDelay, NatsConnector } from './connect.ts';

const TOKEN = 'tok-3f9a1c7e-never-print-me';
const PASSWORD = 'pw-81d2c4aa-never-print-me';

function parse(value: unknown) {
  const problems: Problem[] = [];
  const config = natsConnectionConfig.parse(value, 'exporters.nats', problems);
  return { config, problems };
}

async function validate(value: unknown): Promise<string[]> {
  const { config, problems } = parse(value);
  if (config === undefined) return problems.map((p) => `${p.path}: ${p.message}`);
  const more = await validateNatsConnection(config, {
    path: 'exporters.nats',
    platform: getPlatform(),
    configDirectory: '.',
  });
  return more.map((p) => `${p.path}: ${p.message}`);
}

test('defaults: one local server, reconnect forever with backoff', () => {
  const { config, problems } = parse({});
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.servers, ['nats://127.0.0.1:4222']);
  assert.equal(config?.max_reconnect_attempts, -1);
  assert.equal(config?.reconnect_wait, 250);
  assert.equal(config?.max_reconnect_wait, 10_000);
});

test('invalid connection configs: every problem with its path, no secret quoted', async () => {
  const cases: [unknown, string][] = [
    [
      { token: TOKEN, user: 'a', password: PASSWORD },
      'exporters.nats: choose one authentication method; found token and user/password',
    ],
    [{ user: 'a' }, 'exporters.nats.password: is required with the other of user and password'],
    [{ password: PASSWORD }, 'exporters.nats.user: is required with the other of user and password'],
    [
      { servers: [`nats://a:${PASSWORD}@127.0.0.1:4222`] },
      'exporters.nats.servers[0]: must not carry credentials; set user and password (or token) instead, so they stay secret',
    ],
    [{ servers: ['http://127.0.0.1:4222'] }, 'exporters.nats.servers[0]: has scheme http; expected nats:// or tls://'],
    [{ servers: [] }, 'exporters.nats.servers: expected at least 1 item(s), got 0'],
    [
      { credentials_file: '/nonexistent/user.creds' },
      'exporters.nats.credentials_file: /nonexistent/user.creds is not a readable file',
    ],
    [{ token: { value: TOKEN } }, 'exporters.nats.token: expected a secret string, got a map'],
    [{ token: '' }, 'exporters.nats.token: must not be empty'],
    [
      { tls: { cert_file: '/nonexistent/c.pem' } },
      'exporters.nats.tls.key_file: is required with the other of cert_file and key_file',
    ],
    [
      { reconnect_wait: '5s', max_reconnect_wait: '1s' },
      'exporters.nats.max_reconnect_wait: must be at least reconnect_wait',
    ],
  ];
  for (const [input, expected] of cases) {
    const lines = await validate(input);
    assert.ok(
      lines.includes(expected),
      `${JSON.stringify(Object.keys(input as object))}: got ${JSON.stringify(lines)}`,
    );
    for (const line of lines) {
      assert.ok(!line.includes(TOKEN) && !line.includes(PASSWORD), `a secret leaked: ${line}`);
    }
  }
});

test('a token from ${env:...} that is all digits stays a secret string', () => {
  const problems: Problem[] = [];
  const substituted = substituteEnv({ token: '${env:NATS_TOKEN}' }, () => '123456789', '', problems);
  const { config } = parse(substituted);
  assert.ok(config?.token instanceof Secret);
  assert.equal(config?.token?.reveal(), '123456789');
  assert.equal(JSON.stringify(config), JSON.stringify({ ...config, token: '[redacted]' }));
  assert.equal(`${config?.token}`, '[redacted]');
});

test('backoff doubles from reconnect_wait up to max_reconnect_wait, plus jitter', () => {
  assert.equal(backoffDelay(0, 100, 1000, 0), 100);
  assert.equal(backoffDelay(3, 100, 1000, 0), 800);
  assert.equal(backoffDelay(10, 100, 1000, 0), 1000);
  for (let i = 0; i < 50; i++) {
    const delay = backoffDelay(1, 100, 1000, 50);
    assert.ok(delay >= 200 && delay <= 250, String(delay));
  }
});

test('token auth: a wrong token fails without the token in any log line or error; the right one connects', {
  skip: natsServerSkipReason(),
}, async () => {
  const server = await startNatsServer({ config: `authorization { token: ${JSON.stringify(TOKEN)} }` });
  const wrongToken = 'wrong-5be0c1d2-never-print-me';
  const { context, lines } = createTestContext('nats/test');
  const wrong = new NatsConnector(
    parse({ servers: [server.url], token: wrongToken, reconnect_wait: '20ms', max_reconnect_wait: '50ms' })
      .config as never,
    context,
  );
  const right = new NatsConnector(parse({ servers: [server.url], token: TOKEN }).config as never, context);
  try {
    wrong.start();
    await waitFor(() => lines.some((line) => line.includes('Cannot connect to NATS')), 'a connection failure log line');
    let thrown = '';
    try {
      wrong.connection();
    } catch (error) {
      thrown = String((error as Error).message);
    }
    assert.match(thrown, /Not connected to NATS at nats:\/\/127\.0\.0\.1:\d+: .*[Aa]uthorization/);
    const connection = await right.ready(20_000);
    assert.equal(connection.isClosed(), false);
    for (const line of [...lines, thrown]) {
      assert.ok(!line.includes(wrongToken) && !line.includes(TOKEN), `a token leaked: ${line}`);
    }
  } finally {
    await wrong.close();
    await right.close();
    await server.stop();
  }
});

test('user/password auth connects; a wrong password leaks into no log line', {
  skip: natsServerSkipReason(),
}, async () => {
  const server = await startNatsServer({
    config: `authorization { user: agent, password: ${JSON.stringify(PASSWORD)} }`,
  });
  const { context, lines } = createTestContext('nats/test');
  const wrong = new NatsConnector(
    parse({ servers: [server.url], user: 'agent', password: 'nope-never-print-me', reconnect_wait: '20ms' })
      .config as never,
    context,
  );
  const right = new NatsConnector(
    parse({ servers: [server.url], user: 'agent', password: PASSWORD }).config as never,
    context,
  );
  try {
    wrong.start();
    await waitFor(() => lines.some((line) => line.includes('Cannot connect to NATS')), 'a connection failure log line');
    await right.ready(20_000);
    for (const line of lines) {
      assert.ok(!line.includes('nope-never-print-me') && !line.includes(PASSWORD), `a password leaked: ${line}`);
    }
  } finally {
    await wrong.close();
    await right.close();
    await server.stop();
  }
});
