import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLogFormat } from './log-format.ts';
import { compileScanner, readValue, unescapeDefault, unescapeJson } from './scanner.ts';

function values(
  format: string,
  line: string,
  escaping?: 'default' | 'json' | 'none',
): (string | undefined)[] | undefined {
  const parsed = parseLogFormat(format, escaping);
  const scanner = compileScanner(parsed);
  const offsets = new Int32Array(2 * parsed.variables.length);
  if (!scanner.scan(line, offsets)) return undefined;
  return parsed.variables.map((_, index) =>
    readValue(line, offsets[2 * index] as number, offsets[2 * index + 1] as number, parsed.escape),
  );
}

describe('compileScanner', () => {
  it('finds the values of a combined line, unset ones as undefined', () => {
    const line =
      '127.0.0.1 - - [23/Nov/2026:21:59:16 +0000] "GET /index.html?a=1 HTTP/1.1" 200 47 "http://ref.example/?q=1" "Mozilla/5.0 \\x22quoted\\x22 \\x5Cback"';
    assert.deepEqual(values('combined', line), [
      '127.0.0.1',
      undefined,
      '23/Nov/2026:21:59:16 +0000',
      'GET /index.html?a=1 HTTP/1.1',
      '200',
      '47',
      'http://ref.example/?q=1',
      'Mozilla/5.0 "quoted" \\back',
    ]);
  });

  it('refuses lines that do not have the shape of the format', () => {
    assert.equal(values('combined', 'not an access log line'), undefined);
    assert.equal(values('combined', '127.0.0.1 - - [x] "GET / HTTP/1.1" 200 1 "-" "-" trailing'), undefined);
    assert.equal(values('[$status]', '[200'), undefined);
    assert.equal(values('', 'anything'), undefined);
    assert.deepEqual(values('', ''), []);
  });

  it('gives the last variable everything up to the final literal', () => {
    assert.deepEqual(values('$status "$http_user_agent"', '200 "a" "b"'), ['200', 'a" "b']);
    assert.deepEqual(values('$status $http_user_agent', '200 spaces in the agent'), ['200', 'spaces in the agent']);
  });

  it('skips separators inside JSON escapes', () => {
    const line = '{"ua":"say \\"hi\\", ok","s":200}';
    assert.deepEqual(values('{"ua":"$http_user_agent","s":$status}', line, 'json'), ['say "hi", ok', '200']);
    assert.deepEqual(values('{"ua":"$http_user_agent","s":$status}', '{"ua":"back\\\\","s":200}', 'json'), [
      'back\\',
      '200',
    ]);
  });

  it('splits adjacent variables when the first is numeric', () => {
    assert.deepEqual(values('$status$request_time|$bytes_sent', '2040.013|512'), ['204', '0.013', '512']);
  });

  it('refuses to compile adjacent variables it cannot split, naming them', () => {
    assert.throws(
      () => compileScanner(parseLogFormat('$remote_addr$remote_user')),
      /\$remote_addr right before \$remote_user/,
    );
  });

  it('takes values as they are with escape=none', () => {
    assert.deepEqual(values('"$request"', '"GET /a\\x22 HTTP/1.1"', 'none'), ['GET /a\\x22 HTTP/1.1']);
  });
});

describe('unescaping', () => {
  it('undoes \\xHH into UTF-8 and leaves anything else alone', () => {
    assert.equal(unescapeDefault('caf\\xC3\\xA9 \\x22\\x5C \\x09'), 'caf\u00e9 "\\ \t');
    assert.equal(unescapeDefault('\\xZZ \\x4'), '\\xZZ \\x4');
    assert.equal(unescapeDefault('\\x01\\xFF'), '\u0001\uFFFD');
  });

  it('undoes JSON escapes and keeps malformed ones', () => {
    assert.equal(unescapeJson('a\\"b\\\\c\\n\\u0001'), 'a"b\\c\n\u0001');
    assert.equal(unescapeJson('bad\\q'), 'bad\\q');
  });
});
