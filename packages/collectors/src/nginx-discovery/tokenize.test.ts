import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NginxConfigSyntaxError, tokenize } from './tokenize.ts';

const words = (text: string) => tokenize(text, 'test.conf').map((token) => token.value);

test('splits directives, blocks and comments as nginx does', () => {
  assert.deepEqual(words('events { worker_connections 1024; } # done\nhttp{a b;}'), [
    'events',
    '{',
    'worker_connections',
    '1024',
    ';',
    '}',
    'http',
    '{',
    'a',
    'b',
    ';',
    '}',
  ]);
});

test('a # inside a word or quotes is not a comment', () => {
  assert.deepEqual(words('set $a x#y; return 200 "#not a comment";'), [
    'set',
    '$a',
    'x#y',
    ';',
    'return',
    '200',
    '#not a comment',
    ';',
  ]);
});

test('a } inside a word and a { after $ are part of the word', () => {
  assert.deepEqual(words('set $x ${host}s;'), ['set', '$x', '${host}s', ';']);
  assert.deepEqual(words('a}b;'), ['a}b', ';']);
});

test('quotes group words, take nginx escapes, and may span lines', () => {
  const tokens = tokenize(`log_format x '$a "q" \\'s\\' \\t\\n \\\\ \\$b'\n  "second\nline";`, 'test.conf');
  assert.deepEqual(
    tokens.map((token) => [token.value, token.line, token.quoted]),
    [
      ['log_format', 1, false],
      ['x', 1, false],
      [`$a "q" 's' \t\n \\ \\$b`, 1, true],
      ['second\nline', 2, true],
      [';', 3, false],
    ],
  );
});

test('an unquoted backslash escapes a space or quote', () => {
  assert.deepEqual(words('a b\\"c;'), ['a', 'b"c', ';']);
});

test('lines are counted across comments and blank lines', () => {
  const tokens = tokenize('# one\n\n  a; # two\nb\n;', 'test.conf');
  assert.deepEqual(
    tokens.map((token) => [token.value, token.line]),
    [
      ['a', 3],
      [';', 3],
      ['b', 4],
      [';', 5],
    ],
  );
});

test('syntax errors name the file and line', () => {
  assert.throws(
    () => tokenize('a;\nb "open;\n', 'x.conf'),
    (error: unknown) => error instanceof NginxConfigSyntaxError && error.message === 'x.conf:2: unterminated " quote',
  );
  assert.throws(() => tokenize('a "b"c;', 'x.conf'), /x\.conf:1: unexpected "c" after a quoted string/);
});
