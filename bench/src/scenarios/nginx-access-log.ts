// Access-log parsing, lines per second on one core: the compiled scanner of nginx_access_log
// against a straightforward regular-expression parser of the same format (one lazy group per
// variable, anchored), for `combined` and a 20-variable custom format. Three figures per format:
// - fields: find every variable's text (strings) in the line;
// - records: the whole log record's attributes and time (the same field writers on both sides);
// - metrics: feed the metrics aggregator (the regex side with capture indices, flag `d`).
import {
  AccessLogAggregator,
  AccessLogParser,
  compileFieldWriters,
  type LogFormat,
  parseLogFormat,
  readValue,
} from '@wasmpipe/collectors';
import { alternate, type Comparison, type Scenario, sized } from '../harness.ts';

const LINES = 200_000;
const REPEAT = 3;

/** 20 variables: combined plus timings, sizes, upstream fields, host, port and request id. */
export const CUSTOM_20 =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ' +
  '"$http_user_agent" $request_time $request_length $bytes_sent "$upstream_addr" "$upstream_status" ' +
  '"$upstream_connect_time" "$upstream_header_time" "$upstream_response_time" $upstream_cache_status ' +
  '$host $server_port $request_id';

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/7.88.1',
  'Go-http-client/1.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'python-requests/2.31.0 \\x22quoted\\x22',
];
const PATHS = ['/', '/index.html', '/api/v1/users', '/api/v1/orders/12345', '/static/app.js', '/images/logo.png'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD'];
const STATUSES = [200, 200, 200, 200, 200, 304, 301, 404, 404, 500, 502, 503];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Deterministic pseudo-random numbers, so every run parses the same lines. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Lines as nginx writes them with `format`, about 2,000 per second of log time. */
export function generateLines(format: 'combined' | 'custom', count: number): string[] {
  const next = random(42);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)] as T;
  const lines: string[] = [];
  const start = Date.UTC(2026, 10, 23, 21, 0, 0);
  for (let index = 0; index < count; index++) {
    const date = new Date(start + Math.floor(index / 2000) * 1000);
    const pad = (value: number) => String(value).padStart(2, '0');
    const time = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    const address = `10.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`;
    const query = next() < 0.3 ? `?page=${Math.floor(next() * 100)}&sort=asc` : '';
    const request = `${pick(METHODS)} ${pick(PATHS)}${query} HTTP/${next() < 0.8 ? '1.1' : '2.0'}`;
    const status = pick(STATUSES);
    const bytes = Math.floor(next() * 50_000);
    const referer = next() < 0.5 ? '-' : 'https://www.example.com/start.html';
    const agent = pick(AGENTS);
    const user = next() < 0.05 ? 'alice' : '-';
    const combined = `${address} - ${user} [${time}] "${request}" ${status} ${bytes} "${referer}" "${agent}"`;
    if (format === 'combined') {
      lines.push(combined);
      continue;
    }
    const upstream = next() < 0.7;
    const seconds = () => (next() * 0.2).toFixed(3);
    const upstreamFields = upstream
      ? `"10.0.0.${Math.floor(next() * 8)}:8080" "${status}" "${seconds()}" "${seconds()}" "${seconds()}"`
      : '"-" "-" "-" "-" "-"';
    const cache = upstream ? pick(['HIT', 'MISS', 'BYPASS', '-']) : '-';
    const id = Math.floor(next() * 2 ** 52)
      .toString(16)
      .padStart(32, '0');
    lines.push(
      `${combined} ${seconds()} ${300 + Math.floor(next() * 900)} ${bytes + 250} ${upstreamFields} ${cache} www.example.com 443 ${id}`,
    );
  }
  return lines;
}

/** The format as one regular expression: literals escaped, `(.*?)` per variable, anchored. */
export function formatRegex(format: LogFormat, flags = ''): RegExp {
  const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = format.literals.map(
    (literal, index) => quote(literal) + (index < format.variables.length ? '(.*?)' : ''),
  );
  return new RegExp(`^${source.join('')}$`, flags);
}

type Work = (lines: readonly string[]) => number;

