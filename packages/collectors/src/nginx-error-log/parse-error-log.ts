// The pure nginx error-log parser. A line is written by ngx_log_error_core as
//   2024/01/15 10:23:45 [error] 1234#5678: *99 message, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", ...
// with the context fields appended by ngx_http_log_error (and its stream and mail siblings).
import type { Attributes } from '@wasmpipe/core';
import { KNOWN_METHODS, protocolVersion, splitRequest } from '../nginx-access-log/fields.ts';

/** nginx's error levels, least to most severe. */
export const NGINX_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;

/** An nginx error level. */
export type NginxLevel = (typeof NGINX_LEVELS)[number];

/**
 * OTLP severity numbers, as the OpenTelemetry logs data model maps syslog's levels (which nginx's
 * are): debug DEBUG, info INFO, notice INFO2, warn WARN, error ERROR, crit ERROR2, alert ERROR3,
 * emerg FATAL.
 */
export const SEVERITY_NUMBERS: Record<NginxLevel, number> = {
  debug: 5,
  info: 9,
  notice: 10,
  warn: 13,
  error: 17,
  crit: 18,
  alert: 19,
  emerg: 21,
};

/** Why an upstream request failed, when an error line says so. */
export type UpstreamFailure =
  | 'timed_out'
  | 'connection_refused'
  | 'no_live_upstreams'
  | 'connection_reset'
  | 'prematurely_closed'
  | 'host_unreachable';

/** One parsed error-log line. */
export interface ErrorLogEntry {
  /** Unix nanoseconds, from the local time nginx wrote and the configured time zone. */
  timeUnixNano: bigint | undefined;
  level: NginxLevel;
  pid: number;
  tid: number;
  /** The connection number after `*`, when the line concerns a connection. */
  connection: number | undefined;
  /** The message without the appended context fields. */
  message: string;
  /** Context fields by name: client, server, request, subrequest, upstream, host, referrer. */
  context: Record<string, string>;
  upstreamFailure: UpstreamFailure | undefined;
}

/** The context fields nginx appends, in the order it writes them; quoted ones are in double quotes. */
const CONTEXT_FIELDS: readonly { name: string; quoted: boolean }[] = [
  { name: 'client', quoted: false },
  { name: 'server', quoted: false },
  { name: 'request', quoted: true },
  { name: 'subrequest', quoted: true },
  { name: 'upstream', quoted: true },
  { name: 'host', quoted: true },
  { name: 'referrer', quoted: true },
];

const HEADER = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[([a-z]+)\] (\d+)#(\d+): (?:\*(\d+) )?/;

/** How to read nginx's local times: the collector's local zone, UTC, or a fixed offset such as `+02:00`. */
export type TimeZone = 'local' | 'UTC' | `${'+' | '-'}${string}`;

/** Parses error-log lines; remembers the last time text, since lines of one second share it. */
export class ErrorLogParser {
  readonly #offsetMillis: number | undefined;
  #lastTimeText = '';
  #lastTime: bigint | undefined;

  constructor(timeZone: TimeZone = 'local') {
    this.#offsetMillis = timeZoneOffsetMillis(timeZone);
  }

  /** The entry a line holds; undefined when the line does not start like an error-log line. */
  parse(line: string): ErrorLogEntry | undefined {
    const header = HEADER.exec(line);
    if (!header) return undefined;
    const level = header[7] as NginxLevel;
    if (!(level in SEVERITY_NUMBERS)) return undefined;
    const { message, context } = splitContext(line.slice(header[0].length));
    return {
      timeUnixNano: this.#time(line.slice(0, 19), header),
      level,
      pid: Number(header[8]),
      tid: Number(header[9]),
      connection: header[10] === undefined ? undefined : Number(header[10]),
      message,
      context,
      upstreamFailure: upstreamFailure(message),
    };
  }

  #time(text: string, header: RegExpExecArray): bigint | undefined {
    if (text === this.#lastTimeText) return this.#lastTime;
    const [year, month, day, hour, minute, second] = header.slice(1, 7).map(Number) as number[];
    const millis =
      this.#offsetMillis === undefined
        ? new Date(year!, month! - 1, day, hour, minute, second).getTime()
        : Date.UTC(year!, month! - 1, day, hour, minute, second) - this.#offsetMillis;
    this.#lastTimeText = text;
    this.#lastTime = Number.isNaN(millis) ? undefined : BigInt(millis) * 1_000_000n;
    return this.#lastTime;
  }
}

