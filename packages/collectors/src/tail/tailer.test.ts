import assert from 'node:assert/strict';
import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rename,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createLogger, Telemetry } from '@wasmpipe/core';
import { Tailer, type TailerOptions } from './tailer.ts';

let directory = '';
const running: Tailer[] = [];

beforeEach(async () => {
  directory = await mkdtemp(`${tmpdir()}/wasmpipe-tail-`);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((tailer) => tailer.shutdown()));
  await rm(directory, { recursive: true, force: true });
});

/** Starts a tailer that polls only when the test says so; returns what it delivered and logged. */
async function startTailer(options: Partial<TailerOptions> = {}) {
  const lines: string[] = [];
  const paths: string[] = [];
  const logs: string[] = [];
  const telemetry = new Telemetry();
  const tailer = new Tailer(
    {
      include: [`${directory}/*.log`],
      startAt: 'beginning',
      pollInterval: 3_600_000,
      maxLogSize: 1024 * 1024,
      forceFlushPeriod: 0,
      fingerprintSize: 1000,
      rotateWait: 3_600_000,
      name: 'tail_test',
      ...options,
    },
    async (batch) => {
      lines.push(...batch.lines);
      paths.push(...batch.lines.map(() => batch.path));
    },
    createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    telemetry.forComponent('tail_test'),
  );
  running.push(tailer);
  await tailer.start();
  const counter = (name: string) => telemetry.value('tail_test', `wasmpipe.tail.${name}`);
  return { tailer, lines, paths, logs, counter };
}

const numbered = (from: number, to: number, prefix = 'line') =>
  Array.from({ length: to - from }, (_, index) => `${prefix} ${from + index}`);
const text = (lines: string[]) => lines.map((line) => `${line}\n`).join('');

