import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsServerSkipReason, startNatsServer } from './nats-server.test-support.ts';

test('the harness starts nats-server with JetStream and restarts it on the same port with the same store', {
  skip: natsServerSkipReason(),
}, async () => {
  const server = await startNatsServer();
  try {
    let connection = await connect({ servers: server.url });
    let manager = await jetstreamManager(connection);
    await manager.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    await connection.close();
    const port = server.port;
    await server.restart();
    assert.equal(server.port, port);
    connection = await connect({ servers: server.url });
    manager = await jetstreamManager(connection);
    const info = await manager.streams.info('HARNESS');
    assert.equal(info.config.name, 'HARNESS');
    await connection.close();
  } finally {
    await server.stop();
  }
});
