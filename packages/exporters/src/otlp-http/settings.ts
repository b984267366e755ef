// What the otlp_http exporter sends with, per signal, from its config and the standard
// OTEL_EXPORTER_OTLP_* environment variables. Precedence, as the OTLP exporter specification
// gives it: the config, then the signal's own variable, then the generic one, then the default.
// A signal's own endpoint (config or variable) is used as-is; a generic one gets /v1/<signal>.

import type { Problem, Signal } from '@wasmpipe/core';
import type { OtlpHttpConfig } from './config.ts';

/** The spec's default endpoint. */
export const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_TIMEOUT_MS = 10_000;

/** TLS settings with file paths resolved. */
export interface TlsSettings {
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
  insecureSkipVerify: boolean;
  minVersion: '1.0' | '1.1' | '1.2' | '1.3';
}

/** How one signal is sent. */
export interface SignalSettings {
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  encoding: 'proto' | 'json';
  timeoutMs: number;
  /** Undefined when nothing TLS-specific was asked for (the runtime's defaults apply). */
  tls: TlsSettings | undefined;
}

/** What resolving found: settings for both signals, and notes worth a warning. */
export interface ResolvedSettings {
  metrics: SignalSettings;
  logs: SignalSettings;
  warnings: string[];
}

/** Resolves the settings of both signals; problems name the option or variable at fault. */
export function resolveSettings(
  config: OtlpHttpConfig,
  env: (name: string) => string | undefined,
  configDirectory: string,
  path: string,
): { settings: ResolvedSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const resolve = (signal: Signal): SignalSettings => {
    const SIGNAL = signal.toUpperCase();
    const variable = (suffix: string): { name: string; value: string } | undefined => {
      for (const name of [`OTEL_EXPORTER_OTLP_${SIGNAL}_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
        const value = env(name)?.trim();
        if (value) return { name, value };
      }
      return undefined;
    };
    const problem = (name: string, message: string) => problems.push({ path, message: `${name}: ${message}` });

    const compressionVariable = variable('COMPRESSION');
    let compression = config.compression;
    if (compression === undefined && compressionVariable) {
      if (compressionVariable.value === 'gzip' || compressionVariable.value === 'none') {
        compression = compressionVariable.value;
      } else
        problem(compressionVariable.name, `expected gzip or none, got ${JSON.stringify(compressionVariable.value)}`);
    }

    let encoding = config.encoding;
    const protocol = variable('PROTOCOL');
    if (encoding === undefined && protocol) {
      if (protocol.value === 'http/protobuf') encoding = 'proto';
      else if (protocol.value === 'http/json') encoding = 'json';
      else if (protocol.value === 'grpc') {
        warnings.push(`${protocol.name}=grpc is for gRPC exporters; otlp_http sends http/protobuf.`);
      } else problem(protocol.name, `expected http/protobuf, http/json or grpc, got ${JSON.stringify(protocol.value)}`);
    }

    let timeoutMs = config.timeout;
    const timeoutVariable = variable('TIMEOUT');
    if (timeoutMs === undefined && timeoutVariable) {
      if (/^\d+$/.test(timeoutVariable.value) && Number(timeoutVariable.value) > 0) {
        timeoutMs = Number(timeoutVariable.value);
      } else {
        problem(
          timeoutVariable.name,
          `expected a number of milliseconds, got ${JSON.stringify(timeoutVariable.value)}`,
        );
      }
    }

    const headers: Record<string, string> = {};
    for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', `OTEL_EXPORTER_OTLP_${SIGNAL}_HEADERS`]) {
      const value = env(name);
      if (value)
        Object.assign(
          headers,
          parseHeaders(value, (message) => problem(name, message)),
        );
    }
    for (const [key, value] of Object.entries(config.headers ?? {})) headers[key.toLowerCase()] = value;

    const tls = config.tls;
    const file = (configured: string | undefined, suffix: string): string | undefined =>
      configured !== undefined ? resolvePath(configDirectory, configured) : variable(suffix)?.value;
    const tlsSettings: TlsSettings = {
      caFile: file(tls?.ca_file, 'CERTIFICATE'),
      certFile: file(tls?.cert_file, 'CLIENT_CERTIFICATE'),
      keyFile: file(tls?.key_file, 'CLIENT_KEY'),
      insecureSkipVerify: tls?.insecure_skip_verify ?? false,
      minVersion: tls?.min_version ?? '1.2',
    };
    const tlsAsked =
      tlsSettings.caFile !== undefined ||
      tlsSettings.certFile !== undefined ||
      tlsSettings.keyFile !== undefined ||
      tlsSettings.insecureSkipVerify ||
      tlsSettings.minVersion !== '1.2';

    return {
      url: endpointFor(signal, config, variable('ENDPOINT')),
      headers,
      compression: compression ?? 'gzip',
      encoding: encoding ?? 'proto',
      timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      tls: tlsAsked ? tlsSettings : undefined,
    };
  };
  const settings = { metrics: resolve('metrics'), logs: resolve('logs'), warnings };
  return { settings, problems: dedupe(problems) };
}

/** The URL a signal is posted to. */
function endpointFor(
  signal: Signal,
  config: OtlpHttpConfig,
  variable: { name: string; value: string } | undefined,
): string {
  const own = signal === 'metrics' ? config.metrics_endpoint : config.logs_endpoint;
  if (own !== undefined) return own;
  if (config.endpoint !== undefined) return appendSignalPath(config.endpoint, signal);
  if (variable?.name.includes(`_${signal.toUpperCase()}_`)) return variable.value;
  return appendSignalPath(variable?.value ?? DEFAULT_ENDPOINT, signal);
}

/** A base endpoint plus `v1/<signal>`, keeping any path prefix. */
export function appendSignalPath(base: string, signal: Signal): string {
  return `${base.endsWith('/') ? base : `${base}/`}v1/${signal}`;
}

/**
 * Parses `key1=value1,key2=value2` (values percent-encoded, as the spec says); keys are
 * lowercased. Bad entries are reported and skipped.
 */
export function parseHeaders(text: string, report: (message: string) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    const key = separator > 0 ? entry.slice(0, separator).trim() : '';
    if (key === '') {
      report(`expected key=value pairs separated by commas, got ${JSON.stringify(entry.trim())}`);
      continue;
    }
    try {
      headers[key.toLowerCase()] = decodeURIComponent(entry.slice(separator + 1).trim());
    } catch {
      report(`the value of ${key} is not valid percent-encoding`);
    }
  }
  return headers;
}

/** `path` if absolute, else joined to `directory`. */
function resolvePath(directory: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${directory.replace(/[\\/]+$/, '')}/${path}`;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
