/**
 * The config `wasmpipe run` uses when no `--config` is given: host metrics every 10 s to the
 * debug exporter, and to `otlp_http` as well when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export function defaultConfigYaml(env: (name: string) => string | undefined): string {
  const otlp = Boolean(env('OTEL_EXPORTER_OTLP_ENDPOINT'));
  return `# wasmpipe's embedded default config.
collectors:
  host_metrics:
    collection_interval: 10s
processors:
  batch: {}
exporters:
  debug:
    verbosity: normal
${otlp ? '  otlp_http:\n    endpoint: ${env:OTEL_EXPORTER_OTLP_ENDPOINT}\n' : ''}pipelines:
  metrics:
    collectors: [host_metrics]
    processors: [batch]
    exporters: [debug${otlp ? ', otlp_http' : ''}]
`;
}
