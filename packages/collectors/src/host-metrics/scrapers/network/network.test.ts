import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric, Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue, readFixture } from '../../test-helpers.ts';
import { networkScraperConfig } from './metadata.ts';
import { parseNetDev } from './parse-net-dev.ts';
import { countTcpStates } from './parse-net-tcp.ts';
import { createNetworkScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const FIRST = 1_700_000_100_000_000_000n;
const SECOND = 1_700_000_110_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = networkScraperConfig.parse(input, 'network', problems);
  assert.deepEqual(problems, []);
  return config!;
}

const devicesOf = (metric: Metric) => [...new Set(metric.data.dataPoints.map((point) => point.attributes['device']))];

describe('parseNetDev', () => {
  it('reads names with dots and dashes, and a counter glued to the colon', () => {
    const interfaces = parseNetDev(readFixture('net-dev-vlans.txt'));
    assert.deepEqual(
      interfaces.map((counts) => counts.interface),
      ['lo', 'enp3s0f0', 'enp3s0f0.100', 'br-1a2b3c4d5e6f', 'veth9f8e7d6', 'docker0'],
    );
    assert.deepEqual(interfaces[1], {
      interface: 'enp3s0f0',
      receiveBytes: 9876543210987,
      receivePackets: 998877665,
      receiveErrors: 1,
      receiveDropped: 2,
      transmitBytes: 771234567890,
      transmitPackets: 665544332,
      transmitErrors: 3,
      transmitDropped: 4,
    });
    assert.equal(interfaces[2]?.receiveDropped, 17);
  });

  it('reads this VM, and rejects a truncated line', () => {
    assert.deepEqual(
      parseNetDev(readFixture('net-dev-vm.txt')).map((counts) => counts.interface),
      ['lo', 'ifb0', 'ifb1', 'eth0'],
    );
    assert.throws(() => parseNetDev('eth0: 1 2 3\n'), /Unexpected line in \/proc\/net\/dev: "eth0: 1 2 3"/);
  });
});

describe('countTcpStates', () => {
  it('counts sockets by state, lower-case hex and five-digit slot numbers included', () => {
    const counts = countTcpStates(readFixture('net-tcp-states.txt'), new Map());
    assert.deepEqual(Object.fromEntries(counts), {
      LISTEN: 2,
      ESTABLISHED: 2,
      TIME_WAIT: 1,
      CLOSE_WAIT: 1,
      SYN_RECV: 1,
      CLOSING: 1,
    });
  });

  it('counts captured IPv4 and IPv6 tables of this VM into one map', () => {
    const counts = countTcpStates(readFixture('net-tcp-vm.txt'), new Map());
    countTcpStates(readFixture('net-tcp6-vm.txt'), counts);
    const lines = (name: string) => readFixture(name).trim().split('\n').length - 1;
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    assert.equal(total, lines('net-tcp-vm.txt') + lines('net-tcp6-vm.txt'));
  });
});