/** Each side of the three comparisons for one format. */
function workloads(formatText: string): Record<'fields' | 'records' | 'metrics', [Work, Work]> {
  const format = parseLogFormat(formatText);
  const count = format.variables.length;
  const scanner = new AccessLogParser(format);
  const regex = formatRegex(format);
  const regexWithIndices = formatRegex(format, 'd');
  const writers = compileFieldWriters(format.variables, format.escape);
  const fieldsByScanner: Work = (lines) => {
    let found = 0;
    const values: (string | undefined)[] = new Array(count);
    for (const line of lines) {
      if (!scanner.scan(line)) continue;
      const offsets = scanner.offsets;
      for (let index = 0; index < count; index++) {
        values[index] = readValue(line, offsets[2 * index] as number, offsets[2 * index + 1] as number, format.escape);
      }
      found++;
    }
    return found;
  };
  const fieldsByRegex: Work = (lines) => {
    let found = 0;
    const values: (string | undefined)[] = new Array(count);
    for (const line of lines) {
      const match = regex.exec(line);
      if (!match) continue;
      for (let index = 0; index < count; index++) {
        const text = match[index + 1] as string;
        values[index] = readValue(text, 0, text.length, format.escape);
      }
      found++;
    }
    return found;
  };
  const recordsByScanner: Work = (lines) => {
    let found = 0;
    for (const line of lines) if (scanner.scan(line) && scanner.fields(line).attributes) found++;
    return found;
  };
  const recordsByRegex: Work = (lines) => {
    let found = 0;
    for (const line of lines) {
      const match = regex.exec(line);
      if (!match) continue;
      const draft = { attributes: {}, timeUnixNano: undefined as bigint | undefined };
      for (let index = 0; index < count; index++) {
        const text = match[index + 1] as string;
        writers[index]?.(draft, text, 0, text.length);
      }
      found++;
    }
    return found;
  };
  const metricsByScanner: Work = (lines) => {
    const aggregator = new AccessLogAggregator(format.variables, () => true, 0n);
    let found = 0;
    for (const line of lines) {
      if (!scanner.scan(line)) continue;
      aggregator.observe(line, scanner.offsets);
      found++;
    }
    return found;
  };
  const metricsByRegex: Work = (lines) => {
    const aggregator = new AccessLogAggregator(format.variables, () => true, 0n);
    const offsets = new Int32Array(2 * count);
    let found = 0;
    for (const line of lines) {
      const match = regexWithIndices.exec(line);
      if (!match?.indices) continue;
      for (let index = 0; index < count; index++) {
        const [start, end] = match.indices[index + 1] as [number, number];
        offsets[2 * index] = start;
        offsets[2 * index + 1] = end;
      }
      aggregator.observe(line, offsets);
      found++;
    }
    return found;
  };
  return {
    fields: [fieldsByScanner, fieldsByRegex],
    records: [recordsByScanner, recordsByRegex],
    metrics: [metricsByScanner, metricsByRegex],
  };
}

/** Lines per second of `work` over `lines`, `REPEAT` passes in one timing. */
function rate(work: Work, lines: readonly string[]): number {
  const began = performance.now();
  let found = 0;
  for (let pass = 0; pass < REPEAT; pass++) found += work(lines);
  const seconds = (performance.now() - began) / 1000;
  if (found !== lines.length * REPEAT) throw new Error(`Only ${found} of ${lines.length * REPEAT} lines matched.`);
  return found / seconds;
}

export const nginxAccessLog: Scenario = {
  name: 'nginx-access-log',
  description:
    'nginx_access_log parsing on one core: the compiled scanner against a regex parser of the same format (combined and a 20-variable format).',
  async run({ runs }) {
    const comparisons: Comparison[] = [];
    for (const [label, formatText, kind] of [
      ['combined', 'combined', 'combined'],
      ['20 variables', CUSTOM_20, 'custom'],
    ] as const) {
      const lines = generateLines(kind, sized(LINES, 20_000));
      for (const [what, [subject, peer]] of Object.entries(workloads(formatText))) {
        const [subjectRuns, peerRuns] = await alternate(
          runs,
          async () => rate(subject, lines),
          async () => rate(peer, lines),
        );
        comparisons.push({
          metric: `${label}: lines/s to ${what}`,
          unit: 'lines/s',
          higherIsBetter: true,
          subject: { name: 'compiled scanner', runs: subjectRuns },
          peer: { name: 'regex, one lazy group per variable', runs: peerRuns },
        });
      }
    }
    return comparisons;
  },
};
