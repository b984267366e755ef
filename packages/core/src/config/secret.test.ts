import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Problem } from './problems.ts';
import { s } from './schema.ts';
import { Secret } from './secret.ts';

test('s.secret() parses to a Secret that prints, stringifies and interpolates as [redacted]', () => {
  const schema = s.object({ token: s.secret(), port: s.integer() });
  const problems: Problem[] = [];
  const config = schema.parse({ token: 'hunter2-abc', port: 1 }, 'x', problems);
  assert.deepEqual(problems, []);
  assert.ok(config?.token instanceof Secret);
  assert.equal(config?.token.reveal(), 'hunter2-abc');
  assert.equal(String(config?.token), '[redacted]');
  assert.equal(JSON.stringify(config), '{"token":"[redacted]","port":1}');
});

test('s.secret() problems never quote the value; numbers from ${env:...} become text', () => {
  const problems: Problem[] = [];
  s.secret().parse(['hunter2-abc'], 'a.token', problems);
  s.secret().parse('', 'b.token', problems);
  assert.deepEqual(problems, [
    { path: 'a.token', message: 'expected a secret string, got a list' },
    { path: 'b.token', message: 'must not be empty' },
  ]);
  assert.equal(s.secret().parse(12345, 'c', [])?.reveal(), '12345');
});
