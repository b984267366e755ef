import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTRACT_VERSION } from '@wasmpipe/host-wapc';
import { checkFixture, loadPlugin, readFixtures, readPlugin } from '../../sdk-assemblyscript/testing/fixtures.ts';

const WASM = new URL('../build/transform.wasm', import.meta.url);
const fixtures = await readFixtures(new URL('../__fixtures__/', import.meta.url));

describe('transform fixtures (input -> output through the real host)', () => {
  for (const [name, fixture] of fixtures) {
    it(`${name}: ${fixture.description}`, async () => checkFixture(await readPlugin(WASM), name, fixture));
  }
});

describe('transform', () => {
  it('describes itself', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM));
    assert.deepEqual(await plugin.describe(), {
      name: 'transform',
      version: '0.1.0',
      contractVersion: CONTRACT_VERSION,
      signals: ['metrics', 'logs'],
    });
  });

  it('rejects invalid config with a message naming the option', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM));
    const cases: [unknown, RegExp][] = [
      [
        { rename: {} },
        /Unknown option "rename"; known options: convert_units, move_to_records, move_to_resource, rename_attributes, rename_metrics, rename_resource_attributes, status_range/,
      ],
      [{ rename_metrics: ['a'] }, /Option "rename_metrics" must be a map of old name to new name/],
      [{ rename_attributes: { a: 1 } }, /Option "rename_attributes\.a" must be a name/],
      [{ convert_units: [{ from: 'ms', to: 'By' }] }, /converts "ms" to "By": both must be units of one kind/],
      [
        { convert_units: [{ from: 'ms', to: 's', metrics: 'x' }] },
        /Option "convert_units\[0\]\.metrics" must be a list of metric name globs/,
      ],
      [{ status_range: 'yes' }, /Option "status_range" must be true, or a map with from and to/],
      [{ status_range: { form: 'x' } }, /Unknown option "status_range\.form"/],
      [{ move_to_resource: 'host.name' }, /Option "move_to_resource" must be a list of attribute keys/],
    ];
    for (const [config, message] of cases) await assert.rejects(plugin.configure(config), message);
  });
});
