import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getPlatform, silentLogger } from '@wasmpipe/core';
import { StateStore } from './state-store.ts';

let directory = '';
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-state-'));
});
after(() => rm(directory, { recursive: true, force: true }));

const open = (path?: string) =>
  StateStore.open({ platform: getPlatform(), logger: silentLogger, flushDelayMs: 20, ...(path ? { path } : {}) });

describe('StateStore', () => {
  it('keeps values in memory without a path', async () => {
    const store = await open();
    store.set('a', new Uint8Array([1]));
    assert.deepEqual(store.get('a'), new Uint8Array([1]));
    await store.flush();
    assert.equal(store.size, 1);
  });

  it('persists to its file atomically and loads it again', async () => {
    const path = join(directory, 'plugin.state');
    const first = await open(path);
    first.set('calls', new Uint8Array([4, 0, 0, 0]));
    first.set('gone', new Uint8Array([9]));
    first.delete('gone');
    await first.flush();
    assert.deepEqual((await readdir(directory)).sort(), ['plugin.state'], 'no temporary file is left');
    const second = await open(path);
    assert.deepEqual(second.get('calls'), new Uint8Array([4, 0, 0, 0]));
    assert.equal(second.get('gone'), undefined);
  });

  it('writes shortly after a change without an explicit flush', async () => {
    const path = join(directory, 'delayed.state');
    const store = await open(path);
    store.set('k', new Uint8Array([7]));
    for (let attempt = 0; attempt < 200 && !(await getPlatform().isFile(path)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual((await open(path)).get('k'), new Uint8Array([7]));
  });

  it('refuses a file that is not a state file, naming it', async () => {
    const path = join(directory, 'broken.state');
    await writeFile(path, 'not msgpack at all');
    await assert.rejects(
      open(path),
      new RegExp(`The plugin state file ${path} (cannot be read|is not a map of keys to bytes)`),
    );
  });

  it('enforces key and total size limits', async () => {
    const store = await open();
    assert.throws(() => store.set('', new Uint8Array(0)), /A state key must have 1 to 1024 bytes; this one has 0\./);
    for (let index = 0; index < 16; index++) store.set(`k${index}`, new Uint8Array(1024 * 1024 - 8));
    assert.throws(() => store.set('one-more', new Uint8Array(1024)), /state store is full/);
  });
});
