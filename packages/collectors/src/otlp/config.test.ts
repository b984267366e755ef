import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { type OtlpReceiverConfig, otlpReceiverConfig, validateOtlpReceiverConfig } from './config.ts';

function check(input: unknown): string[] {
  const problems: Problem[] = [];
  const config = otlpReceiverConfig.parse(input, 'collectors.otlp', problems);
  if (config) problems.push(...validateOtlpReceiverConfig(config, 'collectors.otlp'));
  return problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('otlp receiver config', () => {
  test('defaults: both protocols on loopback at the OTLP ports, 20 MiB bodies, 4 MiB messages', () => {
    const problems: Problem[] = [];
    const config = otlpReceiverConfig.parse({}, 'collectors.otlp', problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      protocols: {
        http: {
          endpoint: '127.0.0.1:4318',
          max_request_body_size: 20 * 1024 * 1024,
          metrics_url_path: '/v1/metrics',
          logs_url_path: '/v1/logs',
        },
        grpc: { endpoint: '127.0.0.1:4317', max_recv_msg_size_mib: 4 },
      },
      max_concurrent_requests: 32,
      max_wait: 1000,
      retry_after: 5000,
    } satisfies OtlpReceiverConfig);
  });

  test('a protocol key without a value turns that protocol on with its defaults, and only it', () => {
    const problems: Problem[] = [];
    const config = otlpReceiverConfig.parse({ protocols: { grpc: null } }, 'collectors.otlp', problems);
    assert.deepEqual(config?.protocols, { grpc: { endpoint: '127.0.0.1:4317', max_recv_msg_size_mib: 4 } });
  });

  const invalid: [string, unknown, string[]][] = [
    ['no protocol', { protocols: {} }, ['collectors.otlp.protocols: must enable at least one protocol (http, grpc)']],
    [
      'one address for both',
      { protocols: { http: { endpoint: ':4318' }, grpc: { endpoint: ':4318' } } },
      [
        'collectors.otlp.protocols.grpc.endpoint: is the same address as protocols.http.endpoint (:4318); give each protocol its own port',
      ],
    ],
    [
      'bad endpoint and sizes',
      {
        protocols: {
          http: { endpoint: 'http://0.0.0.0:4318', max_request_body_size: 0 },
          grpc: { max_recv_msg_size_mib: 'big' },
        },
      },
      [
        'collectors.otlp.protocols.http.endpoint: expected host:port such as "127.0.0.1:4318" (port 0 picks a free port), got "http://0.0.0.0:4318"',
        'collectors.otlp.protocols.http.max_request_body_size: must be at least 1, got 0',
        'collectors.otlp.protocols.grpc.max_recv_msg_size_mib: expected a number, got "big"',
      ],
    ],
    [
      'a path without a slash, a short retry_after, an unknown protocol',
      { protocols: { http: { metrics_url_path: 'v1/metrics' }, thrift: {} }, retry_after: '10ms' },
      [
        'collectors.otlp.protocols.thrift: unknown option; known options: http, grpc',
        'collectors.otlp.protocols.http.metrics_url_path: expected a path starting with "/", got "v1/metrics"',
        'collectors.otlp.retry_after: must be at least 1000ms, got "10ms"',
      ],
    ],
  ];
  for (const [name, input, expected] of invalid) {
    test(`rejects ${name}`, () => assert.deepEqual(check(input), expected));
  }
});
