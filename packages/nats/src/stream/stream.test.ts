import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger, type Problem, WasmpipeError } from '@wasmpipe/core';
import { type NatsServer, natsServerSkipReason, startNatsServer } from '../testing/nats-server.test-support.ts';
import { type StreamConfig, streamConfig, validateStreamConfig } from './config.ts';
import { ensureStream } from './ensure-stream.ts';

const skip = natsServerSkipReason();
let server: NatsServer | undefined;
let connection: NatsConnection | undefined;
const lines: string[] = [];
const logger = createLogger({ write: (line) => lines.push(line) });

function config(input: Record<string, unknown>): StreamConfig {
  const problems: Problem[] = [];
  const parsed = streamConfig.parse(input, 'stream', problems);
  assert.deepEqual(problems, []);
  return parsed as StreamConfig;
}

before(async () => {
  if (skip) return;
  server = await startNatsServer();
  connection = await connect({ servers: server.url });
});
after(async () => {
  await connection?.close();
  await server?.stop();
});

test('defaults and validation of the stream block', () => {
  const defaults = config({});
  assert.equal(defaults.name, 'WASMPIPE');
  assert.equal(defaults.manage, true);
  assert.equal(defaults.duplicate_window, 120_000);
  const problems: Problem[] = [];
  streamConfig.parse({ name: 'a.b' }, 'stream', problems);
  assert.match(problems[0]?.message ?? '', /stream name without/);
  assert.deepEqual(validateStreamConfig(config({ max_age: '1m', duplicate_window: '2m' }), 'stream'), [
    { path: 'stream.duplicate_window', message: 'must not be longer than max_age' },
  ]);
});

test('creates a missing stream with the configured limits, then verifies it unchanged', { skip }, async () => {
  const manager = await jetstreamManager(connection as NatsConnection);
  const wanted = config({
    name: 'CREATE',
    subjects: ['create.>'],
    storage: 'memory',
    max_age: '1h',
    max_bytes: 1_000_000,
    duplicate_window: '30s',
  });
  const created = await ensureStream(manager, wanted, logger);
  assert.equal(created.action, 'created');
  const info = await manager.streams.info('CREATE');
  assert.equal(info.config.storage, 'memory');
  assert.equal(info.config.max_age, 3600e9);
  assert.equal(info.config.max_bytes, 1_000_000);
  assert.equal(info.config.duplicate_window, 30e9);
  assert.deepEqual(info.config.subjects, ['create.>']);
  const again = await ensureStream(manager, wanted, logger);
  assert.equal(again.action, 'verified');
});

test('updates limits JetStream can change and says what differed', { skip }, async () => {
  const manager = await jetstreamManager(connection as NatsConnection);
  await ensureStream(manager, config({ name: 'UPDATE', subjects: ['update.>'], max_age: '1h' }), logger);
  const result = await ensureStream(
    manager,
    config({ name: 'UPDATE', subjects: ['update.>', 'more.>'], max_age: '2h' }),
    logger,
  );
  assert.equal(result.action, 'updated');
  assert.deepEqual(result.differences, [
    'subjects: ["update.>"] -> ["update.>","more.>"]',
    'max_age: 3600000ms -> 7200000ms',
  ]);
  const info = await manager.streams.info('UPDATE');
  assert.equal(info.config.max_age, 7200e9);
  assert.ok(lines.some((line) => line.includes('Updated the JetStream stream') && line.includes('max_age')));
});

test('refuses a storage change with an error that says what differs', { skip }, async () => {
  const manager = await jetstreamManager(connection as NatsConnection);
  await ensureStream(manager, config({ name: 'FIXED', subjects: ['fixed.>'], storage: 'file' }), logger);
  await assert.rejects(
    ensureStream(manager, config({ name: 'FIXED', subjects: ['fixed.>'], storage: 'memory' }), logger),
    (error: unknown) =>
      WasmpipeError.isInstance(error) &&
      error.message.includes(
        'JetStream stream FIXED exists with settings JetStream cannot change (storage: "file" -> "memory")',
      ),
  );
  assert.equal((await manager.streams.info('FIXED')).config.storage, 'file');
});

test('manage: false uses an existing stream without touching it, and fails clearly on a missing one', {
  skip,
}, async () => {
  const manager = await jetstreamManager(connection as NatsConnection);
  await manager.streams.add({ name: 'THEIRS', subjects: ['theirs.>'], max_age: 0 });
  const used = await ensureStream(
    manager,
    config({ name: 'THEIRS', manage: false, subjects: ['theirs.>'], max_age: '1h' }),
    logger,
  );
  assert.equal(used.action, 'used');
  assert.deepEqual(used.differences, ['max_age: 0ms -> 3600000ms']);
  assert.equal((await manager.streams.info('THEIRS')).config.max_age, 0);
  await assert.rejects(
    ensureStream(manager, config({ name: 'MISSING', manage: false }), logger),
    /JetStream stream MISSING does not exist and stream.manage is false/,
  );
  await assert.rejects(manager.streams.info('MISSING'), /stream not found/);
});
