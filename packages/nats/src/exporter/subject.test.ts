import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPlatform, type Problem } from '@wasmpipe/core';
import { natsExporterConfig, validateNatsExporterConfig } from './config.ts';
import { parseSubjectTemplate, subjectMatches, subjectToken } from './subject.ts';

test('renders the signal and one resource attribute, each value one safe token', () => {
  const template = parseSubjectTemplate('wasmpipe.{signal}.{resource.host.name}');
  assert.ok(!('problems' in template));
  assert.equal(template.attribute, 'host.name');
  assert.equal(template.render('metrics', { 'host.name': 'web-1.example.com' }), 'wasmpipe.metrics.web-1_example_com');
  assert.equal(template.render('logs', { 'host.name': 'a b*>c' }), 'wasmpipe.logs.a_b__c');
  assert.equal(template.render('logs', {}), 'wasmpipe.logs._');
  assert.equal(subjectToken(''), '_');
  assert.equal(subjectToken(42), '42');
  assert.equal(subjectToken('x'.repeat(300)).length, 128);
});

test('invalid templates: every problem', () => {
  const cases: [string, string][] = [
    ['wasmpipe.{sig}', 'unknown placeholder {sig}; use {signal} or {resource.<attribute>}'],
    ['a.{resource.x}.{resource.y}', 'may name at most one resource attribute'],
    ['a..b', 'has an empty token (a leading, trailing or double ".")'],
    ['a.*.{signal}', 'must not contain spaces or the wildcards * and >'],
    ['a.x{signal}', 'placeholder {signal} must be a whole token, between dots'],
    ['a.{signal', 'has an unbalanced { or }'],
  ];
  for (const [source, expected] of cases) {
    const result = parseSubjectTemplate(source);
    assert.ok('problems' in result, source);
    assert.ok(result.problems.includes(expected), `${source}: ${JSON.stringify(result.problems)}`);
  }
});

test('subject filters: * matches one token, > the rest', () => {
  assert.ok(subjectMatches('wasmpipe.>', 'wasmpipe.metrics.h'));
  assert.ok(!subjectMatches('wasmpipe.>', 'wasmpipe'));
  assert.ok(subjectMatches('wasmpipe.*', 'wasmpipe.logs'));
  assert.ok(!subjectMatches('wasmpipe.*', 'wasmpipe.logs.h'));
  assert.ok(!subjectMatches('other.>', 'wasmpipe.logs'));
});

test('the exporter config: the stream must capture the subjects it publishes to (when managed)', async () => {
  const check = async (input: Record<string, unknown>) => {
    const problems: Problem[] = [];
    const config = natsExporterConfig.parse(input, 'exporters.nats', problems);
    assert.deepEqual(problems, []);
    return validateNatsExporterConfig(config as never, {
      path: 'exporters.nats',
      platform: getPlatform(),
      configDirectory: '.',
    });
  };
  assert.deepEqual(await check({}), []);
  assert.deepEqual(await check({ subject: 'other.{signal}' }), [
    {
      path: 'exporters.nats.stream.subjects',
      message: 'none of wasmpipe.> captures other.metrics, a subject the exporter publishes to',
    },
  ]);
  assert.deepEqual(await check({ subject: 'other.{signal}', stream: { manage: false } }), []);
  assert.deepEqual(await check({ subject: 'a.{oops}' }), [
    { path: 'exporters.nats.subject', message: 'unknown placeholder {oops}; use {signal} or {resource.<attribute>}' },
  ]);
});