describe('network scraper', () => {
  it('emits the contrib metrics per interface without lo, and every TCP state', async () => {
    const { environment } = fixtureEnvironment(
      {
        'net/dev': readFixture('net-dev-vlans.txt'),
        'net/tcp': readFixture('net-tcp-states.txt'),
        'net/tcp6': readFixture('net-tcp6-listen.txt'),
      },
      BOOT,
    );
    const withConnections = configOf({ metrics: { 'system.network.connections': { enabled: true } } });
    const metrics = await createNetworkScraper(withConnections, environment).scrape(FIRST);
    assert.deepEqual(namesOf(metrics), [
      'system.network.packets',
      'system.network.dropped',
      'system.network.errors',
      'system.network.io',
      'system.network.connections',
    ]);
    const io = metricNamed(metrics, 'system.network.io');
    assert.deepEqual(devicesOf(io), ['enp3s0f0', 'enp3s0f0.100', 'br-1a2b3c4d5e6f', 'veth9f8e7d6', 'docker0']);
    assert.equal(pointValue(io, { device: 'enp3s0f0.100', direction: 'receive' }), 1234567890);
    assert.equal(pointValue(io, { device: 'enp3s0f0', direction: 'transmit' }), 771234567890);
    assert.equal(pointOf(io, { device: 'docker0', direction: 'transmit' }).startTimeUnixNano, BOOT);
    assert.equal(
      pointValue(metricNamed(metrics, 'system.network.dropped'), { device: 'docker0', direction: 'transmit' }),
      5,
    );
    assert.equal(
      pointValue(metricNamed(metrics, 'system.network.errors'), { device: 'enp3s0f0', direction: 'receive' }),
      1,
    );
    assert.equal(
      pointValue(metricNamed(metrics, 'system.network.packets'), { device: 'veth9f8e7d6', direction: 'receive' }),
      55,
    );
    const connections = metricNamed(metrics, 'system.network.connections');
    assert.equal(connections.data.dataPoints.length, 11);
    assert.equal(pointValue(connections, { protocol: 'tcp', state: 'LISTEN' }), 2 + 1);
    assert.equal(pointValue(connections, { protocol: 'tcp', state: 'ESTABLISHED' }), 2 + 1);
    assert.equal(pointValue(connections, { protocol: 'tcp', state: 'FIN_WAIT2' }), 0);
  });

  it('filters interfaces, reads conntrack when enabled, and works without tcp6', async () => {
    const { environment } = fixtureEnvironment({
      'net/dev': readFixture('net-dev-vlans.txt'),
      'net/tcp': readFixture('net-tcp-states.txt'),
      'sys/net/netfilter/nf_conntrack_count': '1234\n',
      'sys/net/netfilter/nf_conntrack_max': '262144\n',
    });
    const config = configOf({
      include: { interfaces: ['^enp3s0f0(\\.\\d+)?$'], match_type: 'regexp' },
      exclude: { interfaces: ['enp3s0f0'] },
      metrics: {
        'system.network.connections': { enabled: true },
        'system.network.conntrack.count': { enabled: true },
        'system.network.conntrack.max': { enabled: true },
      },
    });
    const metrics = await createNetworkScraper(config, environment).scrape(FIRST);
    assert.deepEqual(devicesOf(metricNamed(metrics, 'system.network.io')), ['enp3s0f0.100']);
    assert.equal(pointValue(metricNamed(metrics, 'system.network.conntrack.count'), {}), 1234);
    assert.equal(pointValue(metricNamed(metrics, 'system.network.conntrack.max'), {}), 262144);
    assert.equal(pointValue(metricNamed(metrics, 'system.network.connections'), { state: 'LISTEN' }), 2);
  });

  it('reads no TCP table unless connections are enabled', async () => {
    const { environment, reads } = fixtureEnvironment({ 'net/dev': readFixture('net-dev-vlans.txt') });
    const metrics = await createNetworkScraper(configOf({}), environment).scrape(FIRST);
    assert.ok(!namesOf(metrics).includes('system.network.connections'));
    assert.deepEqual(reads, ['/proc/net/dev']);
  });

  it('moves the start time of an interface whose counters went back (re-created)', async () => {
    const dev = (bytes: number) =>
      `h1|\nh2|\nveth0: ${bytes} 10 0 0 0 0 0 0 ${bytes} 10 0 0 0 0 0 0\neth0: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n`;
    const { environment, files } = fixtureEnvironment({ 'net/dev': dev(1000), 'net/tcp': 'header\n' }, BOOT);
    const scraper = createNetworkScraper(configOf({}), environment);
    await scraper.scrape(FIRST);
    files['net/dev'] = dev(10);
    const io = metricNamed(await scraper.scrape(SECOND), 'system.network.io');
    assert.equal(pointOf(io, { device: 'veth0', direction: 'receive' }).startTimeUnixNano, FIRST);
    assert.equal(pointOf(io, { device: 'eth0', direction: 'receive' }).startTimeUnixNano, BOOT);
  });
});
