import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ErrorLogParser,
  entryAttributes,
  splitContext,
  timeZoneOffsetMillis,
  upstreamFailure,
} from './parse-error-log.ts';

const lines = readFileSync(new URL('./__fixtures__/error.log', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const utc = new ErrorLogParser('UTC');

describe('ErrorLogParser on lines captured from nginx 1.22', () => {
  it('parses every captured line', () => {
    assert.equal(lines.length, 64);
    assert.ok(lines.every((line) => utc.parse(line) !== undefined));
  });

  it('reads time, level, pid, tid, connection, message and context of an upstream error', () => {
    const line = lines.find((candidate) => candidate.includes('*8 connect() failed')) as string;
    const entry = utc.parse(line);
    assert.deepEqual(entry, {
      timeUnixNano: 1795471156n * 1_000_000_000n,
      level: 'error',
      pid: 21931,
      tid: 21931,
      connection: 8,
      message: 'connect() failed (111: Connection refused) while connecting to upstream',
      context: {
        client: '127.0.0.1',
        server: 'localhost',
        request: 'GET /bad/x HTTP/1.1',
        upstream: 'http://127.0.0.1:1/bad/x',
        host: '127.0.0.1:18480',
      },
      upstreamFailure: 'connection_refused',
    });
    assert.deepEqual(entryAttributes(entry!), {
      'process.pid': 21931,
      'thread.id': 21931,
      'nginx.connection': 8,
      'client.address': '127.0.0.1',
      'server.address': 'localhost',
      'http.request.method': 'GET',
      'url.path': '/bad/x',
      'network.protocol.version': '1.1',
      'nginx.upstream': 'http://127.0.0.1:1/bad/x',
      'http.request.header.host': ['127.0.0.1:18480'],
      'nginx.upstream.failure': 'connection_refused',
    });
  });

  it('reads a line with no connection and no context', () => {
    const entry = utc.parse(lines[0] as string);
    assert.equal(entry?.level, 'notice');
    assert.equal(entry?.connection, undefined);
    assert.equal(entry?.message, 'using the "epoll" event method');
    assert.deepEqual(entry?.context, {});
  });

  it('keeps a request line that is not one (binary junk) as nginx.request', () => {
    const line = lines.find((candidate) => candidate.includes('*16 client sent invalid method')) as string;
    const entry = utc.parse(line)!;
    assert.equal(entry.context['request'], 'GARBAGE\u0001\uFFFD');
    assert.equal(entryAttributes(entry)['nginx.request'], 'GARBAGE\u0001\uFFFD');
    assert.equal(entry.level, 'info');
  });

  it('classifies upstream failures as nginx words them', () => {
    const reasons = lines.map((line) => utc.parse(line)?.upstreamFailure).filter((reason) => reason !== undefined);
    assert.deepEqual(reasons, [
      'connection_refused',
      'connection_refused',
      'connection_refused',
      'connection_refused',
      'no_live_upstreams',
      'no_live_upstreams',
      'timed_out',
    ]);
    assert.equal(
      upstreamFailure('upstream prematurely closed connection while reading response header from upstream'),
      'prematurely_closed',
    );
    assert.equal(
      upstreamFailure('recv() failed (104: Connection reset by peer) while reading response header from upstream'),
      'connection_reset',
    );
    assert.equal(
      upstreamFailure('connect() failed (113: No route to host) while connecting to upstream'),
      'host_unreachable',
    );
    assert.equal(upstreamFailure('open() "/x" failed (2: No such file or directory)'), undefined);
    assert.equal(upstreamFailure('upstream server temporarily disabled while connecting to upstream'), undefined);
  });

  it('reads nginx local times in the configured zone', () => {
    const line = '2026/11/23 23:59:16 [error] 1#1: x';
    assert.equal(new ErrorLogParser('+02:00').parse(line)?.timeUnixNano, 1795471156n * 1_000_000_000n);
    const local = new ErrorLogParser('local').parse(line)?.timeUnixNano;
    assert.equal(local, BigInt(new Date(2026, 10, 23, 23, 59, 16).getTime()) * 1_000_000n);
    assert.equal(timeZoneOffsetMillis('-0130'), -90 * 60_000);
    assert.throws(() => timeZoneOffsetMillis('Mars/Olympus'), /"Mars\/Olympus" is not local, UTC or an offset/);
  });

  it('refuses lines that do not start like an entry', () => {
    assert.equal(utc.parse('PHP message: continued'), undefined);
    assert.equal(utc.parse('2026/11/23 21:59:16 [loud] 1#1: unknown level'), undefined);
    assert.equal(utc.parse(''), undefined);
  });
});

describe('splitContext', () => {
  it('splits every field nginx appends, quoted ones with commas and quotes inside', () => {
    assert.deepEqual(
      splitContext(
        'x failed, client: ::1, server: a, b, request: "GET /?q=\\"a, b\\" HTTP/1.1", subrequest: "/s", upstream: "fastcgi://unix:/run/php.sock:", host: "h", referrer: "http://r/"',
      ),
      {
        message: 'x failed',
        context: {
          client: '::1',
          server: 'a, b',
          request: 'GET /?q=\\"a, b\\" HTTP/1.1',
          subrequest: '/s',
          upstream: 'fastcgi://unix:/run/php.sock:',
          host: 'h',
          referrer: 'http://r/',
        },
      },
    );
  });

  it('stops the last quoted field at its quote when the stream module goes on after it', () => {
    assert.deepEqual(
      splitContext(
        'connect() failed, client: 1.2.3.4, server: 0.0.0.0:99, upstream: "1.2.3.4:1", bytes from/to client:0/0',
      ),
      {
        message: 'connect() failed',
        context: { client: '1.2.3.4', server: '0.0.0.0:99', upstream: '1.2.3.4:1' },
      },
    );
  });
});
