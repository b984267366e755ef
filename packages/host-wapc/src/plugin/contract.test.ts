import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse, validate } from '@apexlang/core';
import { CommonRules } from '@apexlang/core/src/rules.js';
import { CONTRACT_VERSION, isCompatibleContract } from './contract.ts';

const IDL_URL = new URL('../../../../contracts/wasmpipe.apexlang', import.meta.url);

interface Named {
  kind: string;
  name?: { value: string };
}

async function loadContract() {
  const source = await readFile(IDL_URL, 'utf8');
  const document = parse(source, undefined, { noLocation: true, noSource: true });
  return { source, document, errors: validate(document, ...CommonRules) };
}

describe('contracts/wasmpipe.apexlang', () => {
  it('parses and passes the Apex validation rules', async () => {
    const { errors } = await loadContract();
    assert.deepEqual(
      errors.map((error) => error.message),
      [],
    );
  });

  it('carries the version this host speaks', async () => {
    const { source } = await loadContract();
    assert.match(source, new RegExp(`@version\\(value: "${CONTRACT_VERSION.replaceAll('.', '\\.')}"`));
  });

  it('defines the plugin operations, the host functions and the batch types', async () => {
    const { document } = await loadContract();
    const definitions = document.definitions as unknown as (Named & { operations?: Named[]; fields?: Named[] })[];
    const byName = new Map(definitions.map((definition) => [definition.name?.value, definition]));
    const operations = (name: string) => byName.get(name)?.operations?.map((operation) => operation.name?.value);
    assert.deepEqual(operations('Plugin'), ['describe', 'configure', 'process_metrics', 'process_logs']);
    assert.deepEqual(operations('Host'), ['log', 'metric', 'state_get', 'state_set', 'state_delete', 'clock']);
    for (const type of [
      'MetricsBatch',
      'LogsBatch',
      'Metric',
      'DataPoints',
      'HistogramValue',
      'ExponentialHistogramValue',
      'SummaryValue',
    ]) {
      assert.equal(byName.get(type)?.kind, 'TypeDefinition', type);
    }
    assert.equal(
      byName.get('Metric')?.fields?.[0]?.name?.value,
      'name',
      'a plugin reads the name first and skips the rest',
    );
  });
});

describe('isCompatibleContract', () => {
  it('accepts the same major from the oldest compatible version up to its own', () => {
    assert.equal(isCompatibleContract('0.2.0'), true);
    assert.equal(isCompatibleContract('0.2.9'), true);
    assert.equal(isCompatibleContract('0.1.0'), false, 'older than the oldest compatible version');
    assert.equal(isCompatibleContract('0.3.0'), false, 'newer than the host');
    assert.equal(isCompatibleContract('1.2.0'), false, 'another major');
    assert.equal(isCompatibleContract('two'), false);
  });
});
