import { type Infer, joinPath, type Problem, s } from '@wasmpipe/core';

const HTTP_URL = { nonEmpty: true, pattern: /^https?:\/\//i, patternHint: 'an http:// or https:// URL' };

/** The config of the `otlp_http` exporter. */
export const otlpHttpConfig = s.object({
  endpoint: s
    .string(HTTP_URL)
    .describe('Base URL of the OTLP/HTTP receiver; /v1/metrics and /v1/logs are appended, as the OTLP spec says.'),
  metrics_endpoint: s.string(HTTP_URL).optional().describe('Full URL for metrics, used as-is; overrides endpoint.'),
  logs_endpoint: s.string(HTTP_URL).optional().describe('Full URL for logs, used as-is; overrides endpoint.'),
  headers: s.record(s.string()).default({}).describe('Headers sent with every request, e.g. an API key.'),
  compression: s.enum(['gzip', 'none']).default('gzip').describe('Request body compression.'),
  timeout: s.duration({ min: 1 }).default('10s').describe('Time limit for one request, response included.'),
});

/** The parsed config of the `otlp_http` exporter. */
export type OtlpHttpConfig = Infer<typeof otlpHttpConfig>;

/** Checks that the URLs parse; the schema already checked their scheme. */
export function validateOtlpHttpConfig(config: OtlpHttpConfig, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of ['endpoint', 'metrics_endpoint', 'logs_endpoint'] as const) {
    const value = config[key];
    if (value !== undefined && !URL.canParse(value)) {
      problems.push({ path: joinPath(path, key), message: `is not a valid URL: ${JSON.stringify(value)}` });
    }
  }
  return problems;
}

/** The URL a signal is posted to: its own endpoint as-is, or the base endpoint plus `v1/<signal>`. */
export function signalUrl(config: OtlpHttpConfig, signal: 'metrics' | 'logs'): string {
  const own = signal === 'metrics' ? config.metrics_endpoint : config.logs_endpoint;
  if (own !== undefined) return own;
  const base = config.endpoint;
  return `${base.endsWith('/') ? base : `${base}/`}v1/${signal}`;
}
