// Fuzzing the pure parsers of the collectors with mutations of real captured input: stub_status,
// the NGINX Plus API JSON (every endpoint's recorder), the /proc files host_metrics reads, the
// access log (scanner, fields and metrics) and the error log. Each must return a result or throw
// its documented error: a plain Error with a message for the /proc parsers (the scraper counts
// it), StubStatusParseError, PlusJsonError. A TypeError or RangeError is a crash.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fc, fuzz, mutatedLines, mutatedText } from '../../core/src/testing/fuzz.test-support.ts';
import { parseCgroupV2Path, parseCpuMax, parseFlatKeyed, parseMemoryMax } from './host-metrics/cgroup.ts';
import { unescapeOctal } from './host-metrics/octal-escapes.ts';
import { parseCpuinfo } from './host-metrics/scrapers/cpu/parse-cpuinfo.ts';
import { parseProcStat } from './host-metrics/scrapers/cpu/parse-proc-stat.ts';
import { parseDiskstats } from './host-metrics/scrapers/disk/parse-diskstats.ts';
import { parseMountinfo } from './host-metrics/scrapers/filesystem/parse-mountinfo.ts';
import { parseLoadavg } from './host-metrics/scrapers/load/parse-loadavg.ts';
import { parseMeminfo } from './host-metrics/scrapers/memory/parse-meminfo.ts';
import { parseNetDev } from './host-metrics/scrapers/network/parse-net-dev.ts';
import { countTcpStates } from './host-metrics/scrapers/network/parse-net-tcp.ts';
import { parseSwaps } from './host-metrics/scrapers/paging/parse-swaps.ts';
import { parseVmstat } from './host-metrics/scrapers/paging/parse-vmstat.ts';
import { parseStatCounters } from './host-metrics/scrapers/processes/parse-stat-counters.ts';
import { parseUptime } from './host-metrics/scrapers/system/parse-uptime.ts';
import { parseStubStatus, StubStatusParseError } from './nginx/parse-stub-status.ts';
import { AccessLogAggregator } from './nginx-access-log/metrics.ts';
import { AccessLogParser } from './nginx-access-log/parse-access-log.ts';
import { ErrorLogParser } from './nginx-error-log/parse-error-log.ts';
import { PLUS_ENDPOINTS } from './nginx-plus/endpoints.ts';
import { PlusJsonError } from './nginx-plus/json-reader.ts';
import { CumulativeSeries } from './nginx-shared/cumulative-series.ts';
import { MetricsBuilder } from './nginx-shared/metrics-builder.ts';

const fixture = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const fixtures = (directory: string, filter: (name: string) => boolean) =>
  readdirSync(new URL(directory, import.meta.url))
    .filter(filter)
    .map((name) => fixture(`${directory}/${name}`));

/** A plain Error with a message: what the /proc parsers document; their scraper counts it. */
const plainError = (error: unknown) =>
  error instanceof Error && error.constructor === Error && error.message.length > 0;

/** Mutated text: byte-level and line/token-level changes to the seeds. */
function mutated(seeds: string[], tokens: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(mutatedText(seeds, 4), mutatedLines(seeds, tokens), fc.string({ maxLength: 200 }));
}

