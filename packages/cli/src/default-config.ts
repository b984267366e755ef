/**
 * The config `wasmpipe run` uses when no `--config` is given: host metrics every 10 s to the
 * debug exporter, and to `otlp_http` as well when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * The host_metrics scrapers are the contrib hostmetrics receiver's usual set: cpu, memory, load,
 * disk, filesystem, network, paging and system. Left out: `processes` and `process`, which read
 * every /proc/<pid> at each scrape (their cost grows with the number of processes, and per-process
 * series are many), and are better enabled on purpose; nginx's own processes have the `process`
 * collector.
 */
export function defaultConfigYaml(env: (name: string) => string | undefined): string {
  const otlp = Boolean(env('OTEL_EXPORTER_OTLP_ENDPOINT'));
  return `# wasmpipe's embedded default config.
collectors:
  host_metrics:
    collection_interval: 10s
    scrapers: { cpu: {}, memory: {}, load: {}, disk: {}, filesystem: {}, network: {}, paging: {}, system: {} }
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
