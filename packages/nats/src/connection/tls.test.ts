import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { createTestContext } from '../../../exporters/src/testing/create-context.ts';
import { makeCertificates, opensslSkipReason } from '../../../exporters/src/testing/tls-fixtures.ts';
import { natsServerSkipReason, startNatsServer, waitFor } from '../testing/nats-server.test-support.ts';
import { type NatsConnectionConfig, natsConnectionConfig } from './config.ts';
import { NatsConnector } from './connect.ts';

function parse(value: unknown): NatsConnectionConfig {
  const problems: Problem[] = [];
  const config = natsConnectionConfig.parse(value, 'exporters.nats', problems);
  assert.deepEqual(problems, []);
  return config as NatsConnectionConfig;
}

test('mutual TLS: the tls block (ca_file, cert_file, key_file) connects; without a client certificate the server refuses', {
  skip: natsServerSkipReason() || (await opensslSkipReason()),
}, async () => {
  const certificates = await makeCertificates();
  const server = await startNatsServer({
    config: `tls { cert_file: ${JSON.stringify(certificates.serverCert)}, key_file: ${JSON.stringify(certificates.serverKey)}, ca_file: ${JSON.stringify(certificates.ca)}, verify: true, timeout: 5 }`,
  });
  const { context, lines } = createTestContext('nats/tls');
  const good = new NatsConnector(
    parse({
      servers: [server.url],
      tls: { ca_file: certificates.ca, cert_file: certificates.clientCert, key_file: certificates.clientKey },
    }),
    context,
  );
  const noClientCertificate = new NatsConnector(
    parse({ servers: [server.url], tls: { ca_file: certificates.ca }, reconnect_wait: '50ms' }),
    context,
  );
  try {
    const connection = await good.ready(20_000);
    assert.equal(connection.isClosed(), false);
    await connection.flush();
    noClientCertificate.start();
    await waitFor(
      () => lines.some((line) => line.includes('Cannot connect to NATS')),
      'the refused connection to be logged',
    );
    assert.throws(() => noClientCertificate.connection(), /Not connected to NATS/);
  } finally {
    await good.close();
    await noClientCertificate.close();
    await server.stop();
    await certificates.remove();
  }
});