/** Every number a parser returns is a real number: NaN would travel on as a data point. */
function checkNumbers(value: unknown, path = '$'): void {
  if (typeof value === 'number' && Number.isNaN(value)) throw new TypeError(`NaN at ${path}.`);
  if (value instanceof Map) for (const [key, item] of value) checkNumbers(item, `${path}.${String(key)}`);
  else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) checkNumbers(value[index], `${path}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkNumbers(item, `${path}.${key}`);
  }
}

describe('fuzz: stub_status', () => {
  it('mutated stub_status pages parse or fail with StubStatusParseError', () => {
    const seeds = fixtures('nginx/__fixtures__', (name) => name.endsWith('.txt') || name.endsWith('.html'));
    fuzz({
      name: 'stub_status parser: mutated pages',
      area: 'nginx collector',
      input: mutated(seeds, ['Active connections:', 'server', 'accepts', 'Reading:', '99999999999999999999']),
      run: (text) => checkNumbers(parseStubStatus(text)),
      accepts: (error) => error instanceof StubStatusParseError,
      runs: 3000,
    });
  });
});

describe('fuzz: NGINX Plus API JSON', () => {
  const releases = ['r33-api9', 'r22-api6', 'r18-api4'];
  const samples: { path: string; data: unknown }[] = [];
  for (const release of releases) {
    for (const endpoint of PLUS_ENDPOINTS) {
      const file = new URL(
        `nginx-plus/__fixtures__/${release}/${endpoint.path.replace('/', '-')}.json`,
        import.meta.url,
      );
      try {
        samples.push({ path: endpoint.path, data: JSON.parse(readFileSync(file, 'utf8')) });
      } catch {
        // This release does not serve the endpoint.
      }
    }
  }

  /** A JSON tree with one subtree (chosen by walk index) replaced. */
  function replaceSubtree(tree: unknown, target: number, replacement: unknown): unknown {
    let index = 0;
    const walk = (node: unknown): unknown => {
      if (index++ === target) return replacement;
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object') {
        return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
      }
      return node;
    };
    return walk(tree);
  }

  const odd = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 1e308, Number.MAX_SAFE_INTEGER + 2, '12', null, [], {}, { total: 'x' }, [{ id: 'x' }]),
  );

  it('every endpoint recorder, fed mutated JSON, records points or fails with PlusJsonError', () => {
    fuzz({
      name: 'NGINX Plus API endpoint recorders: mutated JSON trees',
      area: 'nginx_plus collector',
      input: fc.tuple(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat({ max: 300 }), odd), { minLength: 1, maxLength: 3 }),
      ),
      run: ([sample, changes]) => {
        const data = changes.reduce((tree, [at, value]) => replaceSubtree(tree, at, value), sample.data);
        const endpoint = PLUS_ENDPOINTS.find((candidate) => candidate.path === sample.path)!;
        const builder = new MetricsBuilder(1_700_000_000_000_000_000n, new CumulativeSeries(1n));
        endpoint.record(builder, data, '');
        checkNumbers(builder.build());
      },
      accepts: (error) => error instanceof PlusJsonError,
      runs: 3000,
    });
  });
});

describe('fuzz: /proc and cgroup parsers', () => {
  const hostFixture = (name: string) => fixture(`host-metrics/__fixtures__/${name}`);
  const byPrefix = (prefix: string) => fixtures('host-metrics/__fixtures__', (name) => name.startsWith(prefix));
  const parsers: { name: string; seeds: string[]; parse: (text: string) => unknown }[] = [
    { name: '/proc/stat (cpu)', seeds: byPrefix('proc-stat'), parse: parseProcStat },
    { name: '/proc/stat (processes)', seeds: byPrefix('proc-stat'), parse: parseStatCounters },
    { name: '/proc/cpuinfo', seeds: byPrefix('cpuinfo'), parse: parseCpuinfo },
    { name: '/proc/diskstats', seeds: byPrefix('diskstats'), parse: parseDiskstats },
    { name: '/proc/self/mountinfo', seeds: byPrefix('mountinfo'), parse: parseMountinfo },
    { name: '/proc/loadavg', seeds: [hostFixture('loadavg.txt')], parse: parseLoadavg },
    { name: '/proc/meminfo', seeds: byPrefix('meminfo'), parse: parseMeminfo },
    { name: '/proc/net/dev', seeds: byPrefix('net-dev'), parse: parseNetDev },
    {
      name: '/proc/net/tcp',
      seeds: byPrefix('net-tcp'),
      parse: (text) => countTcpStates(text, new Map()),
    },
    { name: '/proc/swaps', seeds: byPrefix('swaps'), parse: parseSwaps },
    { name: '/proc/vmstat', seeds: byPrefix('vmstat'), parse: parseVmstat },
    { name: '/proc/uptime', seeds: [hostFixture('uptime.txt')], parse: parseUptime },
    {
      name: 'cgroup v2 files',
      seeds: ['0::/system.slice/nginx.service\n', 'max 100000\n', '50000 100000\n', 'anon 1\nfile 2\n', 'max\n'],
      parse: (text) => [
        parseCgroupV2Path(text),
        parseMemoryMax(text),
        parseCpuMax(text),
        parseFlatKeyed(text, 'memory.stat'),
        unescapeOctal(text),
      ],
    },
  ];

  for (const parser of parsers) {
    it(`${parser.name}: mutated input parses or fails with a plain Error`, () => {
      fuzz({
        name: `host_metrics ${parser.name} parser: mutated files`,
        area: 'host_metrics collector',
        input: mutated(parser.seeds, ['cpu', 'cpu0', 'kB', '0', '4294967296', '-']),
        run: (text) => checkNumbers(parser.parse(text)),
        accepts: plainError,
        runs: 600,
      });
    });
  }
});

describe('fuzz: access and error logs', () => {
  const combined = fixture('nginx-access-log/__fixtures__/combined.log').split('\n');
  const custom = fixture('nginx-access-log/__fixtures__/custom20.log').split('\n');
  const json = fixture('nginx-access-log/__fixtures__/json.log').split('\n');
  const formats: { format: string; escaping?: 'json'; lines: string[] }[] = [
    { format: 'combined', lines: combined },
    { format: fixture('nginx-access-log/__fixtures__/custom20.conf'), lines: custom },
    { format: fixture('nginx-access-log/__fixtures__/json.conf'), escaping: 'json', lines: json },
  ];

  it('access-log lines: parsed into a record and metrics, or left unparsed; never a throw', () => {
    const parsers = formats.map(({ format, escaping, lines }) => {
      const parser = new AccessLogParser(format, escaping);
      const aggregator = new AccessLogAggregator(parser.format.variables, () => true, 1n);
      return { parser, aggregator, lines: lines.filter((line) => line !== '') };
    });
    const tokens = ['-', '"', '\\x22', '\\', '[', ']', '999', '1e309', '-1', 'HTTP/9.9', '0.000', 'NaN'];
    fuzz({
      name: 'access-log parser and metrics: mutated lines (combined, 20 fields, JSON escape)',
      area: 'nginx_access_log collector',
      input: fc
        .integer({ min: 0, max: parsers.length - 1 })
        .chain((index) => fc.tuple(fc.constant(index), mutated(parsers[index]!.lines, tokens))),
      run: ([index, text]) => {
        const { parser, aggregator } = parsers[index]!;
        for (const line of text.split('\n')) {
          const matched = parser.scan(line);
          if (matched) aggregator.observe(line, parser.offsets);
          const record = parser.record(line, 1n, matched);
          checkNumbers(record.attributes);
        }
        checkNumbers(aggregator.collect(2n));
      },
      runs: 3000,
    });
  });

  it('error-log lines: an entry or undefined; never a throw', () => {
    const seeds = fixture('nginx-error-log/__fixtures__/error.log').split('\n');
    const utc = new ErrorLogParser('UTC');
    const local = new ErrorLogParser('local');
    fuzz({
      name: 'error-log parser: mutated lines',
      area: 'nginx_error_log collector',
      input: mutated(seeds, ['[error]', '[emerg]', '*1', 'client:', 'upstream:', '99999/99/99', '24:61:61']),
      run: (line) => {
        utc.parse(line);
        local.parse(line);
      },
      runs: 3000,
    });
  });
});
