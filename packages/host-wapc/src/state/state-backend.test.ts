// The `state` option: `file` by default, a registered backend's own options beside `backend`,
// and an unknown backend named with the ones known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Problem, s } from '@wasmpipe/core';
import { type StateBackend, StateConfigSchema } from './state-backend.ts';
import { StateStore } from './state-store.ts';

const memory: StateBackend<{ bucket: string }> = {
  name: 'memory_test',
  config: s.object({ bucket: s.string({ nonEmpty: true }) }),
  open: async () => {
    throw new Error('not opened in this test');
  },
};

function parse(value: unknown, backends: StateBackend[] = [memory]) {
  const problems: Problem[] = [];
  const parsed = new StateConfigSchema(backends).parse(value, 'processors.wasm/x.state', problems);
  return { parsed, problems };
}

describe('state config', () => {
  it('is the file backend by default, with or without a path', () => {
    assert.deepEqual(parse({}).parsed, { backend: 'file' });
    assert.deepEqual(parse({ path: 'a.state' }).parsed, { backend: 'file', path: 'a.state' });
    assert.deepEqual(parse({ backend: 'file', path: 'a.state' }).parsed, { backend: 'file', path: 'a.state' });
  });

  it("checks a registered backend's options with its schema", () => {
    assert.deepEqual(parse({ backend: 'memory_test', bucket: 'b' }).parsed, {
      backend: 'memory_test',
      options: { bucket: 'b' },
    });
    const { parsed, problems } = parse({ backend: 'memory_test', path: 'x' });
    assert.equal(parsed, undefined);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      ['processors.wasm/x.state.path', 'processors.wasm/x.state.bucket'],
    );
  });

  it('names the known backends when the backend is unknown', () => {
    const { parsed, problems } = parse({ backend: 'nats_kv' }, []);
    assert.equal(parsed, undefined);
    assert.equal(problems[0]?.path, 'processors.wasm/x.state.backend');
    assert.match(problems[0]?.message ?? '', /unknown state backend "?nats_kv"?; known backends here: file/);
  });

  it('the file store is a PluginStateStore whose close writes nothing without a path', async () => {
    const { getPlatform, silentLogger } = await import('@wasmpipe/core');
    const store = await StateStore.open({ platform: getPlatform(), logger: silentLogger });
    store.set('k', new Uint8Array([1]));
    await store.close();
    assert.deepEqual(store.get('k'), new Uint8Array([1]));
  });
});
