import { type Infer, joinPath, type Problem, s } from '@wasmpipe/core';

const HTTP_URL = { nonEmpty: true, pattern: /^https?:\/\//i, patternHint: 'an http:// or https:// URL' };

/** TLS settings for an https endpoint, named as in the Collector's `configtls`. */
export const tlsConfig = s.object({
  ca_file: s.string({ nonEmpty: true }).optional().describe('CA certificate (PEM) to verify the server with.'),
  cert_file: s.string({ nonEmpty: true }).optional().describe('Client certificate (PEM), for mutual TLS.'),
  key_file: s.string({ nonEmpty: true }).optional().describe('Client private key (PEM), for mutual TLS.'),
  insecure_skip_verify: s.boolean().default(false).describe('Do not verify the server certificate. Tests only.'),
  min_version: s.enum(['1.0', '1.1', '1.2', '1.3']).default('1.2').describe('Lowest TLS version accepted.'),
});

/**
 * The config of the `otlp_http` exporter. Options left out may come from the standard
 * `OTEL_EXPORTER_OTLP_*` environment variables (see settings.ts); the config wins over them.
 */
export const otlpHttpConfig = s.object({
  endpoint: s
    .string(HTTP_URL)
    .optional()
    .describe('Base URL of the OTLP/HTTP receiver; /v1/metrics and /v1/logs are appended, as the OTLP spec says.'),
  metrics_endpoint: s.string(HTTP_URL).optional().describe('Full URL for metrics, used as-is; overrides endpoint.'),
  logs_endpoint: s.string(HTTP_URL).optional().describe('Full URL for logs, used as-is; overrides endpoint.'),
  headers: s.record(s.string()).optional().describe('Headers sent with every request, e.g. an API key.'),
  compression: s.enum(['gzip', 'none']).optional().describe('Request body compression; gzip by default.'),
  encoding: s.enum(['proto', 'json']).optional().describe('Binary protobuf (default) or OTLP/JSON.'),
  timeout: s.duration({ min: 1 }).optional().describe('Time limit for one request, response included; 10s by default.'),
  tls: tlsConfig.optional().describe('TLS settings for https endpoints.'),
});

/** The parsed config of the `otlp_http` exporter. */
export type OtlpHttpConfig = Infer<typeof otlpHttpConfig>;
/** The parsed `tls` section. */
export type TlsConfig = Infer<typeof tlsConfig>;

/** Checks that the URLs parse (the schema already checked their scheme) and that TLS files come in pairs. */
export function validateOtlpHttpConfig(config: OtlpHttpConfig, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of ['endpoint', 'metrics_endpoint', 'logs_endpoint'] as const) {
    const value = config[key];
    if (value !== undefined && !URL.canParse(value)) {
      problems.push({ path: joinPath(path, key), message: `is not a valid URL: ${JSON.stringify(value)}` });
    }
  }
  const tls = config.tls;
  if (tls && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    const missing = tls.cert_file === undefined ? 'cert_file' : 'key_file';
    problems.push({
      path: joinPath(joinPath(path, 'tls'), missing),
      message: 'is required too: a client certificate needs both cert_file and key_file',
    });
  }
  return problems;
}
