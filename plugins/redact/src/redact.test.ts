// The redact plugin (C) through the real host, on Node, Deno and Bun: fixtures of OTLP/JSON in and
// out, the hash mode against an independent SHA-256, config errors, and the raw answers of the
// guest (`{}` for an untouched batch, an error for a malformed one).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { WapcHost } from '@wapc/host';
import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson, parseLogsJson, parseMetricsJson } from '@wasmpipe/exporters';

const logsFromOtlpJson = (json: unknown) => parseLogsJson(JSON.stringify(json)).batch;
const metricsFromOtlpJson = (json: unknown) => parseMetricsJson(JSON.stringify(json)).batch;

import { encodeLogsBatch, WapcPlugin } from '@wasmpipe/host-wapc';

const REDACT_WASM = new URL('../build/redact.wasm', import.meta.url);
const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

let bytes: Uint8Array | undefined;
before(async () => {
  bytes = await readFile(REDACT_WASM).then(
    (buffer) => new Uint8Array(buffer),
    () => undefined,
  );
  if (!bytes) {
    // The build skips the plugin when clang is missing; under CI that already failed the build.
    const message = `${REDACT_WASM.pathname} is missing: clang and lld are needed to build it.`;
    if (process.env['CI']) throw new Error(message);
    console.warn(`${message} Skipping.`);
  }
});

async function plugin(config?: unknown): Promise<WapcPlugin> {
  const loaded = await WapcPlugin.load(bytes as Uint8Array);
  await loaded.configure(config);
  return loaded;
}

function logRecords(batch: LogsBatch) {
  return batch.resourceLogs.flatMap((resource) => resource.scopeLogs.flatMap((scope) => scope.logRecords));
}