describe('Tailer', () => {
  it('starts at the end of files present at start, by default for a first run', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, text(numbered(0, 5)));
    const { tailer, lines } = await startTailer({ startAt: 'end' });
    await tailer.poll();
    assert.deepEqual(lines, []);
    await appendFile(path, text(numbered(5, 8)));
    await tailer.poll();
    assert.deepEqual(lines, numbered(5, 8));
  });

  it('starts at the beginning when asked, and reads files created later from their start', async () => {
    await writeFile(`${directory}/a.log`, text(numbered(0, 3)));
    const { tailer, lines } = await startTailer({ startAt: 'end', include: [`${directory}/*.log`] });
    await writeFile(`${directory}/b.log`, text(numbered(0, 2, 'b')));
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 2, 'b'));

    const second = await startTailer({ startAt: 'beginning', name: 'other', include: [`${directory}/a.log`] });
    await second.tailer.poll();
    assert.deepEqual(second.lines, numbered(0, 3));
  });

  it('holds a partial line until its newline arrives', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, 'first\nsec');
    const { tailer, lines } = await startTailer();
    await tailer.poll();
    assert.deepEqual(lines, ['first']);
    await appendFile(path, 'ond\n');
    await tailer.poll();
    assert.deepEqual(lines, ['first', 'second']);
  });

  it('emits a partial line alone after force_flush_period without growth', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, 'no newline yet');
    const { tailer, lines } = await startTailer({ forceFlushPeriod: 30 });
    await tailer.poll();
    assert.deepEqual(lines, []);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await tailer.poll();
    assert.deepEqual(lines, ['no newline yet']);
    await appendFile(path, 'next\n');
    await tailer.poll();
    assert.deepEqual(lines, ['no newline yet', 'next']);
  });

  it('follows rotation by rename and create: the old file is read to its end, the new one from its start', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, '');
    const { tailer, lines, counter } = await startTailer({ include: [path], rotateWait: 100 });
    // The writer keeps its descriptor across the rename, as nginx does until `nginx -s reopen`.
    const writer = await open(path, 'a');
    await writer.write(text(numbered(0, 10)));
    await tailer.poll();
    await rename(path, `${path}.1`);
    await writer.write(text(numbered(10, 20)));
    await tailer.poll();
    await writer.write(text(numbered(20, 25)));
    await writer.close();
    await writeFile(path, text(numbered(25, 30)));
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 30));
    assert.equal(tailer.files().length, 2, 'the rotated file stays open while it may still grow');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await tailer.poll();
    assert.equal(counter('rotations'), 1);
    assert.equal(tailer.files().length, 1, 'the rotated file is closed once quiet');
  });

  it('follows copytruncate: lines written after the truncation are read once', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, text(numbered(0, 10)));
    const { tailer, lines, counter } = await startTailer({ include: [path] });
    await tailer.poll();
    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    await appendFile(path, text(numbered(10, 30)));
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 30));
    assert.equal(counter('truncations'), 1);
  });

  it('after copytruncate, reads from the copy the lines written after its last read and before the copy', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, text(numbered(0, 10)));
    const { tailer, lines, paths } = await startTailer({ include: [path] });
    await tailer.poll();
    // Lines 10-19 arrive, logrotate copies and truncates before the next poll, then 20-29 arrive.
    await appendFile(path, text(numbered(10, 20)));
    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    await appendFile(path, text(numbered(20, 30)));
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 30));
    assert.deepEqual(paths.slice(10, 20), Array(10).fill(`${path}.1`));
  });

  it('does not read a copy the include pattern also finds: its lines came from the original', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, text(numbered(0, 10)));
    const { tailer, lines } = await startTailer({ include: [`${path}*`] });
    await tailer.poll();
    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    await appendFile(path, text(numbered(10, 15)));
    await tailer.poll();
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 15));
  });

  it('notices copytruncate by content even when the file grew past the old size', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, text(numbered(0, 3, 'old')));
    const { tailer, lines, counter } = await startTailer({ include: [path] });
    await tailer.poll();
    await truncate(path, 0);
    await appendFile(path, text(numbered(0, 10, 'new')));
    await tailer.poll();
    assert.deepEqual(lines, [...numbered(0, 3, 'old'), ...numbered(0, 10, 'new')]);
    assert.equal(counter('truncations'), 1);
  });

  it('reads a deleted and re-created file from its start', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, text(numbered(0, 3)));
    const { tailer, lines } = await startTailer({ rotateWait: 0 });
    await tailer.poll();
    await unlink(path);
    await tailer.poll();
    await writeFile(path, text(numbered(3, 5)));
    await tailer.poll();
    assert.deepEqual(lines, numbered(0, 5));
  });

  it('cuts lines over max_log_size, counts them, and keeps going', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, `${'x'.repeat(5000)}\nafter\n`);
    const { tailer, lines, counter } = await startTailer({ maxLogSize: 100, readChunkSize: 1024 });
    await tailer.poll();
    assert.deepEqual(lines, ['x'.repeat(100), 'after']);
    assert.equal(counter('truncated_lines'), 1);
  });

  it('passes binary junk and invalid UTF-8 through as replaced characters, counted', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, new Uint8Array([0x61, 0x0a, 0x00, 0xff, 0x80, 0x07, 0x0a, 0x62, 0x0a]));
    const { tailer, lines, counter } = await startTailer();
    await tailer.poll();
    assert.deepEqual(lines, ['a', '\u0000\uFFFD\uFFFD\u0007', 'b']);
    assert.equal(counter('invalid_utf8_lines'), 1);
  });

  it('warns once when a followed path becomes a directory, and keeps reading the others', async () => {
    await writeFile(`${directory}/a.log`, 'a1\n');
    await writeFile(`${directory}/b.log`, 'b1\n');
    const { tailer, lines, logs } = await startTailer({ rotateWait: 0 });
    await tailer.poll();
    await unlink(`${directory}/a.log`);
    await mkdir(`${directory}/a.log`);
    await appendFile(`${directory}/b.log`, 'b2\n');
    await tailer.poll();
    await tailer.poll();
    assert.deepEqual(lines.sort(), ['a1', 'b1', 'b2']);
    const warnings = logs.filter((line) => line.includes('is a directory'));
    assert.equal(warnings.length, 1, logs.join('\n'));
    assert.match(warnings[0] ?? '', /a\.log/);
  });

  it('warns once when nothing matches an include pattern, and picks the file up when it appears', async () => {
    const path = `${directory}/later.log`;
    const { tailer, lines, logs } = await startTailer({ include: [path], startAt: 'end' });
    await tailer.poll();
    await tailer.poll();
    assert.equal(logs.filter((line) => line.includes('No file matches')).length, 1);
    await writeFile(path, 'hello\n');
    await tailer.poll();
    assert.deepEqual(lines, ['hello']);
  });

  it('resumes from its checkpoint after a restart: nothing lost, nothing repeated', async () => {
    const path = `${directory}/a.log`;
    const storageDirectory = `${directory}/state`;
    await writeFile(path, text(numbered(0, 5)));
    const first = await startTailer({ storageDirectory, startAt: 'end' });
    await appendFile(path, `${text(numbered(5, 10))}partial`);
    await first.tailer.poll();
    await first.tailer.shutdown();
    assert.deepEqual(first.lines, numbered(5, 10));
    const saved = JSON.parse(await readFile(`${storageDirectory}/tail_test.json`, 'utf8'));
    assert.equal(saved.files[0].offset, Buffer.byteLength(text(numbered(0, 10))));

    await appendFile(path, ` line\n${text(numbered(10, 15))}`);
    const second = await startTailer({ storageDirectory, startAt: 'end' });
    await second.tailer.poll();
    assert.deepEqual(second.lines, ['partial line', ...numbered(10, 15)]);
  });

  it('after a restart, reads the rest of a file rotated while stopped, then the new file', async () => {
    const path = `${directory}/access.log`;
    const storageDirectory = `${directory}/state`;
    await writeFile(path, text(numbered(0, 5)));
    const first = await startTailer({ storageDirectory, include: [path] });
    await first.tailer.poll();
    await first.tailer.shutdown();

    await appendFile(path, text(numbered(5, 8)));
    await rename(path, `${path}.1`);
    await writeFile(path, text(numbered(8, 12)));
    const second = await startTailer({ storageDirectory, include: [path], rotateWait: 0 });
    await second.tailer.poll();
    assert.deepEqual(first.lines, numbered(0, 5));
    assert.deepEqual(
      [...second.lines].sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1])),
      numbered(5, 12),
    );
  });

  it('reads a file whose inode was reused by a different file from its start', async () => {
    const path = `${directory}/a.log`;
    const storageDirectory = `${directory}/state`;
    await writeFile(path, text(numbered(0, 5, 'old')));
    const first = await startTailer({ storageDirectory });
    await first.tailer.poll();
    await first.tailer.shutdown();
    // Same inode, different content: what a recycled inode looks like.
    await writeFile(path, text(numbered(0, 7, 'new')));
    const second = await startTailer({ storageDirectory });
    await second.tailer.poll();
    assert.deepEqual(second.lines, numbered(0, 7, 'new'));
  });

  it('keeps offsets in memory with one error when the storage directory cannot be written', async () => {
    const path = `${directory}/a.log`;
    await writeFile(`${directory}/not-a-directory`, '');
    await writeFile(path, 'one\n');
    const { tailer, lines, logs, counter } = await startTailer({
      storageDirectory: `${directory}/not-a-directory/state`,
    });
    await tailer.poll();
    await appendFile(path, 'two\n');
    await tailer.poll();
    assert.deepEqual(lines, ['one', 'two']);
    const errors = logs.filter((line) => line.includes('Cannot save offsets'));
    assert.equal(errors.length, 1, logs.join('\n'));
    assert.match(errors[0] ?? '', /not-a-directory/);
    assert.ok(counter('checkpoint_errors') >= 1);
  });

  it('emits a held partial line at shutdown when offsets are not saved', async () => {
    await writeFile(`${directory}/a.log`, 'complete\npartial');
    const { tailer, lines } = await startTailer();
    await tailer.poll();
    await tailer.shutdown();
    assert.deepEqual(lines, ['complete', 'partial']);
  });

  it('waits for the handler before reading further (backpressure), in batches', async () => {
    const path = `${directory}/a.log`;
    await writeFile(path, text(numbered(0, 2500)));
    const sizes: number[] = [];
    let release: () => void = () => {};
    const tailer = new Tailer(
      {
        include: [path],
        startAt: 'beginning',
        pollInterval: 3_600_000,
        maxLogSize: 1024,
        forceFlushPeriod: 0,
        fingerprintSize: 1000,
        rotateWait: 3_600_000,
        name: 'backpressure',
        maxBatchLines: 1000,
      },
      async (batch) => {
        sizes.push(batch.lines.length);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      createLogger({ level: 'error', write: () => {} }),
    );
    running.push(tailer);
    await tailer.start();
    const polling = tailer.poll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sizes.length, 1, 'the second batch waits for the first');
    for (let index = 0; index < 3; index++) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await polling;
    assert.deepEqual(
      sizes.reduce((sum, size) => sum + size, 0),
      2500,
    );
    assert.ok(sizes.every((size) => size <= 1000));
  });
});
