import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { compileGlob, expandGlobs, hasWildcard } from './glob.ts';

describe('compileGlob', () => {
  const cases: [string, string, boolean][] = [
    ['/var/log/nginx/*.log', '/var/log/nginx/access.log', true],
    ['/var/log/nginx/*.log', '/var/log/nginx/access.log.1', false],
    ['/var/log/nginx/*.log', '/var/log/nginx/sub/access.log', false],
    ['/var/log/nginx/access.log*', '/var/log/nginx/access.log.1', true],
    ['/var/log/nginx/access.log.?', '/var/log/nginx/access.log.2', true],
    ['/var/log/nginx/access.log.?', '/var/log/nginx/access.log.10', false],
    ['/var/log/nginx/access.log.[0-9]', '/var/log/nginx/access.log.7', true],
    ['/var/log/nginx/access.log.[!0-9]', '/var/log/nginx/access.log.7', false],
    ['/var/log/nginx/{access,error}.log', '/var/log/nginx/error.log', true],
    ['/var/log/nginx/{access,error}.log', '/var/log/nginx/other.log', false],
    ['/var/log/**/*.log', '/var/log/a.log', true],
    ['/var/log/**/*.log', '/var/log/x/y/z.log', true],
    ['/var/log/**', '/var/log/x/y/z.log', true],
    ['/srv/a+b (1)/*.log', '/srv/a+b (1)/c.log', true],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compileGlob(pattern).regExp.test(path), expected);
    });
  }

  it('splits the literal base from the wildcard segments', () => {
    const glob = compileGlob('/var/log/nginx/*/access.log');
    assert.equal(glob.base, '/var/log/nginx');
    assert.equal(glob.segments.length, 2);
    assert.equal(glob.literal, false);
    assert.equal(compileGlob('/var/log/nginx/access.log').literal, true);
  });

  it('rejects relative paths and unbalanced brackets with the pattern in the message', () => {
    assert.throws(() => compileGlob('logs/*.log'), /"logs\/\*\.log" is not an absolute path/);
    assert.throws(() => compileGlob('/logs/[abc.log'), /"\[" without its "\]"/);
    assert.throws(() => compileGlob('/logs/{a,b.log'), /"\{" without its "\}"/);
  });

  it('knows a wildcard when it sees one', () => {
    assert.equal(hasWildcard('access.log'), false);
    assert.equal(hasWildcard('access.*'), true);
  });
});

describe('expandGlobs', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(`${tmpdir()}/wasmpipe-glob-`);
    await mkdir(`${root}/a/b`, { recursive: true });
    for (const path of ['x.log', 'y.log', 'y.log.1', 'a/z.log', 'a/b/w.log', 'a/b/skip.log']) {
      await writeFile(`${root}/${path}`, '');
    }
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('lists matching paths sorted, without duplicates, minus the excluded ones', async () => {
    const found = await expandGlobs(
      [compileGlob(`${root}/*.log`), compileGlob(`${root}/**/*.log`)],
      [compileGlob(`${root}/**/skip.log`)],
    );
    assert.deepEqual(
      found.map((match) => match.path.slice(root.length)),
      ['/a/b/w.log', '/a/z.log', '/x.log', '/y.log'],
    );
  });

  it('finds a literal path only when it exists', async () => {
    assert.equal((await expandGlobs([compileGlob(`${root}/x.log`)])).length, 1);
    assert.equal((await expandGlobs([compileGlob(`${root}/missing.log`)])).length, 0);
    assert.equal((await expandGlobs([compileGlob(`${root}/missing/*.log`)])).length, 0);
  });
});
