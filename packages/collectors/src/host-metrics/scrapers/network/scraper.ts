import type { Infer, Metric } from '@wasmpipe/core';
import { passes } from '../../filter.ts';
import { errorCode } from '../../host-files.ts';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { StartTimes } from '../../start-times.ts';
import { NETWORK_METRICS, type networkScraperConfig } from './metadata.ts';
import { type InterfaceCounters, parseNetDev } from './parse-net-dev.ts';
import { countTcpStates, TCP_STATES } from './parse-net-tcp.ts';

/** The checked config of the network scraper. */
export type NetworkScraperConfig = Infer<typeof networkScraperConfig>;

/**
 * Creates the network scraper. `/proc/net` belongs to the reading process's network namespace,
 * so with `root_path` (a host mounted into a container) it reads `/proc/1/net`, the host init's.
 */
export function createNetworkScraper(config: NetworkScraperConfig, environment: ScraperEnvironment): Scraper {
  const startTimes = new StartTimes();
  const { files } = environment;
  const net = files.rootPath === '' ? '/proc/net' : '/proc/1/net';
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      const boot = await environment.bootTimeUnixNano();
      const counters = [NETWORK_METRICS.packets, NETWORK_METRICS.dropped, NETWORK_METRICS.errors, NETWORK_METRICS.io];
      if (counters.some((descriptor) => recorder.enabled(descriptor))) {
        startTimes.beginScrape(timeUnixNano);
        for (const counts of parseNetDev(files.readText(`${net}/dev`))) {
          if (!passes(counts.interface, config.include, config.exclude)) continue;
          recordInterface(recorder, counts, startTimes.startOf(counts.interface, countersOf(counts), boot));
        }
        startTimes.endScrape();
      }
      if (recorder.enabled(NETWORK_METRICS.connections)) {
        const states = new Map(Object.values(TCP_STATES).map((state) => [state, 0]));
        countTcpStates(files.readText(`${net}/tcp`), states);
        // A kernel without IPv6 has no tcp6.
        const tcp6 = readOptional(files.readText.bind(files), `${net}/tcp6`);
        if (tcp6 !== undefined) countTcpStates(tcp6, states);
        for (const [state, count] of states) {
          recorder.record(NETWORK_METRICS.connections, count, { protocol: 'tcp', state }, boot);
        }
      }
      if (recorder.enabled(NETWORK_METRICS.conntrackCount) || recorder.enabled(NETWORK_METRICS.conntrackMax)) {
        const count = readOptional(files.readText.bind(files), '/proc/sys/net/netfilter/nf_conntrack_count');
        const max = readOptional(files.readText.bind(files), '/proc/sys/net/netfilter/nf_conntrack_max');
        // Without the nf_conntrack module loaded there is nothing to report.
        if (count !== undefined) recorder.record(NETWORK_METRICS.conntrackCount, Number(count.trim()), {}, boot);
        if (max !== undefined) recorder.record(NETWORK_METRICS.conntrackMax, Number(max.trim()), {}, boot);
      }
      return recorder.metrics();
    },
  };
}

function readOptional(read: (path: string) => string, path: string): string | undefined {
  try {
    return read(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The counters whose going backwards means the interface was re-created. */
function countersOf(counts: InterfaceCounters): number[] {
  return [counts.receiveBytes, counts.transmitBytes, counts.receivePackets, counts.transmitPackets];
}

function recordInterface(recorder: MetricRecorder, counts: InterfaceCounters, start: bigint): void {
  const device = counts.interface;
  const receive = { device, direction: 'receive' };
  const transmit = { device, direction: 'transmit' };
  recorder.record(NETWORK_METRICS.packets, counts.receivePackets, receive, start);
  recorder.record(NETWORK_METRICS.packets, counts.transmitPackets, transmit, start);
  recorder.record(NETWORK_METRICS.dropped, counts.receiveDropped, receive, start);
  recorder.record(NETWORK_METRICS.dropped, counts.transmitDropped, transmit, start);
  recorder.record(NETWORK_METRICS.errors, counts.receiveErrors, receive, start);
  recorder.record(NETWORK_METRICS.errors, counts.transmitErrors, transmit, start);
  recorder.record(NETWORK_METRICS.io, counts.receiveBytes, receive, start);
  recorder.record(NETWORK_METRICS.io, counts.transmitBytes, transmit, start);
}
