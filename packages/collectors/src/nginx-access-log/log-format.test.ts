import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMBINED_FORMAT, compileFormat, parseLogFormat } from './log-format.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parseLogFormat', () => {
  it('knows combined', () => {
    const format = parseLogFormat('combined');
    assert.equal(format.name, 'combined');
    assert.equal(format.escape, 'default');
    assert.deepEqual(format.variables, [
      'remote_addr',
      'remote_user',
      'time_local',
      'request',
      'status',
      'body_bytes_sent',
      'http_referer',
      'http_user_agent',
    ]);
    assert.deepEqual(format.literals, ['', ' - ', ' [', '] "', '" ', ' ', ' "', '" "', '"']);
  });

  it('reads a whole directive as written in nginx.conf, strings joined', () => {
    const format = parseLogFormat(fixture('custom20.conf'));
    assert.equal(format.name, 'custom20');
    assert.equal(format.variables.length, 26);
    assert.equal(format.variables[9], 'request_time');
    assert.equal(format.literals[9], ' ', 'the first string ends with a space before the second begins');
    assert.equal(format.literals[26], '');
  });

  it('reads escape=json from the directive', () => {
    const format = parseLogFormat(fixture('json.conf'));
    assert.equal(format.escape, 'json');
    assert.equal(format.literals[0], '{"time":"');
    assert.equal(format.variables[0], 'time_iso8601');
  });

  it('reads the quoted strings alone, with nginx.conf escapes', () => {
    const format = parseLogFormat(`'$remote_addr \\'$status\\' '\n   '"$request"'`);
    assert.deepEqual(format.literals, ['', " '", '\' "', '"']);
    assert.deepEqual(format.variables, ['remote_addr', 'status', 'request']);
  });

  it('takes a bare format as it is, even when it starts with a double quote', () => {
    const format = parseLogFormat('"$request" $status', 'none');
    assert.deepEqual(format.literals, ['"', '" ', '']);
    assert.equal(format.escape, 'none');
  });

  it('reads ${name} and stops a name at the first character that cannot be in one', () => {
    const { literals, variables } = compileFormat('${status}x $msec.$pipe-');
    assert.deepEqual(variables, ['status', 'msec', 'pipe']);
    assert.deepEqual(literals, ['', 'x ', '.', '-']);
  });

  const invalid: [string, RegExp][] = [
    ['$', /not followed by a variable name/],
    ['a ${status b', /closing bracket of "\$\{status" is missing/],
    ['log_format main escape=xml "$status";', /Unknown log format escaping "xml"/],
    ['log_format main;', /needs a name and a format/],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseLogFormat(text), message));
  }

  it('rejects an escape option that contradicts the directive', () => {
    assert.throws(() => parseLogFormat("log_format j escape=json '$status';", 'default'), /says escape=json/);
  });

  it('exports the combined format text nginx uses', () => {
    assert.match(COMBINED_FORMAT, /^\$remote_addr - \$remote_user \[\$time_local\]/);
  });
});
