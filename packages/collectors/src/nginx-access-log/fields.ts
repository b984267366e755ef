// What each nginx variable becomes in a log record: semantic-convention attributes where one
// exists (`http.request.method`, `url.path`, `client.address`...), `nginx.<variable>` otherwise.
import type { Attributes } from '@wasmpipe/core';
import type { LogEscape } from './log-format.ts';
import { readValue } from './scanner.ts';
import { TIME_PARSERS, TimeReader } from './timestamps.ts';

/** The HTTP methods semantic conventions name; any other is `_OTHER`. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** `HTTP/1.1` → `1.1`, `HTTP/2.0` → `2`, `HTTP/3.0` → `3`; undefined for anything that is not HTTP/x[.y]. */
export function protocolVersion(protocol: string): string | undefined {
  const match = /^HTTP\/(\d)(?:\.(\d))?$/.exec(protocol);
  if (!match) return undefined;
  const major = match[1] as string;
  if (Number(major) >= 2 && (match[2] === undefined || match[2] === '0')) return major;
  return match[2] === undefined ? major : `${major}.${match[2]}`;
}

const COMMON_VERSIONS: readonly [string, string][] = [
  ['HTTP/1.1', '1.1'],
  ['HTTP/2.0', '2'],
  ['HTTP/1.0', '1.0'],
  ['HTTP/3.0', '3'],
];
const METHOD_LIST = [...KNOWN_METHODS];

/** {@link protocolVersion} of `line[start, end)`, without cutting a string for the common versions. */
export function protocolVersionAt(line: string, start: number, end: number): string | undefined {
  for (const [protocol, version] of COMMON_VERSIONS) {
    if (end - start === protocol.length && line.startsWith(protocol, start)) return version;
  }
  return protocolVersion(line.slice(start, end));
}

/** The known method written at `line[start, end)`, or undefined. */
export function methodAt(line: string, start: number, end: number): string | undefined {
  for (const method of METHOD_LIST) {
    if (end - start === method.length && line.startsWith(method, start)) return method;
  }
  return undefined;
}

/** A request line split into its parts; undefined when it has no space (not a request line). */
export function splitRequest(request: string): { method: string; target: string; protocol?: string } | undefined {
  const first = request.indexOf(' ');
  if (first <= 0) return undefined;
  const last = request.lastIndexOf(' ');
  if (last > first && request.startsWith('HTTP/', last + 1)) {
    return {
      method: request.slice(0, first),
      target: request.slice(first + 1, last),
      protocol: request.slice(last + 1),
    };
  }
  return { method: request.slice(0, first), target: request.slice(first + 1) };
}

/** The parts of a record a line's fields fill in. */
export interface RecordDraft {
  attributes: Attributes;
  timeUnixNano: bigint | undefined;
}

/** Writes one variable's value, found at `line[start, end)`, into a record draft. */
export type FieldWriter = (draft: RecordDraft, line: string, start: number, end: number) => void;