/** Milliseconds east of UTC for `UTC` or `+HH:MM`; undefined for `local`. Throws on anything else. */
export function timeZoneOffsetMillis(timeZone: string): number | undefined {
  if (timeZone === 'local') return undefined;
  if (timeZone === 'UTC' || timeZone === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(timeZone);
  if (!match) throw new Error(`The time zone "${timeZone}" is not local, UTC or an offset such as +02:00.`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -1 : 1) * minutes * 60_000;
}

/** Splits the appended `, client: ..., server: ..., request: "..."` fields from the message. */
export function splitContext(text: string): { message: string; context: Record<string, string> } {
  const context: Record<string, string> = {};
  const start = text.indexOf(', client: ');
  if (start < 0) return { message: text, context };
  let position = start;
  for (let index = 0; index < CONTEXT_FIELDS.length; index++) {
    const field = CONTEXT_FIELDS[index] as { name: string; quoted: boolean };
    const prefix = `, ${field.name}: ${field.quoted ? '"' : ''}`;
    if (!text.startsWith(prefix, position)) continue;
    const valueStart = position + prefix.length;
    const end = fieldEnd(text, valueStart, field.quoted, CONTEXT_FIELDS.slice(index + 1));
    context[field.name] = text.slice(valueStart, end);
    position = end + (field.quoted ? 1 : 0);
  }
  return { message: text.slice(0, start), context };
}

/**
 * Where a field's value ends: at the first later field's `, name: ` (after a closing quote for a
 * quoted field), or at the end of the line. Values are written unescaped, so a quote or comma
 * inside one cannot be told from the end by itself.
 */
function fieldEnd(text: string, from: number, quoted: boolean, later: readonly { name: string }[]): number {
  let end = text.length;
  for (const next of later) {
    const marker = `${quoted ? '"' : ''}, ${next.name}: `;
    const at = text.indexOf(marker, from);
    if (at >= 0 && at < end) end = at;
  }
  if (end === text.length && quoted) {
    // The last field: up to the last quote (stream errors go on after it: `, bytes from/to client:...`).
    const quote = text.lastIndexOf('"');
    if (quote >= from) return quote;
  }
  return end;
}

/** Classifies an upstream failure from the message, as nginx words them. */
export function upstreamFailure(message: string): UpstreamFailure | undefined {
  if (message.startsWith('no live upstreams')) return 'no_live_upstreams';
  if (!message.includes('upstream')) return undefined;
  if (message.startsWith('upstream timed out') || message.includes('(110: Connection timed out)')) return 'timed_out';
  if (message.includes('(111: Connection refused)')) return 'connection_refused';
  if (message.includes('(104: Connection reset by peer)')) return 'connection_reset';
  if (message.startsWith('upstream prematurely closed')) return 'prematurely_closed';
  if (message.includes('(113: No route to host)') || message.includes('(101: Network is unreachable)'))
    return 'host_unreachable';
  return undefined;
}

/** The attributes of an entry: semantic-convention names where one exists, `nginx.*` otherwise. */
export function entryAttributes(entry: ErrorLogEntry): Attributes {
  const attributes: Attributes = { 'process.pid': entry.pid, 'thread.id': entry.tid };
  if (entry.connection !== undefined) attributes['nginx.connection'] = entry.connection;
  const { client, server, request, subrequest, upstream, host, referrer } = entry.context;
  if (client !== undefined) attributes['client.address'] = client;
  if (server !== undefined) attributes['server.address'] = server;
  if (request !== undefined) {
    const parts = splitRequest(request);
    if (parts) {
      attributes['http.request.method'] = KNOWN_METHODS.has(parts.method) ? parts.method : '_OTHER';
      if (!KNOWN_METHODS.has(parts.method)) attributes['http.request.method_original'] = parts.method;
      const question = parts.target.indexOf('?');
      attributes['url.path'] = question < 0 ? parts.target : parts.target.slice(0, question);
      if (question >= 0) attributes['url.query'] = parts.target.slice(question + 1);
      const version = parts.protocol === undefined ? undefined : protocolVersion(parts.protocol);
      if (version !== undefined) attributes['network.protocol.version'] = version;
    } else attributes['nginx.request'] = request;
  }
  if (subrequest !== undefined) attributes['nginx.subrequest'] = subrequest;
  if (upstream !== undefined) attributes['nginx.upstream'] = upstream;
  if (host !== undefined) attributes['http.request.header.host'] = [host];
  if (referrer !== undefined) attributes['http.request.header.referer'] = [referrer];
  if (entry.upstreamFailure !== undefined) attributes['nginx.upstream.failure'] = entry.upstreamFailure;
  return attributes;
}
