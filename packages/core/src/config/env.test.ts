import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';
import { substituteEnv } from './env.ts';
import type { Problem } from './problems.ts';

const env: Record<string, string> = { HOST: 'collector', PORT: '4318', ON: 'true' };

describe('substituteEnv', () => {
  it('replaces references inside strings and keeps the rest', () => {
    const problems: Problem[] = [];
    const result = substituteEnv(
      {
        endpoint: 'http://${env:HOST}:${env:PORT}',
        port: '${env:PORT}',
        enabled: '${env:ON}',
        price: '$$5',
        list: ['${env:MISSING:-fallback}'],
      },
      (name) => env[name],
      '',
      problems,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(result, {
      endpoint: 'http://collector:4318',
      port: 4318,
      enabled: true,
      price: '$5',
      list: ['fallback'],
    });
  });

  it('reports an unset variable at the path of its string', () => {
    const problems: Problem[] = [];
    substituteEnv({ exporters: { otlp: { headers: { key: '${env:API_KEY}' } } } }, () => undefined, '', problems);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.path, 'exporters.otlp.headers.key');
    assert.match(problems[0]?.message ?? '', /API_KEY is not set/);
  });
});

describe('parseDuration', () => {
  it('reads Go-style durations into milliseconds', () => {
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('0'), 0);
  });

  it('refuses what is not a duration', () => {
    for (const text of ['', '10', 'ten seconds', '10s junk', 's', '-5s'])
      assert.equal(parseDuration(text), undefined, text);
  });
});