/** The integer written at `line[start, end)`, or -1 when it is not one (e.g. `-`). */
export function integerAt(line: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = line.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The decimal number (`0.123`) written at `line[start, end)`, or -1 when it is not one. */
export function decimalAt(line: string, start: number, end: number): number {
  if (end <= start || end - start > 20) return -1;
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let dot = false;
  for (let index = start; index < end; index++) {
    const code = line.charCodeAt(index);
    if (code === 46 && !dot) {
      dot = true;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return -1;
    if (dot) {
      fraction = fraction * 10 + digit;
      scale *= 10;
    } else whole = whole * 10 + digit;
  }
  return whole + fraction / scale;
}

const INTEGER_ATTRIBUTES: Record<string, string> = {
  status: 'http.response.status_code',
  body_bytes_sent: 'http.response.body.size',
  bytes_sent: 'http.response.size',
  request_length: 'http.request.size',
  remote_port: 'client.port',
  server_port: 'server.port',
  connection: 'nginx.connection',
  connection_requests: 'nginx.connection_requests',
  pid: 'process.pid',
};

const STRING_ATTRIBUTES: Record<string, string> = {
  remote_addr: 'client.address',
  remote_user: 'user.name',
  http_user_agent: 'user_agent.original',
  uri: 'url.path',
  document_uri: 'url.path',
  args: 'url.query',
  query_string: 'url.query',
  scheme: 'url.scheme',
  host: 'server.address',
  server_name: 'server.address',
  server_addr: 'network.local.address',
};

/** Which time variable gives a record its timestamp when several are logged: the most precise. */
const TIME_PRIORITY = ['msec', 'time_iso8601', 'time_local'];

/** Compiles one writer per variable of a format (in line order). */
export function compileFieldWriters(variables: readonly string[], escaping: LogEscape): FieldWriter[] {
  const timeVariable = TIME_PRIORITY.find((name) => variables.includes(name));
  return variables.map((name) => fieldWriter(name, escaping, name === timeVariable));
}

function fieldWriter(name: string, escaping: LogEscape, isTimestamp: boolean): FieldWriter {
  const value = (line: string, start: number, end: number) => readValue(line, start, end, escaping);
  const timeParser = TIME_PARSERS[name];
  if (timeParser) {
    if (!isTimestamp) return () => {};
    const reader = new TimeReader(timeParser);
    return (draft, line, start, end) => {
      draft.timeUnixNano = reader.read(line, start, end);
    };
  }
  const integerAttribute = INTEGER_ATTRIBUTES[name];
  if (integerAttribute) {
    return (draft, line, start, end) => {
      const number = integerAt(line, start, end);
      if (number >= 0) draft.attributes[integerAttribute] = number;
    };
  }
  if (name === 'request_time') {
    return (draft, line, start, end) => {
      const seconds = decimalAt(line, start, end);
      if (seconds >= 0) draft.attributes['http.server.request.duration'] = seconds;
    };
  }
  if (name === 'gzip_ratio') {
    return (draft, line, start, end) => {
      const ratio = decimalAt(line, start, end);
      if (ratio >= 0) draft.attributes['nginx.gzip_ratio'] = ratio;
    };
  }
  if (name === 'request') {
    return (draft, line, start, end) => {
      // Escaped text takes the string way; plain text (nearly every line) is read in place.
      const backslash = escaping === 'none' ? -1 : line.indexOf('\\', start);
      if (backslash >= start && backslash < end) writeRequest(draft.attributes, value(line, start, end));
      else if (end > start && !(end - start === 1 && line.charCodeAt(start) === 45)) {
        writeRequestInPlace(draft.attributes, line, start, end);
      }
    };
  }
  if (name === 'request_method') {
    return (draft, line, start, end) => {
      const known = methodAt(line, start, end);
      if (known !== undefined) draft.attributes['http.request.method'] = known;
      else {
        const method = value(line, start, end);
        if (method !== undefined) writeMethod(draft.attributes, method);
      }
    };
  }
  if (name === 'request_uri') {
    return (draft, line, start, end) => {
      const target = value(line, start, end);
      if (target !== undefined) writeTarget(draft.attributes, target);
    };
  }
  if (name === 'server_protocol') {
    return (draft, line, start, end) => {
      const version = protocolVersionAt(line, start, end);
      if (version !== undefined) draft.attributes['network.protocol.version'] = version;
    };
  }
  const header = headerAttribute(name);
  if (header) {
    return (draft, line, start, end) => {
      const text = value(line, start, end);
      if (text !== undefined) draft.attributes[header] = [text];
    };
  }
  const attribute = STRING_ATTRIBUTES[name] ?? `nginx.${name}`;
  return (draft, line, start, end) => {
    const text = value(line, start, end);
    if (text !== undefined) draft.attributes[attribute] = text;
  };
}

/** `$http_x_forwarded_for` → `http.request.header.x-forwarded-for`; `$sent_http_*` → response headers. */
function headerAttribute(name: string): string | undefined {
  if (name === 'http_user_agent') return undefined;
  if (name.startsWith('http_')) return `http.request.header.${name.slice(5).replace(/_/g, '-')}`;
  if (name.startsWith('sent_http_')) return `http.response.header.${name.slice(10).replace(/_/g, '-')}`;
  return undefined;
}

function writeRequest(attributes: Attributes, request: string | undefined): void {
  if (request === undefined) return;
  const parts = splitRequest(request);
  if (!parts) {
    attributes['nginx.request'] = request;
    return;
  }
  writeMethod(attributes, parts.method);
  writeTarget(attributes, parts.target);
  const version = parts.protocol === undefined ? undefined : protocolVersion(parts.protocol);
  if (version !== undefined) attributes['network.protocol.version'] = version;
}

/** {@link writeRequest} for unescaped text, reading `line[start, end)` without cutting the whole request. */
function writeRequestInPlace(attributes: Attributes, line: string, start: number, end: number): void {
  const first = line.indexOf(' ', start);
  if (first <= start || first >= end) {
    attributes['nginx.request'] = line.slice(start, end);
    return;
  }
  const last = line.lastIndexOf(' ', end - 1);
  const hasProtocol = last > first && line.startsWith('HTTP/', last + 1);
  const targetEnd = hasProtocol ? last : end;
  const method = methodAt(line, start, first);
  if (method !== undefined) attributes['http.request.method'] = method;
  else writeMethod(attributes, line.slice(start, first));
  const question = line.indexOf('?', first + 1);
  if (question >= 0 && question < targetEnd) {
    attributes['url.path'] = line.slice(first + 1, question);
    attributes['url.query'] = line.slice(question + 1, targetEnd);
  } else attributes['url.path'] = line.slice(first + 1, targetEnd);
  if (hasProtocol) {
    const version = protocolVersionAt(line, last + 1, end);
    if (version !== undefined) attributes['network.protocol.version'] = version;
  }
}

function writeMethod(attributes: Attributes, method: string): void {
  if (KNOWN_METHODS.has(method)) {
    attributes['http.request.method'] = method;
    return;
  }
  attributes['http.request.method'] = '_OTHER';
  attributes['http.request.method_original'] = method;
}

function writeTarget(attributes: Attributes, target: string): void {
  const question = target.indexOf('?');
  if (question < 0) {
    attributes['url.path'] = target;
    return;
  }
  attributes['url.path'] = target.slice(0, question);
  attributes['url.query'] = target.slice(question + 1);
}
