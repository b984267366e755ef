// Aggregates scanned access-log lines into metrics. Reads values in place from the scanner's
// offsets (no strings are cut on this path), so metrics cost little even when records are off.
import type { Attributes, Metric, NumberDataPoint } from '@wasmpipe/core';
import { decimalAt, integerAt, KNOWN_METHODS, protocolVersion } from './fields.ts';
import { BYTES_BOUNDS, HistogramAccumulator, RATIO_BOUNDS, SECONDS_BOUNDS } from './histogram.ts';
import { ACCESS_LOG_METRICS, type AccessLogMetricDescriptor, type AccessLogMetricName } from './metadata.ts';

const METHODS = [...KNOWN_METHODS];
const OTHER_METHOD = METHODS.length;
const STATUS_RANGES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const CACHE_OUTCOMES = ['HIT', 'MISS', 'BYPASS', 'EXPIRED', 'STALE', 'UPDATING', 'REVALIDATED'];
const COMMON_PROTOCOLS = ['HTTP/1.1', 'HTTP/2.0', 'HTTP/1.0', 'HTTP/3.0'];
const MAX_VERSIONS = 32;

type HistogramName = Extract<
  AccessLogMetricName,
  | 'nginx.http.request.time'
  | 'nginx.http.request.length'
  | 'nginx.http.request.body_bytes_sent'
  | 'nginx.http.request.bytes_sent'
  | 'nginx.http.gzip.ratio'
  | 'nginx.upstream.connect.time'
  | 'nginx.upstream.header.time'
  | 'nginx.upstream.response.time'
  | 'nginx.upstream.response.length'
>;

/** Per histogram: the variable it reads, its bounds, and whether the value is a list (one per upstream attempt). */
const HISTOGRAMS: Record<HistogramName, { variable: string; bounds: number[]; list: boolean }> = {
  'nginx.http.request.time': { variable: 'request_time', bounds: SECONDS_BOUNDS, list: false },
  'nginx.http.request.length': { variable: 'request_length', bounds: BYTES_BOUNDS, list: false },
  'nginx.http.request.body_bytes_sent': { variable: 'body_bytes_sent', bounds: BYTES_BOUNDS, list: false },
  'nginx.http.request.bytes_sent': { variable: 'bytes_sent', bounds: BYTES_BOUNDS, list: false },
  'nginx.http.gzip.ratio': { variable: 'gzip_ratio', bounds: RATIO_BOUNDS, list: false },
  'nginx.upstream.connect.time': { variable: 'upstream_connect_time', bounds: SECONDS_BOUNDS, list: true },
  'nginx.upstream.header.time': { variable: 'upstream_header_time', bounds: SECONDS_BOUNDS, list: true },
  'nginx.upstream.response.time': { variable: 'upstream_response_time', bounds: SECONDS_BOUNDS, list: true },
  'nginx.upstream.response.length': { variable: 'upstream_response_length', bounds: BYTES_BOUNDS, list: true },
};

interface BoundHistogram {
  name: AccessLogMetricName;
  index: number;
  list: boolean;
  accumulator: HistogramAccumulator;
}

/** Counts and histograms of the lines seen, cumulative since creation (the response count per interval). */
export class AccessLogAggregator {
  /** Enabled metrics this log format cannot feed (none of the variables they need is logged). */
  readonly unavailable: AccessLogMetricName[] = [];
  readonly #startTimeUnixNano: bigint;
  readonly #enabled = new Set<AccessLogMetricName>();
  readonly #status: number;
  readonly #request: number;
  readonly #method: number;
  readonly #protocol: number;
  readonly #upstreamStatus: number;
  readonly #cacheStatus: number;
  /** Variables whose presence marks a request as passed upstream, and the lists counting attempts. */
  readonly #upstreamMarkers: number[];
  readonly #attemptLists: number[];
  readonly #histograms: BoundHistogram[] = [];
  readonly #intervalRanges = new Float64Array(5);
  readonly #responses = new Map<number, number>();
  readonly #upstreamRanges = new Float64Array(5);
  readonly #cacheOutcomes = new Float64Array(CACHE_OUTCOMES.length);
  readonly #versions: string[] = [''];
  readonly #versionIndexes = new Map<string, number>();
  readonly #upstreamStatusOn: boolean;
  #upstreamRequests = 0;
  #upstreamNext = 0;
  #itemStart = 0;
  #itemEnd = 0;

