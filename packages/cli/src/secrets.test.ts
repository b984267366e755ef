// Secrets in a config (OTLP headers, NGINX Plus API credentials, NATS credentials) never appear in
// the log, in `wasmpipe validate` output (valid or not), or on the admin endpoint, while the real
// binary uses them against a server that refuses them (401), so the failures are logged.
// Table-driven: a new secret-bearing option is one row.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reliabilityCase } from '../../core/src/testing/fuzz.test-support.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
} from '../../nats/src/testing/nats-server.test-support.ts';
import { eventually, startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

/** What a row's config can point at. */
interface Targets {
  /** A server answering 401 to everything, recording the headers it saw. */
  refusingUrl: string;
  refusingHostPort: string;
  /** A nats-server that requires a token none of the rows has (so authentication fails, and is logged). */
  natsUrl: string;
}

/** One option that carries a secret. */
interface SecretRow {
  name: string;
  area: string;
  /** The secret as written in the config (or in the environment, with `env`). */
  secret: string;
  /** The component's section, id and YAML body (indented by 4). */
  section: 'collectors' | 'exporters';
  id: string;
  body: (targets: Targets) => string;
  /** Extra environment for `${env:NAME}` rows. */
  env?: Record<string, string>;
  /** Output that proves the component used the config and failed (logged). */
  failure: RegExp;
  /** A header value the refusing server must have received (proves the secret was really sent). */
  sentHeader?: string;
  /** The config is refused by validate (and run does not start): the message must not quote the secret. */
  refused?: RegExp;
  /** Needs the nats-server binary. */
  nats?: boolean;
}

const ROWS: SecretRow[] = [
  {
    name: 'otlp_http exporter: headers.authorization',
    area: 'exporter',
    secret: 'Bearer otlp-http-s3cr3t-7f1e',
    section: 'exporters',
    id: 'otlp_http',
    body: ({ refusingUrl }) =>
      `endpoint: ${refusingUrl}\n    headers: { authorization: "Bearer otlp-http-s3cr3t-7f1e" }`,
    failure: /401|unauthori[sz]ed|refused|fail/i,
    sentHeader: 'Bearer otlp-http-s3cr3t-7f1e',
  },
  {
    name: 'otlp_http exporter: an api key header from ${env:...}',
    area: 'exporter',
    secret: 'env-api-key-4a9c02',
    section: 'exporters',
    id: 'otlp_http/env',
    body: ({ refusingUrl }) => `endpoint: ${refusingUrl}\n    headers: { x-api-key: "\${env:WASMPIPE_TEST_API_KEY}" }`,
    env: { WASMPIPE_TEST_API_KEY: 'env-api-key-4a9c02' },
    failure: /401|unauthori[sz]ed|refused|fail/i,
    sentHeader: 'env-api-key-4a9c02',
  },
  {
    name: 'otlp_http exporter: credentials in the endpoint URL (refused)',
    area: 'exporter',
    secret: 'url-s3cr3t-52bb',
    section: 'exporters',
    id: 'otlp_http/url',
    body: ({ refusingUrl }) => `endpoint: ${refusingUrl.replace('//', '//wasmpipe:url-s3cr3t-52bb@')}`,
    failure: /carries credentials/,
    // Found by this test: fetch refuses such a URL, and every failed export logged it whole.
    refused: /the metrics endpoint carries credentials \(user:password@host\); send them in headers/,
  },
  {
    name: 'otlp_grpc exporter: headers.authorization (gRPC metadata)',
    area: 'exporter',
    secret: 'Bearer otlp-grpc-s3cr3t-88d1',
    section: 'exporters',
    id: 'otlp_grpc',
    body: ({ refusingHostPort }) =>
      `endpoint: ${refusingHostPort}\n    tls: { insecure: true }\n    headers: { authorization: "Bearer otlp-grpc-s3cr3t-88d1" }`,
    failure: /otlp_grpc[^\n]*(fail|error|unavailable|refused|retry)/i,
  },
  {
    name: 'nginx_plus collector: API credentials (headers.authorization)',
    area: 'collector',
    secret: 'Basic cGx1czpwbHVzLXMzY3IzdA==',
    section: 'collectors',
    id: 'nginx_plus',
    body: ({ refusingUrl }) =>
      `endpoint: ${refusingUrl}/api\n    collection_interval: 1s\n    initial_delay: 0s\n    headers: { authorization: "Basic cGx1czpwbHVzLXMzY3IzdA==" }`,
    failure: /401|unauthori[sz]ed|fail/i,
    sentHeader: 'Basic cGx1czpwbHVzLXMzY3IzdA==',
  },
  {
    name: 'nginx collector: basic-auth credentials in the endpoint URL',
    area: 'collector',
    secret: 'stub-url-s3cr3t-0c3d',
    section: 'collectors',
    id: 'nginx/url',
    // Found by this test: every scrape failure logged the endpoint with its password.
    body: ({ refusingUrl }) =>
      `endpoint: ${refusingUrl.replace('//', '//stub:stub-url-s3cr3t-0c3d@')}/nginx_status\n    collection_interval: 1s\n    initial_delay: 0s`,
    failure: /401|unauthori[sz]ed|fail/i,
    sentHeader: `Basic ${btoa('stub:stub-url-s3cr3t-0c3d')}`,
  },
  {
    name: 'nginx_plus collector: basic-auth credentials in the endpoint URL',
    area: 'collector',
    secret: 'plus-url-s3cr3t-9e7a',
    section: 'collectors',
    id: 'nginx_plus/url',
    body: ({ refusingUrl }) =>
      `endpoint: ${refusingUrl.replace('//', '//plus:plus-url-s3cr3t-9e7a@')}/api\n    collection_interval: 1s\n    initial_delay: 0s`,
    failure: /401|unauthori[sz]ed|fail/i,
    sentHeader: `Basic ${btoa('plus:plus-url-s3cr3t-9e7a')}`,
  },
  {
    name: 'nginx collector: stub_status credentials (headers.authorization)',
    area: 'collector',
    secret: 'Basic c3R1YjpzdHViLXMzY3IzdA==',
    section: 'collectors',
    id: 'nginx',
    body: ({ refusingUrl }) =>
      `endpoint: ${refusingUrl}/nginx_status\n    collection_interval: 1s\n    initial_delay: 0s\n    headers: { authorization: "Basic c3R1YjpzdHViLXMzY3IzdA==" }`,
    failure: /401|unauthori[sz]ed|fail/i,
    sentHeader: 'Basic c3R1YjpzdHViLXMzY3IzdA==',
  },
  {
    name: 'nats exporter: token',
    area: 'exporter',
    secret: 'nats-token-s3cr3t-61f0',
    section: 'exporters',
    id: 'nats',
    body: ({ natsUrl }) => `servers: [${natsUrl}]\n    token: "nats-token-s3cr3t-61f0"\n    connect_timeout: 1s`,
    failure: /authori[sz]ation|violation/i,
    nats: true,
  },
  {
    name: 'nats exporter: user and password',
    area: 'exporter',
    secret: 'nats-password-s3cr3t-3d2e',
    section: 'exporters',
    id: 'nats/user',
    body: ({ natsUrl }) =>
      `servers: [${natsUrl}]\n    user: wasmpipe\n    password: "nats-password-s3cr3t-3d2e"\n    connect_timeout: 1s`,
    failure: /authori[sz]ation|violation/i,
    nats: true,
  },
  {
    name: 'nats exporter: credentials in a server URL (refused)',
    area: 'exporter',
    secret: 'nats-url-s3cr3t-a4c9',
    section: 'exporters',
    id: 'nats/url',
    body: ({ natsUrl }) =>
      `servers: [${natsUrl.replace('//', '//wasmpipe:nats-url-s3cr3t-a4c9@')}]\n    connect_timeout: 1s`,
    failure: /credentials/,
    refused: /servers\[0\]: must not carry credentials/,
    nats: true,
  },
];

/** A whole config around one row: a collector feeding an exporter, debug logging, the admin endpoint. */
function configFor(row: SecretRow, targets: Targets, extraOption = ''): string {
  const component = `  ${row.id}:\n    ${row.body(targets)}${extraOption ? `\n    ${extraOption}` : ''}`;
  const collectors =
    row.section === 'collectors' ? component : '  host_metrics: { collection_interval: 1s, initial_delay: 0s }';
  const exporters =
    row.section === 'exporters'
      ? `${component}\n    retry_on_failure: { initial_interval: 200ms, max_interval: 500ms }`
      : '  debug: { verbosity: basic }';
  const collectorId = row.section === 'collectors' ? row.id : 'host_metrics';
  const exporterId = row.section === 'exporters' ? row.id : 'debug';
  return `collectors:\n${collectors}\nexporters:\n${exporters}\nadmin: { endpoint: 127.0.0.1:0 }\nlog: { level: debug }
pipelines:\n  metrics: { collectors: [${collectorId}], exporters: [${exporterId}] }\n`;
}

describe('secrets never reach the log, validate output or the admin endpoint', () => {
  let directory: string;
  let server: Server;
  const seen: string[] = [];
  let targets: Targets;
  let nats: NatsServer | undefined;
  before(async () => {
    if (natsServerSkipReason() === false) {
      nats = await startNatsServer({ config: 'authorization { token: "the-only-accepted-token" }', jetstream: false });
    }
    directory = await mkdtemp(join(tmpdir(), 'wasmpipe-secrets-'));
    server = createServer((request, response) => {
      for (const value of Object.values(request.headers)) if (typeof value === 'string') seen.push(value);
      request.resume();
      response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    targets = {
      refusingUrl: `http://127.0.0.1:${port}`,
      refusingHostPort: `127.0.0.1:${port}`,
      natsUrl: nats?.url ?? 'nats://127.0.0.1:1',
    };
  });
  after(async () => {
    await nats?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(row.name, { timeout: 90_000, skip: row.nats ? natsServerSkipReason() : false }, async () => {
      await reliabilityCase('sandbox', `secret not leaked: ${row.name}`, `secrets (${row.area})`, async () => {
        const file = join(directory, `${row.id.replace('/', '-')}.yaml`);
        const leaks: string[] = [];
        const scan = (where: string, text: string) => {
          if (text.includes(row.secret)) leaks.push(where);
        };

        // validate, valid config
        await writeFile(file, configFor(row, targets));
        const valid = startWasmpipe(['validate', '--config', file], row.env);
        assert.equal(await valid.exited(), row.refused ? 1 : 0, valid.stdout() + valid.stderr());
        scan('validate output', valid.stdout() + valid.stderr());
        if (row.refused) {
          assert.match(valid.stdout() + valid.stderr(), row.refused);
          const running = startWasmpipe(['run', '--config', file], row.env);
          assert.notEqual(await running.exited(), 0);
          scan('the output of wasmpipe run', running.stdout() + running.stderr());
          assert.deepEqual(leaks, [], `the secret appeared in: ${leaks.join(', ')}`);
          return 'refused by validate and run, without quoting the secret';
        }

        // validate, a config with a problem in the same component
        await writeFile(file, configFor(row, targets, 'not_an_option: 1'));
        const invalid = startWasmpipe(['validate', '--config', file], row.env);
        assert.equal(await invalid.exited(), 1);
        assert.match(invalid.stdout() + invalid.stderr(), /not_an_option/);
        scan('validate output for an invalid config', invalid.stdout() + invalid.stderr());

        // run: the component uses the secret against a server that refuses it
        await writeFile(file, configFor(row, targets));
        const running = startWasmpipe(['run', '--config', file], row.env);
        try {
          const admin = await running.adminUrl(30_000);
          await running.waitFor(row.failure, 30_000);
          if (row.sentHeader) await eventually(() => seen.includes(row.sentHeader as string), 'the secret to be sent');
          for (const path of ['/healthz', '/readyz', '/components']) {
            const response = await fetch(`${admin}${path}`);
            scan(`admin ${path}`, await response.text());
          }
        } finally {
          running.child.kill('SIGTERM');
          await running.exited();
        }
        scan('the log of wasmpipe run', running.stdout() + running.stderr());
        assert.deepEqual(leaks, [], `the secret appeared in: ${leaks.join(', ')}`);
        return 'checked: validate (valid, invalid), run log at debug level, /healthz, /readyz, /components';
      });
    });
  }
});
