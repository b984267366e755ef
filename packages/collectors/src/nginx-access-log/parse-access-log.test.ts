import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AccessLogParser } from './parse-access-log.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const lines = (name: string) =>
  fixture(name)
    .split('\n')
    .filter((line) => line !== '');
// 23/Nov/2026:21:59:16 +0000, as captured.
const SECOND = 1795471156n * 1_000_000_000n;

describe('AccessLogParser on lines captured from nginx 1.22', () => {
  it('parses combined lines into semantic-convention attributes', () => {
    const parser = new AccessLogParser('combined');
    const [plain, escaped, post] = lines('combined.log');
    assert.deepEqual(parser.parse(plain as string), {
      timeUnixNano: SECOND,
      attributes: {
        'client.address': '127.0.0.1',
        'http.request.method': 'GET',
        'url.path': '/',
        'network.protocol.version': '1.1',
        'http.response.status_code': 200,
        'http.response.body.size': 48,
        'user_agent.original': 'curl/7.88.1',
      },
    });
    assert.deepEqual(parser.parse(escaped as string)?.attributes, {
      'client.address': '127.0.0.1',
      'http.request.method': 'GET',
      'url.path': '/index.html',
      'url.query': 'a=1&b=%22x%22',
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
      'http.response.body.size': 47,
      'http.request.header.referer': ['http://ref.example/?q=1'],
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) "quoted" \\back',
    });
    assert.equal(parser.parse(post as string)?.attributes['http.request.method'], 'POST');
    assert.equal(parser.parse(post as string)?.attributes['http.response.status_code'], 404);
  });

  it('keeps the method of a WebDAV request as original, the user of basic auth, HTTP/1.0', () => {
    const parser = new AccessLogParser('combined');
    const all = lines('combined.log').map((line) => parser.parse(line)?.attributes);
    const propfind = all.find((attributes) => attributes?.['http.request.method_original'] === 'PROPFIND');
    assert.equal(propfind?.['http.request.method'], '_OTHER');
    const alice = all.find((attributes) => attributes?.['user.name'] === 'alice');
    assert.equal(alice?.['network.protocol.version'], '1.0');
  });

  it('decodes escaped UTF-8 and keeps a request line that is not one as nginx.request', () => {
    const parser = new AccessLogParser('combined');
    const all = lines('combined.log').map((line) => parser.parse(line)?.attributes);
    const cafe = all.find((attributes) => String(attributes?.['url.path']).startsWith('/caf'));
    assert.equal(cafe?.['url.path'], '/caf\u00e9');
    assert.equal(cafe?.['url.query'], 'x="y"');
    assert.equal(cafe?.['user_agent.original'], 't\u00e9st\tx');
    const garbage = all.filter((attributes) => attributes?.['http.response.status_code'] === 400);
    assert.deepEqual(
      garbage.map((attributes) => attributes?.['nginx.request']),
      ['GARBAGE\u0001\uFFFD', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\uFFFD\u0003\u0003'],
    );
    assert.ok(garbage.every((attributes) => attributes?.['http.request.method'] === undefined));
  });

  it('parses every line of the 26-variable custom format, with upstream lists and $msec time', () => {
    const parser = new AccessLogParser(fixture('custom20.conf'));
    const parsed = lines('custom20.log').map((line) => parser.parse(line));
    assert.ok(parsed.every((draft) => draft !== undefined));
    const mixed = parsed.find((draft) => draft?.attributes['nginx.upstream_status'] === '502, 200');
    assert.deepEqual(mixed, {
      timeUnixNano: 1795471156366n * 1_000_000n,
      attributes: {
        'client.address': '127.0.0.1',
        'client.port': 53414,
        'http.request.method': 'GET',
        'url.path': '/mixed/x',
        'network.protocol.version': '1.1',
        'http.response.status_code': 200,
        'http.response.body.size': 53,
        'http.response.size': 201,
        'http.request.size': 86,
        'http.server.request.duration': 0,
        'user_agent.original': 'curl/7.88.1',
        'server.address': '127.0.0.1',
        'server.port': 18480,
        'nginx.connection': 10,
        'nginx.connection_requests': 1,
        'nginx.upstream_addr': '127.0.0.1:1, 127.0.0.1:18481',
        'nginx.upstream_status': '502, 200',
        'nginx.upstream_connect_time': '-, 0.000',
        'nginx.upstream_header_time': '-, 0.000',
        'nginx.upstream_response_time': '0.000, 0.000',
        'nginx.request_id': '4ade88af5e43e18981e7730a3a24bd60',
      },
    });
    const slow = parsed.find((draft) => draft?.attributes['http.response.status_code'] === 504);
    assert.equal(slow?.attributes['http.server.request.duration'], 1.002);
    const gzipped = parsed.find((draft) => draft?.attributes['nginx.gzip_ratio'] !== undefined);
    assert.equal(gzipped?.attributes['nginx.gzip_ratio'], 1.33);
    const forwarded = parsed.find((draft) => draft?.attributes['http.request.header.x-forwarded-for'] !== undefined);
    assert.deepEqual(forwarded?.attributes['http.request.header.x-forwarded-for'], ['203.0.113.9']);
    const hit = parsed.find((draft) => draft?.attributes['nginx.upstream_cache_status'] === 'HIT');
    assert.equal(hit?.attributes['url.path'], '/good/x');
  });

  it('parses escape=json lines, undoing JSON escapes', () => {
    const parser = new AccessLogParser(fixture('json.conf'));
    const all = lines('json.log').map((line) => parser.parse(line));
    assert.ok(all.every((draft) => draft !== undefined));
    const quoted = all[1];
    assert.equal(quoted?.timeUnixNano, SECOND);
    assert.equal(quoted?.attributes['user_agent.original'], 'Mozilla/5.0 (X11; Linux x86_64) "quoted" \\back');
    assert.equal(quoted?.attributes['http.request.header.referer']?.toString(), 'http://ref.example/?q=1');
    assert.equal(all[0]?.attributes['http.request.header.referer'], undefined, 'empty means unset');
    const cafe = all.find((draft) => String(draft?.attributes['url.path']).startsWith('/caf'));
    assert.equal(cafe?.attributes['url.query'], 'x="y"');
    assert.equal(cafe?.attributes['user_agent.original'], 't\u00e9st\tx');
    assert.equal(all[8]?.attributes['nginx.upstream_response_time'], '0.000, 0.000');
  });

  it('turns a line that does not match into a raw record', () => {
    const parser = new AccessLogParser('combined');
    assert.equal(parser.parse('2026/11/23 21:59:15 [notice] 1#1: not an access log'), undefined);
    assert.deepEqual(parser.record('junk', 5n, false), { observedTimeUnixNano: 5n, body: 'junk', attributes: {} });
    const line = lines('combined.log')[0] as string;
    const record = parser.record(line, 5n, parser.scan(line));
    assert.equal(record.body, line);
    assert.equal(record.timeUnixNano, SECOND);
    assert.equal(record.observedTimeUnixNano, 5n);
  });

  it('takes the most precise time when several time variables are logged', () => {
    const parser = new AccessLogParser('[$time_local] $msec $time_iso8601');
    assert.equal(
      parser.parse('[23/Nov/2026:21:59:16 +0000] 1795471156.391 2026-11-23T21:59:16+00:00')?.timeUnixNano,
      1795471156391n * 1_000_000n,
    );
    assert.equal(new AccessLogParser('$time_local').parse('23/Nov/2026:22:59:16 +0100')?.timeUnixNano, SECOND);
    assert.equal(new AccessLogParser('$time_local|$status').parse('yesterday|200')?.timeUnixNano, undefined);
  });
});
