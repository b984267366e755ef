import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetricsBatch } from '../../model/metrics.ts';
import { createNodeFileSystem, type FileSystem } from '../../platform/files.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { makeBatch } from '../../testing/components.test-support.ts';
import { encodeValue } from '../batch-codec.ts';
import { type OnFull, SendingQueue, type Taken } from '../sending-queue.ts';
import { FileStorage } from './file-storage.ts';
import { encodeRecord } from './format.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmpipe-file-queue-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const files = createNodeFileSystem();

function open(
  directory: string,
  options: { capacity?: number; onFull?: OnFull; segmentBytes?: number; files?: FileSystem; lines?: string[] } = {},
) {
  const lines = options.lines ?? [];
  const storage = new FileStorage({
    files: options.files ?? files,
    directory,
    logger: createLogger({ format: 'json', write: (line) => lines.push(line) }),
    fsync: false,
    segmentBytes: options.segmentBytes ?? 1024 * 1024,
  });
  const queue = new SendingQueue({
    capacity: options.capacity ?? 1000,
    sizer: 'items',
    onFull: options.onFull ?? 'block',
    storage,
  });
  return { queue, storage, lines };
}

async function newDirectory(): Promise<string> {
  return join(root, `queue-${++counter}`);
}

function name(taken: Taken | undefined): string | undefined {
  assert.ok(taken && 'batch' in taken, `expected a batch, got ${taken && 'error' in taken ? taken.error : taken}`);
  return (taken.batch as MetricsBatch).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name;
}

/** Takes everything queued, marking each sent. */
async function drain(queue: SendingQueue): Promise<Array<string | undefined>> {
  const names: Array<string | undefined> = [];
  while (queue.waiting > 0) {
    const taken = await queue.take();
    names.push(name(taken));
    await queue.release((taken as Taken).entry, 'removed');
  }
  return names;
}

