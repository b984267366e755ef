import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addLabels,
  labelValue,
  openMetricsUnit,
  prometheusLabelName,
  prometheusMetricName,
  unitSuffixes,
} from './translate.ts';

describe('Prometheus name translation', () => {
  // name, unit, kind, expected (with suffixes), expected without suffixes
  const names: [string, string | undefined, 'counter' | 'gauge' | 'histogram' | 'summary', string, string][] = [
    [
      'http.server.request.duration',
      's',
      'histogram',
      'http_server_request_duration_seconds',
      'http_server_request_duration',
    ],
    ['system.cpu.time', 's', 'counter', 'system_cpu_time_seconds_total', 'system_cpu_time'],
    ['nginx.http.requests', '{request}', 'counter', 'nginx_http_requests_total', 'nginx_http_requests'],
    ['system.memory.usage', 'By', 'gauge', 'system_memory_usage_bytes', 'system_memory_usage'],
    ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization_ratio', 'system_cpu_utilization'],
    ['system.network.io', 'By/s', 'gauge', 'system_network_io_bytes_per_second', 'system_network_io'],
    ['packets', '{packet}/s', 'gauge', 'packets_per_second', 'packets'],
    ['requests_total', '', 'counter', 'requests_total', 'requests_total'],
    ['total.requests', '', 'counter', 'requests_total', 'total_requests'],
    ['latency_seconds', 's', 'histogram', 'latency_seconds', 'latency_seconds'],
    ['temperature', 'Cel', 'gauge', 'temperature_celsius', 'temperature'],
    ['disk.free', '%', 'gauge', 'disk_free_percent', 'disk_free'],
    ['odd..name--here__x', 'widgets', 'gauge', 'odd_name_here_x_widgets', 'odd_name_here_x'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total', '_2xx_responses'],
    ['héllo.wörld', 'ms', 'summary', 'h_llo_w_rld_milliseconds', 'h_llo_w_rld'],
    ['queue.ratio', '1', 'gauge', 'queue_ratio', 'queue_ratio'],
    ['ratio.of.things', '1', 'counter', 'ratio_of_things_total', 'ratio_of_things'],
  ];
  for (const [name, unit, kind, withSuffixes, without] of names) {
    test(`${name} [${unit}] as a ${kind}`, () => {
      assert.equal(prometheusMetricName({ name, unit, kind }, '', true), withSuffixes);
      assert.equal(prometheusMetricName({ name, unit, kind }, '', false), without);
    });
  }

  test('a namespace comes first', () => {
    assert.equal(prometheusMetricName({ name: 'up', kind: 'gauge' }, 'wasm.pipe', true), 'wasm_pipe_up');
  });

  test('unit suffixes', () => {
    assert.deepEqual(unitSuffixes('ms'), { main: 'milliseconds', per: '' });
    assert.deepEqual(unitSuffixes('KiBy/mo'), { main: 'kibibytes', per: 'month' });
    assert.deepEqual(unitSuffixes('{thing}'), { main: '', per: '' });
    assert.deepEqual(unitSuffixes(undefined), { main: '', per: '' });
  });

  test('the OpenMetrics UNIT only when the name ends with it', () => {
    assert.equal(openMetricsUnit('http_duration_seconds', 's'), 'seconds');
    assert.equal(openMetricsUnit('io_bytes_per_second_total', 'By/s'), 'bytes_per_second');
    assert.equal(openMetricsUnit('http_duration', 's'), undefined);
    assert.equal(openMetricsUnit('requests_total', '{request}'), undefined);
  });
});

describe('Prometheus label translation', () => {
  const labels: [string, string][] = [
    ['http.method', 'http_method'],
    ['service.instance.id', 'service_instance_id'],
    ['a..b', 'a_b'],
    ['1st', 'key_1st'],
    ['_hidden', 'key_hidden'],
    ['.dotted', 'key_dotted'],
    ['__reserved', '_reserved'],
    ['ümlaut', 'key_mlaut'],
    ['', 'key_'],
  ];
  for (const [key, expected] of labels) {
    test(`${JSON.stringify(key)} becomes ${expected}`, () => assert.equal(prometheusLabelName(key), expected));
  }

  test('values are stringified as OTLP attributes are', () => {
    assert.equal(labelValue('x'), 'x');
    assert.equal(labelValue(200), '200');
    assert.equal(labelValue(0.5), '0.5');
    assert.equal(labelValue(true), 'true');
    assert.equal(labelValue(2n ** 60n), '1152921504606846976');
    assert.equal(labelValue(['a', 1]), '["a",1]');
    assert.equal(labelValue({ k: 'v' }), '{"k":"v"}');
    assert.equal(labelValue(Uint8Array.of(1, 2, 255)), 'AQL/');
    assert.equal(labelValue(null), '');
  });

  test('attributes that collide after translation are joined with ";" in key order', () => {
    const labels = new Map<string, string>();
    addLabels(labels, { 'a.b': 'dot', a_b: 'underscore', 'a-b': 'dash', c: 1 });
    assert.deepEqual(
      [...labels],
      [
        ['a_b', 'dash;dot;underscore'],
        ['c', '1'],
      ],
    );
  });
});