async function sha256Token(salt: string, value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(salt + value)));
  return `sha256:${Array.from(digest.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

describe('redact (C) through the host', () => {
  it('describes itself: both signals, contract 0.2', async (context) => {
    if (!bytes) return context.skip('not built');
    const description = await (await WapcPlugin.load(bytes)).describe();
    assert.deepEqual(description, {
      name: 'redact',
      version: '0.1.0',
      contractVersion: '0.2.0',
      signals: ['metrics', 'logs'],
    });
  });

  it('masks IPs, query values, credentials and long secrets in log attributes and bodies, and nothing else', async (context) => {
    if (!bytes) return context.skip('not built');
    const input = logsFromOtlpJson(await fixture('access-logs.otlp.json'));
    const output = await (await plugin()).processLogs(input);
    assert.deepEqual(logsToOtlpJson(output), await fixture('access-logs.masked.otlp.json'));
    const records = logRecords(output);
    // Spot checks of what the fixture holds, so a regenerated fixture cannot hide a regression.
    assert.equal(records[0]?.attributes['client.address'], '[REDACTED]');
    assert.equal(records[0]?.attributes['url.query'], 'user=[REDACTED]&token=[REDACTED]');
    assert.equal(records[0]?.attributes['http.response.status_code'], 200);
    assert.match(
      String(records[1]?.body),
      /^upstream \[REDACTED\]:8080 timed out for client \[REDACTED\] \(request 7f3a\)$/,
    );
    assert.equal(
      records[3]?.body,
      'GET /static/app.0123456789abcdef.js 200 in 12:30:45, nginx 1.24.0, build 3f2a, version 1.2.3.4.5, MAC aa:bb:cc:dd:ee:ff, basic authentication disabled',
      'times, versions, short hex, MAC addresses and prose are not secrets',
    );
    assert.equal(
      records[4]?.body,
      'Authorization: Basic [REDACTED] password: [REDACTED] {"access_token": "[REDACTED]"} digest [REDACTED] key [REDACTED]',
    );
    assert.equal(
      records[4]?.attributes['url.full'],
      'https://api.example.com/v1/items?page=[REDACTED]&apikey=[REDACTED]#top',
    );
    assert.deepEqual(records[2]?.body, {
      event: 'api call',
      detail: 'api_key=[REDACTED] accepted',
      peers: ['[REDACTED]', 42, '[REDACTED]'],
    });
  });

  it('masks client addresses in data point and resource attributes of metrics, leaving the values alone', async (context) => {
    if (!bytes) return context.skip('not built');
    const input = metricsFromOtlpJson(await fixture('clients.metrics.otlp.json'));
    const output: MetricsBatch = await (await plugin()).processMetrics(input);
    assert.deepEqual(metricsToOtlpJson(output), await fixture('clients.metrics.masked.otlp.json'));
    const [requests] = output.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
    assert.deepEqual(
      requests?.data.dataPoints.map((point) => [
        point.attributes['client.address'],
        (point as { value: number }).value,
      ]),
      [
        ['[REDACTED]', 10],
        ['[REDACTED]', 3],
        ['[REDACTED]', 1],
      ],
    );
  });

  it('keeps working batch after batch on one instance (its arena is reset per call)', async (context) => {
    if (!bytes) return context.skip('not built');
    const loaded = await plugin();
    const json = await fixture('access-logs.otlp.json');
    const expected = await fixture('access-logs.masked.otlp.json');
    for (let call = 0; call < 300; call++) {
      assert.deepEqual(logsToOtlpJson(await loaded.processLogs(logsFromOtlpJson(json))), expected, `call ${call}`);
    }
  });

  it('hash mode: salted SHA-256, first 64 bits, the same token in attributes and in bodies', async (context) => {
    if (!bytes) return context.skip('not built');
    const input = logsFromOtlpJson(await fixture('access-logs.otlp.json'));
    const output = await (await plugin({ mode: 'hash', salt: 'pepper' })).processLogs(input);
    const [first, second] = logRecords(output);
    const client = await sha256Token('pepper', '203.0.113.7');
    assert.equal(first?.attributes['client.address'], client);
    assert.equal(
      first?.attributes['url.query'],
      `user=${await sha256Token('pepper', 'ann')}&token=${await sha256Token('pepper', 's3cr3t')}`,
    );
    assert.ok(String(first?.body).startsWith(`${client} - - [14/Nov/2023`), String(first?.body));
    assert.equal(second?.attributes['client.address'], await sha256Token('pepper', '2001:db8::1'));
    assert.notEqual(client, await sha256Token('', '203.0.113.7'), 'the salt changes the token');
  });

  it('follows its config: a custom mask, chosen attributes and patterns', async (context) => {
    if (!bytes) return context.skip('not built');
    const input = logsFromOtlpJson(await fixture('access-logs.otlp.json'));
    const output = await (
      await plugin({ mask: '***', attributes: ['user_agent.original'], query_attributes: [], patterns: ['ipv4'] })
    ).processLogs(input);
    const [first, second] = logRecords(output);
    assert.equal(first?.attributes['user_agent.original'], '***');
    assert.equal(first?.attributes['client.address'], '***', 'an IPv4 value is still found by the ipv4 pattern');
    assert.equal(first?.attributes['url.query'], 'user=ann&token=s3cr3t', 'query values are kept without query');
    assert.equal(second?.attributes['client.address'], '2001:db8::1', 'ipv6 is off');
    assert.match(String(second?.attributes['http.request.header.authorization']), /^Bearer eyJ/);
  });

  it('refuses a bad config with a message naming the option', async (context) => {
    if (!bytes) return context.skip('not built');
    const cases: [unknown, RegExp][] = [
      [{ mode: 'scramble' }, /Option "mode" must be "mask" or "hash"; got "scramble"/],
      [{ colour: 'red' }, /Unknown option "colour"; known options: mode, mask, salt/],
      [{ patterns: ['ipv4', 'credit_card'] }, /Unknown pattern "credit_card"; known patterns: ipv4, ipv6/],
      [{ attributes: 'client.address' }, /Option "attributes" must be a list of strings/],
      [{ min_hex_length: 2 }, /Option "min_hex_length" must be a whole number of at least 8/],
      [['mask'], /The redact config must be a map of options/],
    ];
    const loaded = await WapcPlugin.load(bytes);
    for (const [config, message] of cases) await assert.rejects(loaded.configure(config), message);
  });

  it('answers {} when nothing needed redacting, and an error for a malformed batch', async (context) => {
    if (!bytes) return context.skip('not built');
    const host = await new WapcHost().instantiate(bytes);
    await host.invoke('configure', new Uint8Array([0xc0]));
    const clean: LogsBatch = {
      resourceLogs: [
        {
          resource: { attributes: { 'service.name': 'nginx' } },
          scopeLogs: [
            {
              scope: { name: 'test' },
              logRecords: [
                { observedTimeUnixNano: 1n, body: 'GET /healthz 200', attributes: { 'url.path': '/healthz' } },
              ],
            },
          ],
        },
      ],
    };
    assert.deepEqual([...(await host.invoke('process_logs', encodeLogsBatch(clean)))], [0x80]);
    await assert.rejects(
      host.invoke('process_logs', Uint8Array.of(0x92, 0x90, 0x91, 0x93)),
      /The logs batch is not valid msgpack in the contract's 0\.2 layout\./,
    );
    await assert.rejects(host.invoke('transmogrify', new Uint8Array()), /Unknown operation/);
  });
});
