import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStubStatus, StubStatusParseError } from './parse-stub-status.ts';
import { readFixture } from './test-helpers.ts';

test('parses the page nginx 1.22.1 served (captured from the test harness)', () => {
  assert.deepEqual(parseStubStatus(readFixture('stub-status-nginx-1.22.1.txt')), {
    active: 1,
    accepted: 7,
    handled: 7,
    requests: 6,
    reading: 0,
    writing: 1,
    waiting: 0,
  });
});

test('parses a busy server, where handled falls behind accepted', () => {
  assert.deepEqual(parseStubStatus(readFixture('stub-status-busy.txt')), {
    active: 291,
    accepted: 16630948,
    handled: 16630946,
    requests: 31070465,
    reading: 6,
    writing: 179,
    waiting: 106,
  });
});

test('accepts CRLF line endings and missing trailing spaces', () => {
  assert.equal(parseStubStatus(readFixture('stub-status-crlf.txt')).requests, 25);
  const compact = 'Active connections: 2\nserver accepts handled requests\n4 4 9\nReading: 0 Writing: 1 Waiting: 1';
  assert.deepEqual(parseStubStatus(compact), {
    active: 2,
    accepted: 4,
    handled: 4,
    requests: 9,
    reading: 0,
    writing: 1,
    waiting: 1,
  });
});

const invalid: [string, string, RegExp][] = [
  ['empty', '', /^the body is empty$/],
  ['whitespace only', ' \n\n', /^the body is empty$/],
  ['truncated', readFixture('stub-status-truncated.txt'), /^line 3: expected three numbers/],
  [
    'cut after line 2',
    'Active connections: 1 \nserver accepts handled requests\n',
    /^line 3 is missing \(the body ends after line 2; expected three numbers/,
  ],
  [
    'an HTML error page',
    readFixture('not-stub-status.html'),
    /^line 1: expected "Active connections: <n>", got "<html>"$/,
  ],
  ['JSON', '{"connections":{"active":1}}', /^line 1: expected "Active connections: <n>", got "\{/],
  [
    'a negative number',
    'Active connections: -1\n',
    /^line 1: expected "Active connections: <n>", got "Active connections: -1"$/,
  ],
  [
    'letters among the totals',
    'Active connections: 1\nserver accepts handled requests\n 1 x 3\nReading: 0 Writing: 1 Waiting: 0\n',
    /^line 3: expected three numbers "<accepts> <handled> <requests>", got " 1 x 3"$/,
  ],
  [
    'two totals',
    'Active connections: 1\nserver accepts handled requests\n 1 3\nReading: 0 Writing: 1 Waiting: 0\n',
    /^line 3: expected three numbers/,
  ],
  [
    'a wrong header',
    'Active connections: 1\nserver accepts requests\n 1 1 3\nReading: 0 Writing: 1 Waiting: 0\n',
    /^line 2: expected "server accepts handled requests", got "server accepts requests"$/,
  ],
  [
    'states out of order',
    'Active connections: 1\nserver accepts handled requests\n 1 1 3\nWriting: 1 Reading: 0 Waiting: 0\n',
    /^line 4: expected "Reading: <n> Writing: <n> Waiting: <n>"/,
  ],
  [
    'trailing junk',
    'Active connections: 1\nserver accepts handled requests\n 1 1 3\nReading: 0 Writing: 1 Waiting: 0\nmore\n',
    /^line 5: expected the end of the page, got "more"$/,
  ],
  [
    'a number past 2^53',
    'Active connections: 1\nserver accepts handled requests\n 1 1 99999999999999999999\nReading: 0 Writing: 1 Waiting: 0\n',
    /^the number 99999999999999999999 is too large to hold exactly$/,
  ],
  ['binary junk', '\u0000\u0001\u00ff\ufffd', /^line 1: expected "Active connections: <n>", got "\\u0000\\u0001/],
  ['a very long line', `Active connections: ${'x'.repeat(500)}`, /…"$/],
];

for (const [what, body, message] of invalid) {
  test(`rejects ${what} with a message saying what is wrong`, () => {
    assert.throws(
      () => parseStubStatus(body),
      (error: unknown) => error instanceof StubStatusParseError && message.test(error.message),
    );
  });
}