describe('FileStorage', () => {
  it('keeps batches across a restart without close (as after kill -9), exactly and in order', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    const original = makeBatch(['m0'], 3);
    for (let index = 0; index < 5; index++) {
      assert.equal(await first.queue.push('metrics', index === 0 ? original : makeBatch([`m${index}`], 3)), 'accepted');
    }
    const sent = await first.queue.take();
    await first.queue.release((sent as Taken).entry, 'removed');
    // No close: the process dies here.
    await first.storage.abandon();
    const second = open(directory);
    await second.queue.open();
    assert.equal(second.queue.waiting, 4);
    assert.equal(second.queue.size, 12);
    assert.deepEqual(await drain(second.queue), ['m1', 'm2', 'm3', 'm4']);
    await second.storage.abandon();
    const third = open(directory);
    await third.queue.open();
    assert.equal(third.queue.waiting, 0, 'what was sent after the restart is not sent again');
    await third.storage.close();
    const reread = open(await newDirectory());
    await reread.queue.push('metrics', original);
    const taken = await reread.queue.take();
    assert.ok(taken && 'batch' in taken);
    assert.deepEqual(taken.batch, original);
    assert.notEqual(taken.batch, original, 'read back from the file, not the object pushed');
    await reread.storage.close();
  });

  it('marks batches that were handed to a sender before the crash as possible duplicates', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    await first.queue.push('metrics', makeBatch(['in-flight'], 2, 'A'));
    await first.queue.push('metrics', makeBatch(['never-sent'], 2, 'B'));
    await first.queue.take(); // handed out, never released: the process dies mid-export
    await first.storage.abandon();
    const second = open(directory);
    const first2 = await second.queue.take();
    const second2 = await second.queue.take();
    assert.equal(name(first2), 'in-flight');
    assert.equal((first2 as Taken).entry.redelivery, true);
    assert.equal(name(second2), 'never-sent');
    assert.equal((second2 as Taken).entry.redelivery, false);
    await second.storage.abandon();
  });

  it('keeps each batch id across a restart, and still reads records of earlier versions (no id)', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    await first.queue.push('metrics', makeBatch(['same'], 2, 'A'));
    await first.queue.push('metrics', makeBatch(['same'], 2, 'A'));
    const handed = (await first.queue.take()) as Taken;
    const ids = [handed.entry.id];
    await first.queue.release(handed.entry, 'kept');
    await first.storage.abandon();
    // A record as an earlier version wrote it: kind 1, no id.
    const legacy = encodeRecord('metrics', 2, [7], encodeValue(makeBatch(['legacy'], 2, 'C')));
    const segment = (await readdir(directory)).filter((file) => file.startsWith('segment-')).sort()[0] as string;
    const bytes = await readFile(join(directory, segment));
    await writeFile(join(directory, segment), Buffer.concat([bytes, legacy]));

    const second = open(directory);
    const replayed: Taken[] = [];
    while (second.queue.waiting > 0 || replayed.length === 0) {
      const taken = (await second.queue.take()) as Taken;
      replayed.push(taken);
      await second.queue.release(taken.entry, 'removed');
    }
    assert.deepEqual(
      replayed.map((taken) => name(taken)),
      ['same', 'same', 'legacy'],
    );
    ids.push(replayed[1]?.entry.id);
    assert.equal(replayed[0]?.entry.id, ids[0], 'the replayed batch keeps its id');
    assert.match(ids[0] ?? '', /^[0-9a-f]{24}-1$/);
    assert.match(ids[1] ?? '', /^[0-9a-f]{24}-2$/);
    assert.equal(replayed[2]?.entry.id, undefined);
    // New batches of the new run get ids of the new run.
    await second.queue.push('metrics', makeBatch(['new'], 2, 'A'));
    const fresh = (await second.queue.take()) as Taken;
    assert.notEqual(fresh.entry.id?.split('-')[0], ids[0]?.split('-')[0]);
    await second.queue.release(fresh.entry, 'removed');
    await second.queue.closeStorage();
  });

  it('deletes a segment file once everything in it is done, and leaves a clean directory on close', async () => {
    const directory = await newDirectory();
    const { queue } = open(directory, { segmentBytes: 200 });
    for (let index = 0; index < 6; index++) await queue.push('metrics', makeBatch([`m${index}`], 1));
    const segments = (await readdir(directory)).filter((file) => file.startsWith('segment-'));
    assert.ok(segments.length >= 3, `expected several segments, got ${segments.join(', ')}`);
    assert.equal((await drain(queue)).length, 6);
    queue.close();
    await queue.closeStorage();
    assert.deepEqual(await readdir(directory), ['acks.wpq']);
    assert.equal((await readFile(join(directory, 'acks.wpq'))).length, 8, 'only the header is left');
  });

  it('skips a record cut short by a crash, with a warning', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    await first.queue.push('metrics', makeBatch(['whole'], 1));
    await first.storage.abandon();
    const [segment] = (await readdir(directory)).filter((file) => file.startsWith('segment-'));
    const path = join(directory, segment as string);
    const bytes = await readFile(path);
    // Append the first 20 bytes of a copy of the record: a write cut short.
    await writeFile(path, Buffer.concat([bytes, bytes.subarray(8, 28)]));
    const second = open(directory);
    assert.deepEqual(await drain((await openQueue(second)).queue), ['whole']);
    assert.match(second.lines.join('\n'), /write was cut short/);
    await second.storage.close();
  });

  it('skips damaged bytes in the middle of a segment, says so, and delivers the rest', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    for (const label of ['a', 'b', 'c', 'd']) await first.queue.push('metrics', makeBatch([label], 1));
    await first.storage.abandon();
    const [segment] = (await readdir(directory)).filter((file) => file.startsWith('segment-'));
    const path = join(directory, segment as string);
    const bytes = await readFile(path);
    const recordLength = (bytes.length - 8) / 4;
    bytes[8 + recordLength + 30] = (bytes[8 + recordLength + 30] as number) ^ 0xff; // inside record b
    await writeFile(path, bytes);
    const second = open(directory);
    assert.deepEqual(await drain((await openQueue(second)).queue), ['a', 'c', 'd']);
    const errors = second.lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /damaged/);
    assert.equal(errors[0].reason, 'checksum mismatch');
    assert.equal(errors[0].bytes, recordLength);
    await second.storage.close();
  });

  it('sets aside a file that is not a segment and keeps going', async () => {
    const directory = await newDirectory();
    const first = open(directory);
    await first.queue.push('metrics', makeBatch(['kept'], 1));
    await first.storage.abandon();
    await writeFile(join(directory, 'segment-00000000000000000000.wpq'), 'not a queue file');
    const second = open(directory);
    assert.deepEqual(await drain((await openQueue(second)).queue), ['kept']);
    assert.ok((await readdir(directory)).includes('segment-00000000000000000000.wpq.corrupt'));
    assert.match(second.lines.join('\n'), /not a queue segment/);
    await second.storage.close();
  });

  it('with sizer: bytes, counts the exact stored size and refuses what does not fit', async () => {
    const directory = await newDirectory();
    const storage = new FileStorage({ files, directory, logger: createLogger({ write: () => {} }), fsync: false });
    const queue = new SendingQueue({ capacity: 1000, sizer: 'bytes', onFull: 'drop_newest', storage });
    assert.equal(await queue.push('metrics', makeBatch(['a'], 2)), 'accepted');
    const one = queue.size;
    const segment = (await readdir(directory)).find((name) => name.startsWith('segment-')) as string;
    assert.equal((await readFile(join(directory, segment))).length, 8 + 12 + one, 'header + frame + body');
    let accepted = 1;
    while ((await queue.push('metrics', makeBatch(['a'], 2))) === 'accepted') accepted++;
    assert.equal(accepted, Math.floor(1000 / one));
    assert.equal(queue.size, accepted * one);
    await storage.close();
  });

  it('refuses a directory locked by a running process, and takes over a lock left by a dead one', async () => {
    const directory = await newDirectory();
    await files.mkdir(directory);
    const holder = spawn('node', ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => holder.once('spawn', resolve));
      await writeFile(join(directory, 'lock'), `${holder.pid}\n`);
      const blocked = open(directory);
      await assert.rejects(blocked.queue.open(), /is in use by process \d+; each process needs its own directory/);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((resolve) => holder.once('exit', resolve));
    const taken = open(directory);
    await taken.queue.push('metrics', makeBatch(['after'], 1));
    assert.equal((await readFile(join(directory, 'lock'), 'utf8')).trim(), String(process.pid));
    await taken.storage.close();
    assert.ok(!(await readdir(directory)).includes('lock'), 'a clean close releases the lock');
  });

  it('a failed write leaves no partial record: block retries, drop_newest counts it as failed', async () => {
    const directory = await newDirectory();
    let failures = 1;
    const flaky: FileSystem = {
      ...files,
      async open(path, mode) {
        const handle = await files.open(path, mode);
        if (!path.includes('segment-')) return handle;
        return {
          ...handle,
          async append(bytes) {
            if (bytes.length > 8 && failures > 0) {
              failures--;
              await handle.append(bytes.subarray(0, 10));
              throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
            }
            await handle.append(bytes);
          },
        };
      },
    };
    const errors: unknown[] = [];
    const storage = new FileStorage({
      files: flaky,
      directory,
      logger: createLogger({ write: () => {} }),
      fsync: false,
    });
    const queue = new SendingQueue({
      capacity: 100,
      sizer: 'items',
      onFull: 'drop_newest',
      storage,
      onStorageError: (error) => errors.push(error),
    });
    assert.equal(await queue.push('metrics', makeBatch(['lost'], 1)), 'failed');
    assert.equal(await queue.push('metrics', makeBatch(['kept'], 1)), 'accepted');
    assert.equal(errors.length, 1);
    failures = 1;
    await storage.abandon();
    const blockingStorage = new FileStorage({
      files: flaky,
      directory: `${directory}-b`,
      logger: createLogger({ write: () => {} }),
      fsync: false,
    });
    const blocking = new SendingQueue({
      capacity: 100,
      sizer: 'items',
      onFull: 'block',
      storage: blockingStorage,
      storageRetryMs: 10,
    });
    assert.equal(await blocking.push('metrics', makeBatch(['retried'], 1)), 'accepted');
    await blockingStorage.abandon();
    const reopened = open(directory);
    assert.deepEqual(await drain((await openQueue(reopened)).queue), ['kept']);
    assert.equal(reopened.lines.length, 0, 'the partial record was cut off, so nothing is damaged');
    const reopenedBlocking = open(`${directory}-b`);
    assert.deepEqual(await drain((await openQueue(reopenedBlocking)).queue), ['retried']);
    await reopened.storage.close();
    await reopenedBlocking.storage.close();
  });
});

async function openQueue<T extends { queue: SendingQueue }>(opened: T): Promise<T> {
  await opened.queue.open();
  return opened;
}
