import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPlatform, type Problem } from '@wasmpipe/core';
import { nginxAccessLogCollector } from './factory.ts';

async function problemsOf(input: Record<string, unknown>): Promise<string[]> {
  const problems: Problem[] = [];
  const config = nginxAccessLogCollector.config.parse(input, 'collectors.nginx_access_log', problems);
  if (config) {
    problems.push(
      ...(await nginxAccessLogCollector.validate!(config, {
        path: 'collectors.nginx_access_log',
        platform: getPlatform(),
        configDirectory: '/etc/wasmpipe',
      })),
    );
  }
  return problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('nginx_access_log config', () => {
  it('has defaults for everything but include', async () => {
    const problems: Problem[] = [];
    const config = nginxAccessLogCollector.config.parse({ include: ['/var/log/nginx/access.log'] }, 'c', problems);
    assert.deepEqual(problems, []);
    assert.equal(config?.log_format, 'combined');
    assert.equal(config?.escape, undefined);
    assert.equal(config?.collection_interval, 10_000);
    assert.equal(config?.start_at, 'end');
    assert.equal(config?.logs.enabled, true);
    assert.equal(config?.metrics.enabled, true);
    assert.equal(config?.metrics['nginx.http.response.count'].enabled, true);
    assert.equal(config?.include_file_name, true);
    assert.equal(config?.include_file_path, false);
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['no include', {}, ['collectors.nginx_access_log.include: is required unless discover is true']],
    [
      'discovery of an nginx.conf that is not there',
      { discover: true, config_path: 'missing/nginx.conf' },
      ['collectors.nginx_access_log.config_path: missing/nginx.conf is not a readable file'],
    ],
    [
      'a format nginx would refuse',
      { include: ['a.log'], log_format: 'log_format main escape=xml "$status";' },
      ['collectors.nginx_access_log.log_format: Unknown log format escaping "xml"; expected default, json or none.'],
    ],
    [
      'variables that cannot be split',
      { include: ['a.log'], log_format: '$remote_addr$remote_user' },
      [
        'collectors.nginx_access_log.log_format: The log format puts $remote_addr right before $remote_user with nothing between; their values cannot be told apart. Put a character between them.',
      ],
    ],
    [
      'a bad glob and an unknown metric',
      { include: ['/var/log/[x.log'], metrics: { 'nginx.http.nope': { enabled: false } } },
      [
        'collectors.nginx_access_log.metrics.nginx.http.nope: unknown option; known options: enabled, nginx.http.response.count, nginx.http.response.status, nginx.http.request.time, nginx.http.request.length, nginx.http.request.body_bytes_sent, nginx.http.request.bytes_sent, nginx.http.gzip.ratio, nginx.upstream.connect.time, nginx.upstream.header.time, nginx.upstream.response.time, nginx.upstream.response.length, nginx.upstream.response.status, nginx.upstream.request.count, nginx.upstream.next.count, nginx.cache.responses',
      ],
    ],
    [
      'a glob with an unclosed bracket',
      { include: ['/var/log/[x.log'] },
      ['collectors.nginx_access_log.include[0]: The glob "/var/log/[x.log" has a "[" without its "]".'],
    ],
    [
      'wrong types',
      { include: '/var/log/a.log', escape: 'html', collection_interval: 'often', max_log_size: 'big' },
      [
        'collectors.nginx_access_log.include: expected a list, got "/var/log/a.log"',
        'collectors.nginx_access_log.max_log_size: expected a size such as "1MiB" or "64KiB", got "big"',
        'collectors.nginx_access_log.escape: expected one of default, json, none, got "html"',
        'collectors.nginx_access_log.collection_interval: expected a duration such as "10s" or "250ms", got "often"',
      ],
    ],
  ];
  for (const [name, input, expected] of invalid) {
    it(`reports ${name}`, async () => assert.deepEqual(await problemsOf(input), expected));
  }
});
