import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTRACT_VERSION } from '@wasmpipe/host-wapc';
import { checkFixture, loadPlugin, readFixtures, readPlugin } from '../../sdk-assemblyscript/testing/fixtures.ts';

const WASM = new URL('../build/enrich.wasm', import.meta.url);
const fixtures = await readFixtures(new URL('../__fixtures__/', import.meta.url));

describe('enrich fixtures (input -> output through the real host)', () => {
  for (const [name, fixture] of fixtures) {
    it(`${name}: ${fixture.description}`, async () => checkFixture(await readPlugin(WASM), name, fixture));
  }
});

describe('enrich', () => {
  it('describes itself', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM));
    assert.deepEqual(await plugin.describe(), {
      name: 'enrich',
      version: '0.1.0',
      contractVersion: CONTRACT_VERSION,
      signals: ['metrics', 'logs'],
    });
  });

  it('rejects invalid config with a message naming the option', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM));
    const cases: [unknown, RegExp][] = [
      [{ add: {} }, /Unknown option "add"; known options: attributes, lookups, overwrite, resource/],
      [{ resource: ['x'] }, /Option "resource" must be a map of attribute key to value/],
      [{ attributes: { team: { nested: 1 } } }, /Option "attributes\.team" must be a string, number or boolean/],
      [{ lookups: {} }, /Option "lookups" must be a list/],
      [{ lookups: [{ to: 'b', table: {} }] }, /Option "lookups\[0\]\.from" is required/],
      [{ lookups: [{ from: 'a', table: {} }] }, /Option "lookups\[0\]\.to" is required/],
      [{ lookups: [{ from: 'a', to: 'b' }] }, /Option "lookups\[0\]\.table" must be a map/],
      [
        { lookups: [{ from: 'a', to: 'b', table: {}, in: 'scope' }] },
        /Option "lookups\[0\]\.in" must be record or resource/,
      ],
      [{ lookups: [{ from: 'a', to: 'b', table: { x: [1] } }] }, /Option "lookups\[0\]\.table\.x" must be a string/],
      [{ overwrite: 'yes' }, /Option "overwrite" must be true or false/],
    ];
    for (const [config, message] of cases) await assert.rejects(plugin.configure(config), message);
  });
});
