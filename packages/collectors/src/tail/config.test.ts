import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Problem, s } from '@wasmpipe/core';
import { parseByteSize, resolvePath, tailConfigShape, tailerOptions, validateTailConfig } from './config.ts';

describe('tail config', () => {
  it('parses byte sizes with decimal and binary units', () => {
    assert.equal(parseByteSize('1MiB'), 1048576);
    assert.equal(parseByteSize('64 KiB'), 65536);
    assert.equal(parseByteSize('1kb'), 1000);
    assert.equal(parseByteSize('512'), 512);
    assert.equal(parseByteSize('1.5MB'), 1500000);
    assert.equal(parseByteSize('lots'), undefined);
    assert.equal(parseByteSize('3 parsecs'), undefined);
  });

  it('fills defaults and reports every bad option with its path', () => {
    const schema = s.object(tailConfigShape);
    const problems: Problem[] = [];
    const config = schema.parse({ include: ['/var/log/nginx/access.log'] }, 'c', problems);
    assert.deepEqual(problems, []);
    assert.equal(config?.start_at, 'end');
    assert.equal(config?.max_log_size, 1048576);
    assert.equal(config?.fingerprint_size, 1000);
    assert.equal(config?.poll_interval, 200);
    assert.equal(config?.rotate_wait, 5000);
    assert.equal(config?.storage_directory, undefined);

    const bad: Problem[] = [];
    schema.parse({ include: '/x.log', start_at: 'middle', max_log_size: 'huge', fingerprint_size: 4 }, 'c', bad);
    assert.deepEqual(
      bad.map((problem) => problem.path),
      ['c.include', 'c.start_at', 'c.max_log_size', 'c.fingerprint_size'],
    );
  });

  it('resolves relative paths against the config directory and checks the globs', () => {
    assert.equal(resolvePath('logs/*.log', '/etc/wasmpipe/'), '/etc/wasmpipe/logs/*.log');
    assert.equal(resolvePath('./a.log', '/etc'), '/etc/a.log');
    assert.equal(resolvePath('/abs.log', '/etc'), '/abs.log');
    const config = s.object(tailConfigShape).parse({ include: ['a/[b.log'], exclude: ['{x'] }, 'c', [])!;
    assert.deepEqual(
      validateTailConfig(config, 'collectors.x', '/etc').map((problem) => problem.path),
      ['collectors.x.include[0]', 'collectors.x.exclude[0]'],
    );
    const options = tailerOptions({ ...config, include: ['a.log'], storage_directory: 'state' }, 'x', '/srv');
    assert.deepEqual(options.include, ['/srv/a.log']);
    assert.equal(options.storageDirectory, '/srv/state');
  });
});
