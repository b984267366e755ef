import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMBINED_LOG_FORMAT, discoverNginx } from './discover.ts';
import type { ConfigFileSystem } from './parse-config.ts';

const fixtures = new URL('./__fixtures__/', import.meta.url).pathname;

/** The real file system seen through a fixture directory, as if it were the root. */
function rootedAt(root: string): ConfigFileSystem {
  return {
    readTextFile: (path) => readFile(join(root, path), 'utf8'),
    readDirectory: (path) => readdir(join(root, path)),
    exists: (path) =>
      stat(join(root, path)).then(
        () => true,
        () => false,
      ),
  };
}

test('finds the status page, logs and pid file of a Debian 12 default config with a status server added', async () => {
  const found = await discoverNginx({ fileSystem: rootedAt(join(fixtures, 'debian')) });
  assert.equal(found.configPath, '/etc/nginx/nginx.conf');
  assert.deepEqual(found.files, [
    '/etc/nginx/nginx.conf',
    '/etc/nginx/modules-enabled/50-mod-stream.conf',
    '/etc/nginx/mime.types',
    '/etc/nginx/conf.d/status.conf',
    '/etc/nginx/sites-enabled/default',
  ]);
  assert.equal(found.pidFile, '/run/nginx.pid');
  assert.equal(found.pidFileConfigured, true);
  assert.deepEqual(
    found.stubStatus.map(({ url, hostHeader, location, file, line }) => ({ url, hostHeader, location, file, line })),
    [
      {
        url: 'http://127.0.0.1:8080/nginx_status',
        hostHeader: 'status.local',
        location: '/nginx_status',
        file: '/etc/nginx/conf.d/status.conf',
        line: 7,
      },
    ],
  );
  assert.deepEqual(found.plusApi, []);
  assert.deepEqual(
    found.accessLogs.map(({ path, format, buffered }) => ({ path, format: format.name, text: format.text, buffered })),
    [{ path: '/var/log/nginx/access.log', format: 'combined', text: COMBINED_LOG_FORMAT, buffered: false }],
  );
  assert.deepEqual(
    found.errorLogs.map(({ path, level }) => ({ path, level })),
    [{ path: '/var/log/nginx/error.log', level: 'error' }],
  );
  assert.deepEqual(found.problems, []);
});

test('reads the corners of the syntax: quotes, escapes, multi-part formats, globs, nested and regex locations', async () => {
  const root = join(fixtures, 'tricky');
  const found = await discoverNginx({ configPath: join(root, 'nginx.conf'), prefix: '/opt/nginx' });
  assert.deepEqual(found.files, [
    join(root, 'nginx.conf'),
    join(root, 'conf.d/10-status.conf'),
    join(root, 'streams/tcp.conf'),
  ]);
  assert.equal(found.pidFile, '/opt/nginx/run/nginx.pid');

  assert.deepEqual(
    found.logFormats['main']?.text,
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
  );
  assert.deepEqual(
    {
      escape: found.logFormats['json']?.escape,
      text: found.logFormats['json']?.text,
      line: found.logFormats['json']?.line,
    },
    {
      escape: 'json',
      text: '{"time":"$time_iso8601","uri":"$request_uri","status":$status,"rt":$request_time}',
      line: 15,
    },
  );
  assert.deepEqual(found.logFormats['quoted name'], {
    name: 'quoted name',
    text: 'a"b\tc \\$literal $status',
    escape: 'none',
    file: join(root, 'nginx.conf'),
    line: 18,
  });

  assert.deepEqual(
    found.stubStatus.map(({ url, hostHeader, socketPath, location }) => ({ url, hostHeader, socketPath, location })),
    [
      {
        url: 'http://127.0.0.1:8080/nginx_status',
        hostHeader: 'localhost',
        socketPath: undefined,
        location: '/nginx_status',
      },
      {
        url: 'http://10.1.2.3/nginx_status',
        hostHeader: 'www.example.org',
        socketPath: undefined,
        location: '/nginx_status',
      },
      {
        url: 'http://10.1.2.3/outer/status',
        hostHeader: 'www.example.org',
        socketPath: undefined,
        location: '/outer/status',
      },
      {
        url: 'http://status.internal/basic_status',
        hostHeader: 'status.internal',
        socketPath: '/run/nginx-status.sock',
        location: '/basic_status',
      },
    ],
  );
  assert.deepEqual(
    found.plusApi.map(({ url, hostHeader, listen }) => ({ url, hostHeader, listen })),
    [
      { url: 'https://127.0.0.1:8081/api', hostHeader: undefined, listen: '8081 ssl default_server' },
      { url: 'https://[::1]:8081/api', hostHeader: undefined, listen: '[::]:8081 ssl' },
    ],
  );

  assert.deepEqual(
    found.accessLogs.map(({ path, format, context, buffered, gzip, conditional }) => ({
      path,
      format: format.name,
      context,
      buffered,
      gzip,
      conditional,
    })),
    [
      {
        path: '/opt/nginx/logs/access.log',
        format: 'main',
        context: 'http',
        buffered: true,
        gzip: false,
        conditional: false,
      },
      {
        path: '/var/log/nginx/json.log',
        format: 'json',
        context: 'http',
        buffered: false,
        gzip: false,
        conditional: false,
      },
      {
        path: '/var/log/nginx/outer.log',
        format: 'upstream_time',
        context: 'http',
        buffered: false,
        gzip: false,
        conditional: true,
      },
      {
        path: '/opt/nginx/logs/stream.log',
        format: 'basic',
        context: 'stream',
        buffered: true,
        gzip: true,
        conditional: false,
      },
    ],
  );
  assert.deepEqual(
    found.errorLogs.map(({ path, level }) => ({ path, level })),
    [
      { path: '/opt/nginx/logs/main-error.log', level: 'warn' },
      { path: '/var/log/nginx/ssl-error.log', level: 'error' },
    ],
  );
  const file = join(root, 'nginx.conf');
  assert.deepEqual(found.problems, [
    `${file}:52: cannot build a URL for "location ~* \\.(png|jpg)$" (a regex or named location)`,
    `${file}:53: cannot build a URL for "location @fallback" (a regex or named location)`,
    `${file}:56: the access log path /var/log/nginx/$host.log has variables; it cannot be followed`,
    `${file}:60: the log format nosuchformat of /var/log/nginx/x.log is not defined`,
  ]);
});

test('a config with a syntax error fails with its file and line', async () => {
  const cases: [string, RegExp][] = [
    ['unterminated-quote.conf', /unterminated-quote\.conf:2: unterminated " quote/],
    ['missing-brace.conf', /missing-brace\.conf:4: unexpected end of file, expecting "}"/],
    ['extra-brace.conf', /extra-brace\.conf:2: unexpected "}"/],
    [
      'missing-semicolon.conf',
      /missing-semicolon\.conf:1: unexpected end of file, expecting ";" or "}" after "worker_processes"/,
    ],
    ['quote-then-letter.conf', /quote-then-letter\.conf:1: unexpected "b" after a quoted string/],
  ];
  for (const [name, message] of cases) {
    await assert.rejects(discoverNginx({ configPath: join(fixtures, 'broken', name) }), message);
  }
});

test('a missing main config is an error naming the path', async () => {
  await assert.rejects(discoverNginx({ configPath: join(fixtures, 'no-such.conf') }), /no-such\.conf/);
});