  constructor(
    variables: readonly string[],
    enabled: (name: AccessLogMetricName) => boolean,
    startTimeUnixNano: bigint,
  ) {
    this.#startTimeUnixNano = startTimeUnixNano;
    const index = (name: string) => variables.indexOf(name);
    for (const descriptor of ACCESS_LOG_METRICS) {
      if (!enabled(descriptor.name)) continue;
      if (descriptor.needs.some((name) => variables.includes(name))) this.#enabled.add(descriptor.name);
      else this.unavailable.push(descriptor.name);
    }
    this.#status = index('status');
    this.#request = index('request');
    this.#method = index('request_method');
    this.#protocol = index('server_protocol');
    this.#upstreamStatus = index('upstream_status');
    this.#cacheStatus = index('upstream_cache_status');
    this.#upstreamStatusOn = this.#upstreamStatus >= 0 && this.#enabled.has('nginx.upstream.response.status');
    const markers = ACCESS_LOG_METRICS.find((metric) => metric.name === 'nginx.upstream.request.count')?.needs ?? [];
    this.#upstreamMarkers = markers.map(index).filter((position) => position >= 0);
    this.#attemptLists = ['upstream_addr', 'upstream_status', 'upstream_response_time']
      .map(index)
      .filter((position) => position >= 0);
    for (const descriptor of ACCESS_LOG_METRICS) {
      const histogram = HISTOGRAMS[descriptor.name as HistogramName];
      if (!histogram || !this.#enabled.has(descriptor.name)) continue;
      this.#histograms.push({
        name: descriptor.name,
        index: index(histogram.variable),
        list: histogram.list,
        accumulator: new HistogramAccumulator(histogram.bounds),
      });
    }
  }

  /** Adds one line the scanner matched; `offsets` are the scanner's. */
  observe(line: string, offsets: Int32Array): void {
    if (this.#status >= 0) this.#observeStatus(line, offsets);
    for (const histogram of this.#histograms) {
      const start = offsets[2 * histogram.index] as number;
      const end = offsets[2 * histogram.index + 1] as number;
      if (!histogram.list) {
        recordDecimal(histogram, line, start, end);
        continue;
      }
      for (let position = start; position <= end; ) {
        position = this.#nextItem(line, position, end);
        recordDecimal(histogram, line, this.#itemStart, this.#itemEnd);
      }
    }
    if (this.#upstreamStatusOn) {
      const end = offsets[2 * this.#upstreamStatus + 1] as number;
      for (let position = offsets[2 * this.#upstreamStatus] as number; position <= end; ) {
        position = this.#nextItem(line, position, end);
        const range = Math.floor(integerAt(line, this.#itemStart, this.#itemEnd) / 100);
        if (range >= 1 && range <= 5) this.#upstreamRanges[range - 1] = (this.#upstreamRanges[range - 1] as number) + 1;
      }
    }
    this.#observeUpstream(line, offsets);
    if (this.#cacheStatus >= 0) {
      const start = offsets[2 * this.#cacheStatus] as number;
      const end = offsets[2 * this.#cacheStatus + 1] as number;
      for (let outcome = 0; outcome < CACHE_OUTCOMES.length; outcome++) {
        const name = CACHE_OUTCOMES[outcome] as string;
        if (end - start === name.length && line.startsWith(name, start)) {
          this.#cacheOutcomes[outcome] = (this.#cacheOutcomes[outcome] as number) + 1;
          break;
        }
      }
    }
  }

  /** Counts a request passed upstream, and one passed to more than one server. */
  #observeUpstream(line: string, offsets: Int32Array): void {
    let upstream = false;
    for (const position of this.#upstreamMarkers) {
      if (isSet(line, offsets, position)) {
        upstream = true;
        break;
      }
    }
    if (!upstream) return;
    this.#upstreamRequests++;
    for (const list of this.#attemptLists) {
      if (!isSet(line, offsets, list)) continue;
      if (countItems(line, offsets[2 * list] as number, offsets[2 * list + 1] as number) > 1) this.#upstreamNext++;
      return;
    }
  }

  /**
   * Finds the item of an upstream list starting at `position` (`0.001, 0.002 : 0.004`: commas
   * between the servers of one upstream, ` : ` between upstreams after an internal redirect),
   * stores its bounds without spaces in `#itemStart`/`#itemEnd`, and returns where the next begins.
   */
  #nextItem(line: string, position: number, end: number): number {
    let index = position;
    while (index < end && !isListSeparator(line, index)) index++;
    let from = position;
    let to = index;
    while (from < to && line.charCodeAt(from) === 32) from++;
    while (to > from && line.charCodeAt(to - 1) === 32) to--;
    this.#itemStart = from;
    this.#itemEnd = to;
    return index + 1;
  }

  #observeStatus(line: string, offsets: Int32Array): void {
    const status = integerAt(line, offsets[2 * this.#status] as number, offsets[2 * this.#status + 1] as number);
    if (status < 0 || status > 999) return;
    const range = Math.floor(status / 100);
    if (range >= 1 && range <= 5) this.#intervalRanges[range - 1] = (this.#intervalRanges[range - 1] as number) + 1;
    let method = OTHER_METHOD;
    let version = 0;
    if (this.#method >= 0) {
      method = methodIndex(line, offsets[2 * this.#method] as number, offsets[2 * this.#method + 1] as number);
    }
    if (this.#protocol >= 0) {
      version = this.#versionIndex(
        line,
        offsets[2 * this.#protocol] as number,
        offsets[2 * this.#protocol + 1] as number,
      );
    }
    if (this.#request >= 0 && (this.#method < 0 || this.#protocol < 0)) {
      const start = offsets[2 * this.#request] as number;
      const end = offsets[2 * this.#request + 1] as number;
      const firstSpace = line.indexOf(' ', start);
      if (firstSpace > start && firstSpace < end) {
        if (this.#method < 0) method = methodIndex(line, start, firstSpace);
        const lastSpace = line.lastIndexOf(' ', end - 1);
        if (this.#protocol < 0 && lastSpace > firstSpace) version = this.#versionIndex(line, lastSpace + 1, end);
      }
    }
    const key = status * 10000 + method * 100 + version;
    this.#responses.set(key, (this.#responses.get(key) ?? 0) + 1);
  }

  #versionIndex(line: string, start: number, end: number): number {
    for (const protocol of COMMON_PROTOCOLS) {
      if (end - start === protocol.length && line.startsWith(protocol, start)) return this.#internVersion(protocol);
    }
    if (end - start > 10) return 0;
    return this.#internVersion(line.slice(start, end));
  }

  #internVersion(protocol: string): number {
    const known = this.#versionIndexes.get(protocol);
    if (known !== undefined) return known;
    const version = protocolVersion(protocol);
    if (version === undefined || this.#versions.length >= MAX_VERSIONS) return 0;
    const index =
      this.#versions.indexOf(version) >= 0 ? this.#versions.indexOf(version) : this.#versions.push(version) - 1;
    this.#versionIndexes.set(protocol, index);
    return index;
  }

  /** The metrics as of `timeUnixNano`; starts a new interval for `nginx.http.response.count`. */
  collect(timeUnixNano: bigint): Metric[] {
    const start = this.#startTimeUnixNano;
    const metrics: Metric[] = [];
    const sum = (name: AccessLogMetricName, dataPoints: NumberDataPoint[]) => {
      if (this.#enabled.has(name)) metrics.push(sumMetric(name, dataPoints));
    };
    const point = (value: number, attributes: Attributes): NumberDataPoint => ({
      attributes,
      startTimeUnixNano: start,
      timeUnixNano,
      value,
      isInteger: true,
    });
    if (this.#enabled.has('nginx.http.response.count')) {
      const dataPoints = STATUS_RANGES.map((range, index) => ({
        attributes: { 'nginx.status_range': range },
        timeUnixNano,
        value: this.#intervalRanges[index] as number,
        isInteger: true,
      }));
      metrics.push({ ...describe('nginx.http.response.count'), data: { type: 'gauge', dataPoints } });
    }
    this.#intervalRanges.fill(0);
    sum(
      'nginx.http.response.status',
      [...this.#responses].map(([key, value]) => point(value, this.#responseAttributes(key))),
    );
    for (const histogram of this.#histograms) {
      metrics.push({
        ...describe(histogram.name),
        data: {
          type: 'histogram',
          aggregationTemporality: 'cumulative',
          dataPoints: [histogram.accumulator.dataPoint({}, start, timeUnixNano)],
        },
      });
    }
    sum('nginx.upstream.response.status', rangePoints(this.#upstreamRanges, point));
    sum('nginx.upstream.request.count', [point(this.#upstreamRequests, {})]);
    sum('nginx.upstream.next.count', [point(this.#upstreamNext, {})]);
    sum(
      'nginx.cache.responses',
      CACHE_OUTCOMES.flatMap((outcome, index) => {
        const value = this.#cacheOutcomes[index] as number;
        return value > 0 ? [point(value, { 'nginx.cache.outcome': outcome })] : [];
      }),
    );
    return metrics;
  }

  #responseAttributes(key: number): Attributes {
    const status = Math.floor(key / 10000);
    const method = Math.floor(key / 100) % 100;
    const version = key % 100;
    const attributes: Attributes = { 'http.response.status_code': status };
    const range = Math.floor(status / 100);
    if (range >= 1 && range <= 5) attributes['nginx.status_range'] = STATUS_RANGES[range - 1] as string;
    attributes['http.request.method'] = method === OTHER_METHOD ? '_OTHER' : (METHODS[method] as string);
    if (version > 0) attributes['network.protocol.version'] = this.#versions[version] as string;
    return attributes;
  }
}

function describe(name: AccessLogMetricName): { name: string; description: string; unit: string } {
  const descriptor = ACCESS_LOG_METRICS.find((metric) => metric.name === name) as AccessLogMetricDescriptor;
  return { name, description: descriptor.description, unit: descriptor.unit };
}

function sumMetric(name: AccessLogMetricName, dataPoints: NumberDataPoint[]): Metric {
  return {
    ...describe(name),
    data: { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: true, dataPoints },
  };
}

function rangePoints(
  counts: Float64Array,
  point: (value: number, attributes: Attributes) => NumberDataPoint,
): NumberDataPoint[] {
  return STATUS_RANGES.flatMap((range, index) => {
    const value = counts[index] as number;
    return value > 0 ? [point(value, { 'nginx.status_range': range })] : [];
  });
}

function methodIndex(line: string, start: number, end: number): number {
  const length = end - start;
  for (let index = 0; index < METHODS.length; index++) {
    const method = METHODS[index] as string;
    if (method.length === length && line.startsWith(method, start)) return index;
  }
  return OTHER_METHOD;
}

function recordDecimal(histogram: BoundHistogram, line: string, start: number, end: number): void {
  const value = decimalAt(line, start, end);
  if (value >= 0) histogram.accumulator.record(value);
}

/** True when the variable at `position` holds a value (not `-`, not empty). */
function isSet(line: string, offsets: Int32Array, position: number): boolean {
  const start = offsets[2 * position] as number;
  const end = offsets[2 * position + 1] as number;
  return end > start && !(end - start === 1 && line.charCodeAt(start) === 45);
}

function countItems(line: string, start: number, end: number): number {
  let items = 1;
  for (let index = start; index < end; index++) if (isListSeparator(line, index)) items++;
  return items;
}

/** A comma, or a colon followed by a space (`ip:port` has a colon too, never followed by a space). */
function isListSeparator(line: string, index: number): boolean {
  const code = line.charCodeAt(index);
  return code === 44 || (code === 58 && line.charCodeAt(index + 1) === 32);
}
