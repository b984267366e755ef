import { type Infer, s } from '@wasmpipe/core';
import { listenEndpoint } from '../shared/listen-endpoint.ts';

/** The config of the `prometheus` exporter; names as the Collector's prometheus exporter. */
export const prometheusConfig = s.object({
  endpoint: listenEndpoint('127.0.0.1:8889').describe('host:port the scrape endpoint listens on.'),
  path: s
    .string({ pattern: /^\/\S*$/, patternHint: 'a path starting with "/"' })
    .default('/metrics')
    .describe('The scrape path.'),
  namespace: s.string().default('').describe('Prefix of every metric name, joined with "_".'),
  const_labels: s.record(s.string()).default({}).describe('Labels added to every series.'),
  send_timestamps: s.boolean().default(false).describe("Write each sample's own time into the exposition."),
  metric_expiration: s
    .duration({ min: 1000 })
    .default('5m')
    .describe('A series not updated for this long is no longer served.'),
  add_metric_suffixes: s
    .boolean()
    .default(true)
    .describe('Append unit and type suffixes (_seconds, _total, _ratio) as the compatibility rules say.'),
  resource_to_telemetry_conversion: s
    .object({ enabled: s.boolean().default(false) })
    .default({})
    .describe('Copy every resource attribute onto every series as a label.'),
});

/** The parsed config of the `prometheus` exporter. */
export type PrometheusConfig = Infer<typeof prometheusConfig>;
